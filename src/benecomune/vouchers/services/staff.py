"""A shop's people: staff invited by e-mail, and the self-service sign-up of a new shop.

Invited users (and the first user of a shop that signs up) choose their password through the
platform's password-reset link, which also proves they own the address; as staff they then
enrol the second factor at first login, like every staff role.
"""

from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.text import slugify
from django.utils.translation import gettext as _

from benecomune.core.actors import Actor
from benecomune.core.identifiers import normalize_vat_number, validate_vat_number
from benecomune.core.models import (
    Membership,
    Municipality,
    Organization,
    Provider,
    ProviderKind,
    Role,
    User,
)
from benecomune.core.models.organizations import RESERVED_SLUGS
from benecomune.core.notifications import EMAIL, notify
from benecomune.core.services import memberships
from benecomune.core.services.organizations import create_provider
from benecomune.vouchers.services import circuit as circuit_services


def _password_link(user: User, base_url: str) -> str:
    path = reverse(
        "core:password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    return base_url.rstrip("/") + path


def _send_welcome(user: User, merchant: Provider, base_url: str, *, new_shop: bool) -> None:
    has_password = user.has_usable_password()
    context = {
        "shop": merchant.name,
        "has_password": has_password,
        "new_shop": new_shop,
        "link": base_url.rstrip("/") + reverse("core:login")
        if has_password
        else _password_link(user, base_url),
    }
    notify(user, "merchant_staff_welcome", context, organization=merchant, channels=[EMAIL])


def _grant(actor: Actor, user: User, merchant: Provider) -> Membership:
    return memberships.activate(actor, user, merchant, Role.MERCHANT_STAFF)


def _user_for(email: str, full_name: str) -> User:
    """The account with this address, created (without a password) if there is none."""
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User.objects.create_user(email, None, full_name=full_name[:200])
    return user


def _clean_email(email: str) -> str:
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise ValidationError({"email": [_("Indirizzo e-mail non valido.")]}) from exc
    return email


@transaction.atomic
def invite_staff(
    actor: Actor, merchant: Provider, *, email: str, full_name: str, base_url: str
) -> Membership:
    """Give someone the shop's till (role merchant staff), creating the account if needed."""
    actor.require("merchant.manage", merchant)
    email = _clean_email(email)
    full_name = " ".join((full_name or "").split())
    if not full_name:
        raise ValidationError({"full_name": [_("Indichi nome e cognome.")]})
    user = _user_for(email, full_name)
    membership = _grant(actor, user, merchant)
    _send_welcome(user, merchant, base_url, new_shop=False)
    return membership


@transaction.atomic
def remove_staff(actor: Actor, membership: Membership, *, reason: str = "") -> Membership:
    actor.require("merchant.manage", membership.organization_id)
    if membership.role != Role.MERCHANT_STAFF:
        raise ValidationError(_("Si possono togliere solo gli accessi alla cassa."))
    if actor.user and membership.user_id == actor.user.pk:
        raise ValidationError(_("Non può togliere l'accesso a sé stesso."))
    current = Membership.objects.select_for_update().get(pk=membership.pk)
    if not current.is_active:
        return current
    return memberships.deactivate(
        actor,
        current,
        organization=Organization(pk=current.organization_id),
        before={"is_active": True},
        reason=reason,
    )


def _free_slug(name: str) -> str:
    base = (slugify(name)[:70] or "esercente").strip("-")
    slug, n = base, 1
    while slug in RESERVED_SLUGS or Organization.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


@transaction.atomic
def register_merchant(
    *,
    name: str,
    vat_number: str,
    category: str,
    address: str,
    municipality: Municipality,
    circuit_organization: Organization,
    points_of_sale: list[tuple[str, str]],
    iban: str,
    iban_holder: str,
    contact_name: str,
    email: str,
    phone: str = "",
    base_url: str,
    ip_address: str | None = None,
) -> tuple[Provider, User]:
    """A shop not yet on the platform asks to join a circuit: the shop is created inactive,
    its first staff account is created (password chosen through the e-mailed link), and the
    request waits for the Comune. Nothing is written if anything is invalid."""
    # The public form, not a system actor: no permission until the shop exists, then only
    # its own circuit request (Actor.for_signup).
    actor = Actor.for_signup("adesione esercente", ip_address)
    errors = {}
    name = " ".join((name or "").split())
    if len(name) < 3:
        errors["name"] = [_("Indichi il nome del negozio.")]
    try:
        email = _clean_email(email)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if not " ".join((contact_name or "").split()):
        errors["contact_name"] = [_("Indichi il nome del referente.")]
    vat = normalize_vat_number(vat_number)
    try:
        validate_vat_number(vat)
    except ValidationError as exc:
        errors["vat_number"] = exc.messages
    else:
        if Provider.objects.filter(vat_number=vat).exists():
            errors["vat_number"] = [
                _(
                    "La partita IVA %(vat)s è già registrata: chieda al referente del negozio "
                    "di invitarla dalla pagina «Personale», o scriva al Comune."
                )
                % {"vat": vat}
            ]
    # What the circuit checks now and records in the request once the shop exists.
    shop = {
        "category": category,
        "vat_number": vat,
        "iban": iban,
        "iban_holder": iban_holder,
        "address": address,
        "municipality": municipality,
        "points_of_sale": points_of_sale,
    }
    try:  # the circuit's checks too, so that every problem is told at once
        circuit_services.clean_request(Provider(), **shop)
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, messages)
    if errors:
        raise ValidationError(errors)
    provider = create_provider(
        actor,
        municipality.network,
        name=name[:200],
        slug=_free_slug(name),
        provider_kind=ProviderKind.SHOP,
        category=category if category else "other",
        vat_number=vat,
        municipality=municipality,
        address=" ".join((address or "").split())[:200],
        email=email,
        phone=phone[:30],
        is_active=False,  # until the Comune approves the request
    )
    user = _user_for(email, " ".join(contact_name.split()))
    actor = Actor.for_signup("adesione esercente", ip_address, provider)
    _grant(actor, user, provider)
    circuit_services.request_membership(
        actor,
        provider,
        circuit_organization,
        **shop,
        contact_name=contact_name,
        contact_email=email,
        contact_phone=phone,
    )
    _send_welcome(user, provider, base_url, new_shop=True)
    return provider, user

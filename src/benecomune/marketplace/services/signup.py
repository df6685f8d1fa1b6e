"""A provider signs up by itself (a cooperative, an association, a professional): the
organisation is created inactive with its profile, the signing person's account without a
role, and the request waits for the network's administrators. Once approved the provider is
active and the signing person becomes its owner (provider staff, `ProviderStaffRole` owner).

Shops join through the voucher circuit's own sign-up (vouchers.services.staff.register_merchant):
the same Provider row, so a shop is one organisation everywhere.
"""

from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.text import slugify
from django.utils.translation import gettext as _

from benecomune.core import audit
from benecomune.core.actors import Actor
from benecomune.core.identifiers import normalize_vat_number, validate_vat_number
from benecomune.core.models import (
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
from benecomune.marketplace.models import (
    ProviderProfile,
    ProviderStaffRole,
    RegistrationStatus,
    StaffRole,
)
from benecomune.marketplace.services.common import (
    DESCRIPTION_MAX,
    NETWORK_PERMISSION,
    check_entity_fiscal_code,
    check_register_number,
    clean_line,
    clean_text,
    collect,
)

SIGNUP_KINDS = (
    ProviderKind.SOCIAL_COOPERATIVE,
    ProviderKind.ASSOCIATION,
    ProviderKind.PROFESSIONAL,
)
REASON_MAX = 2000


def _free_slug(name: str) -> str:
    base = (slugify(name)[:70] or "fornitore").strip("-")
    slug, n = base, 1
    while slug in RESERVED_SLUGS or Organization.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def _link(user: User, base_url: str) -> str:
    if user.has_usable_password():
        path = reverse("core:login")
    else:
        path = reverse(
            "core:password_reset_confirm",
            kwargs={
                "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                "token": default_token_generator.make_token(user),
            },
        )
    return base_url.rstrip("/") + path


# The fields of a sign-up, as the page collects them.
SIGNUP_FIELDS = (
    "name",
    "provider_kind",
    "vat_number",
    "fiscal_code",
    "register_number",
    "municipality",
    "address",
    "description",
    "contact_name",
    "email",
    "phone",
)


def check_signup(
    *,
    name: str,
    provider_kind: str,
    vat_number: str,
    fiscal_code: str,
    register_number: str,
    municipality: Municipality | None,
    description: str,
    contact_name: str,
    email: str,
    **_others,
) -> tuple[dict, dict]:
    """Every rule of a sign-up at once: (errors by field, the cleaned values)."""
    errors: dict = {}
    name = clean_line(name or "", 200)
    if len(name) < 3:
        errors["name"] = [_("Indichi la denominazione del fornitore.")]
    if provider_kind not in SIGNUP_KINDS:
        errors["provider_kind"] = [
            _(
                "Scelga cooperativa sociale, associazione o professionista. "
                "I negozi aderiscono dal circuito dei buoni."
            )
        ]
    if municipality is None or municipality.network_id is None:
        errors["municipality"] = [_("Scelga il Comune della sede.")]
    vat = normalize_vat_number(vat_number or "")
    if not vat:
        errors["vat_number"] = [_("Indichi la partita IVA.")]
    else:
        collect(errors, "vat_number", validate_vat_number, vat)
    if "vat_number" not in errors and Provider.objects.filter(vat_number=vat).exists():
        errors["vat_number"] = [
            _("La partita IVA %(vat)s è già registrata: chieda al titolare di invitarla.")
            % {"vat": vat}
        ]
    code = collect(errors, "fiscal_code", check_entity_fiscal_code, fiscal_code or "")
    if not code and "fiscal_code" not in errors:
        errors["fiscal_code"] = [_("Indichi il codice fiscale dell'ente.")]
    register = collect(
        errors, "register_number", check_register_number, register_number or "", provider_kind
    )
    description = clean_text(description or "")
    if len(description) > DESCRIPTION_MAX:
        errors["description"] = [
            _("La descrizione supera %(max)s caratteri.") % {"max": DESCRIPTION_MAX}
        ]
    contact_name = clean_line(contact_name or "", 200)
    if not contact_name:
        errors["contact_name"] = [_("Indichi nome e cognome di chi fa la richiesta.")]
    email = (email or "").strip().lower()
    if not email:
        errors["email"] = [_("Indichi l'indirizzo e-mail.")]
    else:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = [
                _("L'indirizzo e-mail non è valido: lo scriva come nome@esempio.it.")
            ]
    cleaned = {
        "name": name,
        "vat": vat,
        "code": code,
        "register": register,
        "description": description,
        "contact_name": contact_name,
        "email": email,
    }
    return errors, cleaned


def signup_errors(data: dict) -> dict:
    """The errors of a sign-up whose form is incomplete (missing fields empty): the page
    shows them all at once, not one round at a time."""
    values = {field: data.get(field) or "" for field in SIGNUP_FIELDS}
    values["municipality"] = data.get("municipality") or None
    return check_signup(**values)[0]


@transaction.atomic
def sign_up(
    *,
    name: str,
    provider_kind: str,
    vat_number: str,
    fiscal_code: str,
    register_number: str,
    municipality: Municipality | None,
    address: str,
    description: str,
    contact_name: str,
    email: str,
    phone: str = "",
    ip_address: str | None = None,
) -> Provider:
    """Record a provider's request to join the network of `municipality` (its seat)."""
    actor = Actor.for_signup("iscrizione fornitore", ip_address)
    errors, cleaned = check_signup(
        name=name,
        provider_kind=provider_kind,
        vat_number=vat_number,
        fiscal_code=fiscal_code,
        register_number=register_number,
        municipality=municipality,
        description=description,
        contact_name=contact_name,
        email=email,
    )
    if errors:
        raise ValidationError(errors)
    name, vat, code = cleaned["name"], cleaned["vat"], cleaned["code"]
    register, description = cleaned["register"], cleaned["description"]
    contact_name, email = cleaned["contact_name"], cleaned["email"]
    provider = create_provider(
        actor,
        municipality.network,
        name=name,
        slug=_free_slug(name),
        provider_kind=provider_kind,
        category="other",
        vat_number=vat,
        municipality=municipality,
        address=clean_line(address, 200),
        email=email,
        phone=clean_line(phone, 30),
        is_active=False,  # until the network approves
    )
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User.objects.create_user(email, None, full_name=contact_name)
    profile = ProviderProfile.objects_unscoped.create(
        provider=provider,
        fiscal_code=code,
        register_number=register or "",
        description=description,
        contact_name=contact_name,
        contact_email=email,
        contact_phone=clean_line(phone, 30),
        registration=RegistrationStatus.PENDING,
        applicant=user,
    )
    profile.municipalities_served.add(municipality)
    audit.record(
        actor,
        "marketplace.signup_received",
        profile,
        organization=provider,
        after={"vat_number": vat, "provider_kind": provider_kind, "applicant": email},
    )
    notify(
        email,
        "marketplace_signup_received",
        {"provider": provider.name, "network": municipality.network.name},
        organization=provider,
        channels=[EMAIL],
    )
    return provider


def _pending(actor: Actor, provider: Provider) -> ProviderProfile:
    if provider.network_id is None:
        raise ValidationError(_("Il fornitore non fa parte di una rete."))
    actor.require(NETWORK_PERMISSION, provider.network_id)
    profile = ProviderProfile.objects_unscoped.select_for_update().filter(provider=provider).first()
    if profile is None or profile.registration != RegistrationStatus.PENDING:
        raise ValidationError(_("Questa iscrizione è già stata decisa."))
    return profile


@transaction.atomic
def approve_signup(actor: Actor, provider: Provider, *, base_url: str) -> ProviderProfile:
    """The network accepts the provider: active, and the signing person its owner."""
    profile = _pending(actor, provider)
    provider = Provider.objects.select_for_update().get(pk=provider.pk)
    provider.is_active = True
    provider.save(update_fields=["is_active"])
    profile.registration = RegistrationStatus.APPROVED
    profile.decided_by = actor.user
    profile.decided_at = timezone.now()
    profile.save(update_fields=["registration", "decided_by", "decided_at", "updated_at"])
    user = profile.applicant
    membership = memberships.activate(actor, user, provider, Role.PROVIDER_STAFF)
    ProviderStaffRole.objects_unscoped.update_or_create(
        membership=membership, defaults={"provider": provider, "role": StaffRole.OWNER}
    )
    audit.record(
        actor,
        "marketplace.signup_approved",
        profile,
        organization=provider,
        before={"registration": RegistrationStatus.PENDING},
        after={"registration": RegistrationStatus.APPROVED, "owner": user.email},
    )
    notify(
        user,
        "marketplace_signup_approved",
        {
            "provider": provider.name,
            "has_password": user.has_usable_password(),
            "link": _link(user, base_url),
        },
        organization=provider,
        channels=[EMAIL],
    )
    return profile


@transaction.atomic
def refuse_signup(actor: Actor, provider: Provider, *, reason: str) -> ProviderProfile:
    profile = _pending(actor, provider)
    reason = clean_text(reason)
    if not reason:
        raise ValidationError({"reason": _("Indichi il motivo: sarà comunicato al richiedente.")})
    if len(reason) > REASON_MAX:
        raise ValidationError(
            {"reason": _("Il motivo supera %(max)s caratteri.") % {"max": REASON_MAX}}
        )
    profile.registration = RegistrationStatus.REFUSED
    profile.refusal_reason = reason
    profile.decided_by = actor.user
    profile.decided_at = timezone.now()
    profile.save(
        update_fields=["registration", "refusal_reason", "decided_by", "decided_at", "updated_at"]
    )
    audit.record(
        actor,
        "marketplace.signup_refused",
        profile,
        organization=provider,
        before={"registration": RegistrationStatus.PENDING},
        after={"registration": RegistrationStatus.REFUSED},
        reason=reason,
    )
    notify(
        profile.applicant,
        "marketplace_signup_refused",
        {"provider": provider.name, "reason": reason},
        organization=provider,
        channels=[EMAIL],
    )
    return profile

"""The provider's profile: created with the provider or on first use, edited by its owner (or
the network's administrators), with its logo and photos and its staff's owner/operator roles."""

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from benecomune.core import audit
from benecomune.core.actors import Actor
from benecomune.core.files import stored_name
from benecomune.core.models import Membership, Municipality, Provider
from benecomune.marketplace.models import (
    ImageKind,
    ProviderImage,
    ProviderProfile,
    ProviderStaffRole,
    PublicationStatus,
    StaffRole,
)
from benecomune.marketplace.services.common import (
    DESCRIPTION_MAX,
    PROVIDER_ROLES,
    check_entity_fiscal_code,
    check_iban,
    check_register_number,
    clean_line,
    clean_text,
    collect,
    require_owner,
)
from benecomune.marketplace.services.images import LOGO_EDGE, PHOTO_EDGE, prepare_image

MAX_PHOTOS = 8
PROFILE_FIELDS = [
    "fiscal_code",
    "register_number",
    "iban",
    "iban_holder",
    "description",
    "website",
    "contact_name",
    "contact_email",
    "contact_phone",
    "service_points",
    "sells_services",
    "publication",
]


def profile_of(provider: Provider) -> ProviderProfile | None:
    return ProviderProfile.objects_unscoped.filter(provider=provider).first()


def _snapshot(profile: ProviderProfile) -> dict:
    data = audit.snapshot(profile, PROFILE_FIELDS)
    data["municipalities_served"] = sorted(
        profile.municipalities_served.values_list("pk", flat=True)
    )
    return data


def ensure_profile(actor: Actor, provider: Provider) -> ProviderProfile:
    """The provider's profile, created empty (audited) the first time; inside the caller's
    transaction or its own."""
    with transaction.atomic():
        profile, created = ProviderProfile.objects_unscoped.get_or_create(provider=provider)
        if created:
            audit.record(actor, "marketplace.profile_created", profile, organization=provider)
    return profile


def clean_profile(provider: Provider, data: dict) -> dict:
    """The profile's fields checked and cleaned; every problem at once (ValidationError)."""
    errors: dict = {}
    clean = {
        "fiscal_code": collect(
            errors, "fiscal_code", check_entity_fiscal_code, data.get("fiscal_code", "")
        ),
        "register_number": collect(
            errors,
            "register_number",
            check_register_number,
            data.get("register_number", ""),
            provider.provider_kind,
        ),
        "iban": collect(errors, "iban", check_iban, data.get("iban", "")),
        "iban_holder": clean_line(data.get("iban_holder", ""), 200),
        "description": clean_text(data.get("description", "")),
        "website": (data.get("website") or "").strip(),
        "contact_name": clean_line(data.get("contact_name", ""), 200),
        "contact_email": (data.get("contact_email") or "").strip().lower(),
        "contact_phone": clean_line(data.get("contact_phone", ""), 30),
        "service_points": "\n".join(
            clean_line(line, 200)
            for line in (data.get("service_points") or "").splitlines()
            if line.strip()
        ),
        "sells_services": bool(data.get("sells_services")),
        "publication": data.get("publication") or PublicationStatus.DRAFT,
    }
    if len(clean["description"]) > DESCRIPTION_MAX:
        errors["description"] = [
            _("La descrizione supera %(max)s caratteri.") % {"max": DESCRIPTION_MAX}
        ]
    if clean["iban"] and not clean["iban_holder"]:
        errors["iban_holder"] = [_("Indichi l'intestatario del conto.")]
    if clean["website"]:
        try:
            URLValidator(schemes=["http", "https"])(clean["website"])
        except ValidationError:
            errors["website"] = [_("Indirizzo del sito non valido: inizia con https://.")]
    if clean["contact_email"]:
        try:
            validate_email(clean["contact_email"])
        except ValidationError:
            errors["contact_email"] = [_("Indirizzo e-mail non valido.")]
    if clean["publication"] not in PublicationStatus.values:
        errors["publication"] = [_("Scelta non valida.")]
    municipalities = list(data.get("municipalities_served") or [])
    outside = [m for m in municipalities if m.network_id != provider.network_id]
    if outside:
        errors["municipalities_served"] = [
            _("Si possono scegliere solo i Comuni della rete del fornitore.")
        ]
    clean["municipalities_served"] = municipalities
    if clean["publication"] == PublicationStatus.PUBLISHED and not clean["description"]:
        errors.setdefault("description", []).append(
            _("Per pubblicare il profilo scriva una descrizione.")
        )
    if errors:
        raise ValidationError(errors)
    return clean


@transaction.atomic
def update_profile(actor: Actor, provider: Provider, **data) -> ProviderProfile:
    """Save the profile (owner or network). Nothing changes unless every field is valid."""
    require_owner(actor, provider)
    clean = clean_profile(provider, data)
    profile = ensure_profile(actor, provider)
    profile = ProviderProfile.objects_unscoped.select_for_update().get(pk=profile.pk)
    before = _snapshot(profile)
    municipalities = clean.pop("municipalities_served")
    for field, value in clean.items():
        setattr(profile, field, value)
    profile.save()
    profile.municipalities_served.set(municipalities)
    after = _snapshot(profile)
    if after != before:
        audit.record(
            actor,
            "marketplace.profile_updated",
            profile,
            organization=provider,
            before={k: v for k, v in before.items() if after[k] != v},
            after={k: v for k, v in after.items() if before[k] != v},
        )
    return profile


@transaction.atomic
def add_image(
    actor: Actor, provider: Provider, uploaded, *, kind: str, alt_text: str = ""
) -> ProviderImage:
    """A logo (replaces the current one) or a photo (at most MAX_PHOTOS)."""
    require_owner(actor, provider)
    if kind not in ImageKind.values:
        raise ValidationError({"kind": _("Scelta non valida.")})
    alt_text = clean_line(alt_text, 200)
    if kind == ImageKind.PHOTO:
        if not alt_text:
            raise ValidationError(
                {"alt_text": _("Descriva la foto in poche parole, per chi non la vede.")}
            )
        if (
            ProviderImage.objects_unscoped.filter(provider=provider, kind=kind).count()
            >= MAX_PHOTOS
        ):
            raise ValidationError(
                {
                    "image": _("Si possono caricare al massimo %(n)s foto: ne tolga una.")
                    % {"n": MAX_PHOTOS}
                }
            )
    prepared = prepare_image(uploaded, max_edge=LOGO_EDGE if kind == ImageKind.LOGO else PHOTO_EDGE)
    if kind == ImageKind.LOGO:
        for old in ProviderImage.objects_unscoped.filter(provider=provider, kind=ImageKind.LOGO):
            _remove(actor, old)
    image = ProviderImage(
        provider=provider,
        kind=kind,
        alt_text=alt_text or provider.name,
        width=prepared.width,
        height=prepared.height,
        uploaded_by=actor.user,
        **ProviderImage.fields_from(prepared.checked),
    )
    image.content_type = prepared.content_type
    image.size = len(prepared.content)
    image.file.save(
        stored_name(f"x.{prepared.extension}"), ContentFile(prepared.content), save=False
    )
    image.save()
    audit.record(
        actor,
        "marketplace.image_added",
        image,
        organization=provider,
        after={"kind": kind, "name": image.original_name, "sha256": image.sha256},
    )
    return image


def _remove(actor: Actor, image: ProviderImage) -> None:
    audit.record(
        actor,
        "marketplace.image_removed",
        image,
        organization=image.provider_id,
        before={"kind": image.kind, "name": image.original_name},
    )
    name, storage = image.file.name, image.file.storage
    image.delete()
    transaction.on_commit(lambda: storage.delete(name))


@transaction.atomic
def remove_image(actor: Actor, image: ProviderImage) -> None:
    require_owner(actor, image.provider)
    _remove(actor, image)


@transaction.atomic
def set_staff_role(actor: Actor, membership: Membership, role: str) -> ProviderStaffRole:
    """Make a staff member owner or operator. A provider keeps at least one owner."""
    membership = Membership.objects.select_related("organization").get(pk=membership.pk)
    provider = membership.organization
    require_owner(actor, provider)
    if role not in StaffRole.values:
        raise ValidationError({"role": _("Scelta non valida.")})
    if membership.role not in PROVIDER_ROLES or not membership.is_active:
        raise ValidationError(_("Questa persona non fa parte del personale del fornitore."))
    from benecomune.marketplace.services.common import staff_role

    before = staff_role(membership)
    if role == StaffRole.OPERATOR and before == StaffRole.OWNER:
        others = Membership.objects.filter(
            organization=provider, role__in=PROVIDER_ROLES, is_active=True
        ).exclude(pk=membership.pk)
        if not any(staff_role(m) == StaffRole.OWNER for m in others):
            raise ValidationError(
                _("Il fornitore deve avere almeno un titolare: nomini prima un altro titolare.")
            )
    # Rows for every staff member once one is explicit: the fallback rule stops applying,
    # so each keeps the role it had (read before any row is written).
    others = Membership.objects.filter(
        organization=provider, role__in=PROVIDER_ROLES, is_active=True
    ).exclude(pk=membership.pk)
    current = [(other, staff_role(other)) for other in others]
    for other, other_role in current:
        ProviderStaffRole.objects_unscoped.get_or_create(
            membership=other, defaults={"provider_id": provider.pk, "role": other_role}
        )
    row, _created = ProviderStaffRole.objects_unscoped.update_or_create(
        membership=membership, defaults={"provider_id": provider.pk, "role": role}
    )
    if before != role:
        audit.record(
            actor,
            "marketplace.staff_role_set",
            membership,
            organization=provider,
            before={"user": membership.user.email, "role": before},
            after={"user": membership.user.email, "role": role},
        )
    return row


def municipalities_of(provider: Provider):
    return Municipality.objects.filter(network_id=provider.network_id, is_active=True).order_by(
        "name"
    )

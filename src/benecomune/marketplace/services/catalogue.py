"""The catalogue's write paths: a provider's staff (owner or operator) create and edit their
services, publish, take back to draft, archive and restore them (the SERVICE lifecycle), and
manage their variants and photos. One transaction and one audit event per use case; nothing
changes unless every field is valid (services/catalogue_fields.py)."""

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from benecomune.core import audit
from benecomune.core.actors import Actor
from benecomune.core.files import stored_name
from benecomune.core.models import Provider
from benecomune.marketplace.lifecycles import SERVICE
from benecomune.marketplace.models import (
    Delivery,
    Service,
    ServicePhoto,
    ServiceStatus,
    ServiceVariant,
)
from benecomune.marketplace.services.catalogue_fields import (
    SERVICE_FIELDS,
    clean_service,
    parse_price,
)
from benecomune.marketplace.services.common import clean_line, require_provider_staff
from benecomune.marketplace.services.images import PHOTO_EDGE, prepare_image

MAX_VARIANTS = 10
MAX_PHOTOS = 6
MAX_SESSIONS = 999


def _snapshot(service: Service) -> dict:
    data = audit.snapshot(service, SERVICE_FIELDS)
    data["municipalities_served"] = sorted(
        service.municipalities_served.values_list("pk", flat=True)
    )
    return data


def _lock(service: Service) -> Service:
    return Service.objects_unscoped.select_for_update().get(pk=service.pk)


def _write(service: Service, clean: dict) -> None:
    municipalities = clean.pop("municipalities_served")
    for field, value in clean.items():
        setattr(service, field, value)
    service.save()
    service.municipalities_served.set(municipalities)


def new_service(actor: Actor, provider: Provider, clean: dict) -> Service:
    """Write a draft from checked fields (clean_service), inside the caller's transaction
    and audit event (create_service records one per service, the import one per file)."""
    service = Service(provider=provider, created_by=actor.user)
    _write(service, dict(clean))
    return service


@transaction.atomic
def create_service(actor: Actor, provider: Provider, **data) -> Service:
    """A new service of `provider`, as a draft."""
    require_provider_staff(actor, provider)
    service = new_service(actor, provider, clean_service(provider, data))
    audit.record(
        actor,
        "marketplace.service_created",
        service,
        organization=provider,
        after=_snapshot(service),
    )
    return service


def _editable(service: Service) -> None:
    if service.status == ServiceStatus.ARCHIVED:
        raise ValidationError(
            _("Il servizio è archiviato: lo ripristini in bozza per modificarlo.")
        )


@transaction.atomic
def update_service(actor: Actor, service: Service, **data) -> Service:
    """Save the service's fields. A published service must stay publishable."""
    require_provider_staff(actor, service.provider)
    service = _lock(service)
    _editable(service)
    clean = clean_service(service.provider, data)
    before = _snapshot(service)
    _write(service, clean)
    if service.status == ServiceStatus.PUBLISHED:
        _require_publishable(service)
    after = _snapshot(service)
    if after != before:
        audit.record(
            actor,
            "marketplace.service_updated",
            service,
            organization=service.provider_id,
            before={k: v for k, v in before.items() if after[k] != v},
            after={k: v for k, v in after.items() if before[k] != v},
        )
    return service


def _require_publishable(service: Service) -> None:
    problems = []
    if not service.description:
        problems.append(_("scriva una descrizione"))
    if service.delivery == Delivery.AT_HOME and not service.municipalities_served.exists():
        problems.append(_("indichi i Comuni in cui il servizio si svolge a domicilio"))
    if problems:
        raise ValidationError(
            _("Per pubblicare il servizio %(what)s.") % {"what": " e ".join(problems)}
        )


@transaction.atomic
def publish(actor: Actor, service: Service) -> Service:
    service = _lock(service)
    SERVICE.check(actor, service, ServiceStatus.PUBLISHED)
    _require_publishable(service)
    service.published_at = timezone.now()
    SERVICE.apply(actor, service, ServiceStatus.PUBLISHED, extra_fields=["published_at"])
    return service


@transaction.atomic
def unpublish(actor: Actor, service: Service) -> Service:
    """Back to draft: hidden from the public lists, editable, published again later."""
    service = _lock(service)
    if service.status != ServiceStatus.PUBLISHED:
        raise ValidationError(_("Il servizio non è pubblicato."))
    SERVICE.apply(actor, service, ServiceStatus.DRAFT, extra_fields=[])
    return service


@transaction.atomic
def archive(actor: Actor, service: Service) -> Service:
    """No longer offered; kept for the record (and for purchases already made)."""
    service = _lock(service)
    SERVICE.apply(actor, service, ServiceStatus.ARCHIVED, extra_fields=[])
    return service


@transaction.atomic
def restore(actor: Actor, service: Service) -> Service:
    service = _lock(service)
    SERVICE.apply(actor, service, ServiceStatus.DRAFT, extra_fields=[])
    return service


# --- variants ---------------------------------------------------------------------------------


def clean_variant(data: dict) -> dict:
    errors: dict = {}
    label = clean_line(data.get("label", ""), 101)
    if not label:
        errors["label"] = [_("Indichi il nome della variante, ad esempio «5 incontri».")]
    elif len(label) > 100:
        errors["label"] = [_("Il nome della variante supera 100 caratteri.")]
    price = None
    try:
        price = parse_price(data.get("price"), label=_("il prezzo della variante"))
    except ValidationError as exc:
        errors["price"] = exc.messages
    sessions = data.get("sessions")
    if sessions in (None, ""):
        sessions = None
    else:
        try:
            sessions = int(str(sessions).strip())
        except ValueError:
            sessions = 0
        if not 0 < sessions <= MAX_SESSIONS:
            errors["sessions"] = [
                _("Gli incontri sono un numero intero da 1 a %(max)s.") % {"max": MAX_SESSIONS}
            ]
    if errors:
        raise ValidationError(errors)
    return {"label": label, "price": price, "sessions": sessions}


@transaction.atomic
def add_variant(actor: Actor, service: Service, **data) -> ServiceVariant:
    require_provider_staff(actor, service.provider)
    service = _lock(service)
    _editable(service)
    clean = clean_variant(data)
    count = ServiceVariant.objects_unscoped.filter(service=service).count()
    if count >= MAX_VARIANTS:
        raise ValidationError(
            _("Un servizio ha al massimo %(n)s varianti: ne tolga una.") % {"n": MAX_VARIANTS}
        )
    variant = ServiceVariant.objects_unscoped.create(service=service, position=count, **clean)
    audit.record(
        actor,
        "marketplace.service_variant_added",
        variant,
        organization=service.provider_id,
        after=clean,
    )
    return variant


@transaction.atomic
def remove_variant(actor: Actor, variant: ServiceVariant) -> None:
    service = _lock(variant.service)
    require_provider_staff(actor, service.provider)
    _editable(service)
    audit.record(
        actor,
        "marketplace.service_variant_removed",
        variant,
        organization=service.provider_id,
        before={"label": variant.label, "price": variant.price, "sessions": variant.sessions},
    )
    variant.delete()


# --- photos -----------------------------------------------------------------------------------


@transaction.atomic
def add_photo(actor: Actor, service: Service, uploaded, *, alt_text: str) -> ServicePhoto:
    """A photo (PNG or JPEG, checked and re-encoded as the provider's photos), with its text
    alternative; at most MAX_PHOTOS per service."""
    require_provider_staff(actor, service.provider)
    service = _lock(service)
    _editable(service)
    alt_text = clean_line(alt_text, 200)
    if not alt_text:
        raise ValidationError(
            {"alt_text": _("Descriva la foto in poche parole, per chi non la vede.")}
        )
    if ServicePhoto.objects_unscoped.filter(service=service).count() >= MAX_PHOTOS:
        raise ValidationError(
            {
                "image": _("Si possono caricare al massimo %(n)s foto: ne tolga una.")
                % {"n": MAX_PHOTOS}
            }
        )
    prepared = prepare_image(uploaded, max_edge=PHOTO_EDGE)
    photo = ServicePhoto(
        service=service,
        provider_id=service.provider_id,
        alt_text=alt_text,
        width=prepared.width,
        height=prepared.height,
        uploaded_by=actor.user,
        **ServicePhoto.fields_from(prepared.checked),
    )
    photo.content_type = prepared.content_type
    photo.size = len(prepared.content)
    photo.file.save(
        stored_name(f"x.{prepared.extension}"), ContentFile(prepared.content), save=False
    )
    photo.save()
    audit.record(
        actor,
        "marketplace.service_photo_added",
        photo,
        organization=service.provider_id,
        after={"service": service.pk, "name": photo.original_name, "sha256": photo.sha256},
    )
    return photo


@transaction.atomic
def remove_photo(actor: Actor, photo: ServicePhoto) -> None:
    require_provider_staff(actor, photo.service.provider)
    audit.record(
        actor,
        "marketplace.service_photo_removed",
        photo,
        organization=photo.provider_id,
        before={"service": photo.service_id, "name": photo.original_name},
    )
    name, storage = photo.file.name, photo.file.storage
    photo.delete()
    transaction.on_commit(lambda: storage.delete(name))

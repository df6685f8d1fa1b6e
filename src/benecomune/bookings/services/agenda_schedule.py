"""A service's booking rules (ServiceSchedule) and its recurring series, for the provider's
staff: one transaction, the permission check and one audit event per use case; bad input
gets an Italian message and changes nothing."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from benecomune.bookings.models import LatePolicy, Resource, Series, SeriesStatus, ServiceSchedule
from benecomune.bookings.services.agenda import gap_message, local_now
from benecomune.bookings.slots import series_sessions
from benecomune.core import audit
from benecomune.core.actors import Actor
from benecomune.marketplace.models import Service, ServiceStatus, Weekday
from benecomune.marketplace.services.common import clean_line, require_provider_staff

# field -> (lowest, highest, the field's name in a message)
LIMITS = {
    "duration_minutes": (1, 24 * 60, gettext_lazy("la durata")),
    "capacity": (1, 1000, gettext_lazy("i posti per turno")),
    "buffer_before_minutes": (0, 240, gettext_lazy("il margine prima")),
    "buffer_after_minutes": (0, 240, gettext_lazy("il margine dopo")),
    "min_notice_hours": (0, 24 * 60, gettext_lazy("il preavviso minimo")),
    "window_days": (1, 366, gettext_lazy("la finestra di prenotazione")),
    "step_minutes": (5, 24 * 60, gettext_lazy("l'intervallo tra i turni")),
    "cancellation_deadline_hours": (0, 30 * 24, gettext_lazy("il termine di annullamento")),
    "reminder_hours": (0, 7 * 24, gettext_lazy("il promemoria")),
}
# Optional in `set_schedule` (a missing one keeps its default): the bookings' policy.
POLICY_DEFAULTS = {
    "cancellation_deadline_hours": 24,
    "reminder_hours": 24,
    "needs_review": False,
    "late_policy": "free",
}
SCHEDULE_FIELDS = [*LIMITS, "needs_review", "late_policy", "resources"]
MAX_SERIES_WEEKS = 52


def _number(value, field: str) -> int:
    low, high, label = LIMITS[field]
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        number = None
    if number is None or not low <= number <= high:
        raise ValidationError(
            _("Per %(what)s indichi un numero intero da %(low)s a %(high)s.")
            % {"what": label, "low": low, "high": high}
        )
    return number


def clean_schedule(service: Service, data: dict) -> dict:
    errors: dict[str, list[str]] = {}
    clean: dict = {}
    data = {**POLICY_DEFAULTS, **{k: v for k, v in data.items() if v not in (None, "")}}
    clean["needs_review"] = bool(data["needs_review"])
    if data["late_policy"] not in LatePolicy.values:
        errors["late_policy"] = [_("Scelga che cosa succede a un annullamento tardivo.")]
    clean["late_policy"] = data["late_policy"]
    for field in LIMITS:
        try:
            clean[field] = _number(data.get(field), field)
        except ValidationError as exc:
            errors[field] = exc.messages
    notice, window = clean.get("min_notice_hours"), clean.get("window_days")
    if notice is not None and window is not None and notice >= window * 24:
        errors["min_notice_hours"] = [
            _("Il preavviso minimo deve essere più breve della finestra di prenotazione.")
        ]
    resources = list(data.get("resources") or [])
    if not resources:
        errors["resources"] = [_("Scelga almeno una risorsa che svolge il servizio.")]
    elif any(r.provider_id != service.provider_id or not r.active for r in resources):
        errors["resources"] = [_("Scelga solo risorse attive di questo fornitore.")]
    if errors:
        raise ValidationError(errors)
    clean["resources"] = resources
    return clean


def resource_ids_of(schedule: ServiceSchedule) -> list[int]:
    return sorted(Resource.objects_unscoped.filter(schedules=schedule).values_list("pk", flat=True))


def _snapshot(schedule: ServiceSchedule) -> dict:
    data = audit.snapshot(schedule, [*LIMITS, "needs_review", "late_policy"])
    data["resources"] = resource_ids_of(schedule)
    return data


@transaction.atomic
def set_schedule(actor: Actor, service: Service, **data) -> ServiceSchedule:
    """Create or replace the booking rules of `service`."""
    require_provider_staff(actor, service.provider_id)
    service = Service.objects_unscoped.select_for_update().get(pk=service.pk)
    if service.status == ServiceStatus.ARCHIVED:
        raise ValidationError(_("Il servizio è archiviato: non si può prenotare."))
    clean = clean_schedule(service, data)
    resources = clean.pop("resources")
    schedule = ServiceSchedule.objects_unscoped.filter(service=service).first()
    before = _snapshot(schedule) if schedule else None
    if schedule is None:
        schedule = ServiceSchedule(service=service, provider_id=service.provider_id)
    for field, value in clean.items():
        setattr(schedule, field, value)
    schedule.save()
    # Through the link table: the related manager would be scoped to the request's tenants.
    links = ServiceSchedule.resources.through
    links.objects.filter(serviceschedule=schedule).delete()
    links.objects.bulk_create(links(serviceschedule=schedule, resource=r) for r in resources)
    after = _snapshot(schedule)
    if after != before:
        audit.record(
            actor,
            "bookings.schedule_set",
            service,
            organization=service.provider_id,
            before=before,
            after=after,
        )
    return schedule


# --- series -----------------------------------------------------------------------------------


def _clean_series(service: Service, data: dict, today: datetime.date) -> dict:
    errors: dict[str, list[str]] = {}
    title = clean_line(data.get("title", ""), 151)
    if not title:
        errors["title"] = [_("Indichi il titolo, ad esempio «Centro estivo, 1ª settimana».")]
    elif len(title) > 150:
        errors["title"] = [_("Il titolo supera 150 caratteri.")]
    weekdays = sorted({int(d) for d in data.get("weekdays") or [] if str(d).isdigit()})
    if not weekdays or any(d not in Weekday.values for d in weekdays):
        errors["weekdays"] = [_("Scelga almeno un giorno della settimana.")]
    try:
        weeks = int(str(data.get("weeks", "")).strip())
    except ValueError:
        weeks = 0
    if not 1 <= weeks <= MAX_SERIES_WEEKS:
        errors["weeks"] = [_("Le settimane sono un numero da 1 a %(n)s.") % {"n": MAX_SERIES_WEEKS}]
    try:
        capacity = int(str(data.get("capacity", "")).strip())
    except ValueError:
        capacity = 0
    if not 1 <= capacity <= 1000:
        errors["capacity"] = [_("I posti sono un numero da 1 a 1000.")]
    first_day = data.get("first_day")
    starts_at, ends_at = data.get("starts_at"), data.get("ends_at")
    if first_day is None:
        errors["first_day"] = [_("Indichi il primo giorno.")]
    elif first_day < today:
        errors["first_day"] = [
            _("Il %(day)s è già passato: indichi un giorno da oggi in poi.")
            % {"day": f"{first_day:%d/%m/%Y}"}
        ]
    if starts_at is None or ends_at is None:
        errors["starts_at"] = [_("Indichi l'orario: dalle e alle.")]
    elif ends_at <= starts_at:
        errors["ends_at"] = [_("L'orario di fine deve venire dopo quello di inizio.")]
    resource = data.get("resource")
    if resource is not None and (
        resource.provider_id != service.provider_id or not resource.active
    ):
        errors["resource"] = [_("Scelga una risorsa attiva di questo fornitore.")]
    if not errors:
        sessions = series_sessions(first_day, weekdays, weeks, starts_at, ends_at)
        if not sessions:
            errors["weekdays"] = [_("Nelle settimane indicate non cade nessuno dei giorni scelti.")]
        for session in sessions:
            if session.start is None or session.end is None:
                value = starts_at if session.start is None else ends_at
                errors["starts_at"] = [gap_message(session.day, value)]
                break
    if errors:
        raise ValidationError(errors)
    return {
        "title": title,
        "weekdays": weekdays,
        "weeks": weeks,
        "capacity": capacity,
        "first_day": first_day,
        "starts_at": starts_at,
        "ends_at": ends_at,
        "resource": resource,
    }


SERIES_FIELDS = ["title", "first_day", "weekdays", "weeks", "starts_at", "ends_at", "capacity"]


@transaction.atomic
def create_series(
    actor: Actor, service: Service, *, today: datetime.date | None = None, **data
) -> Series:
    """A recurring offer of `service` booked as one unit (its own seats)."""
    require_provider_staff(actor, service.provider_id)
    service = Service.objects_unscoped.select_for_update().get(pk=service.pk)
    if service.status == ServiceStatus.ARCHIVED:
        raise ValidationError(_("Il servizio è archiviato: non si può prenotare."))
    clean = _clean_series(service, data, today or local_now().date())
    series = Series.objects_unscoped.create(
        provider_id=service.provider_id, service=service, created_by=actor.user, **clean
    )
    audit.record(
        actor,
        "bookings.series_created",
        series,
        organization=service.provider_id,
        after=audit.snapshot(series, [*SERIES_FIELDS, "resource", "service"]),
    )
    return series


@transaction.atomic
def cancel_series(actor: Actor, series: Series) -> Series:
    """No longer offered (kept for the record)."""
    require_provider_staff(actor, series.provider_id)
    series = Series.objects_unscoped.select_for_update().get(pk=series.pk)
    if series.status == SeriesStatus.CANCELLED:
        raise ValidationError(_("La serie è già annullata."))
    series.status = SeriesStatus.CANCELLED
    series.cancelled_at = timezone.now()
    series.save(update_fields=["status", "cancelled_at"])
    audit.record(
        actor,
        "bookings.series_cancelled",
        series,
        organization=series.provider_id,
        before={"status": SeriesStatus.ACTIVE},
        after={"status": SeriesStatus.CANCELLED},
    )
    return series


def resources_for(provider) -> list[Resource]:
    return list(Resource.objects_unscoped.filter(provider=provider, active=True))

"""The agenda's write paths for a provider's staff: resources (create, edit, deactivate), a
resource's working week (replaced as a whole), exceptions on dates (closed, or one-off
hours; one resource or the whole provider) and blocked periods. One transaction, the
permission check and one audit event per use case; nothing changes on bad input, which
gets an Italian message (a time that does not exist because of summer time included)."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from benecomune.bookings.models import (
    AgendaException,
    BlockedPeriod,
    Resource,
    ResourceKind,
    WorkingHours,
)
from benecomune.bookings.slots import ROME, local_instant, minutes_of
from benecomune.core import audit
from benecomune.core.actors import Actor
from benecomune.core.models import Provider
from benecomune.marketplace.services.common import clean_line, require_provider_staff
from benecomune.marketplace.services.districts import clean_week

MAX_RESOURCES = 100
MAX_BLOCKED_DAYS = 366
MAX_EXCEPTION_DAYS_AHEAD = 2 * 366


def _lock_provider(provider: Provider) -> None:
    """One writer at a time per provider's agenda."""
    Provider.objects.select_for_update().filter(pk=provider.pk).first()


def local_now() -> datetime.datetime:
    return timezone.now().astimezone(ROME)


def gap_message(day: datetime.date, value: datetime.time) -> str:
    return _(
        "L'ora %(time)s del %(day)s non esiste: quella notte gli orologi passano dalle 02:00 "
        "alle 03:00 (inizio dell'ora legale). Scelga un altro orario."
    ) % {"time": f"{value:%H:%M}", "day": f"{day:%d/%m/%Y}"}


def check_wall_clock(day: datetime.date, value: datetime.time) -> datetime.datetime:
    """The UTC instant of a local date and time; a time in the spring-forward gap is refused
    (an ambiguous autumn time is its first occurrence, still summer time)."""
    instant = local_instant(day, minutes_of(value))
    if instant is None:
        raise ValidationError(gap_message(day, value))
    return instant


# --- resources --------------------------------------------------------------------------------


def _clean_resource(data: dict) -> dict:
    errors: dict[str, list[str]] = {}
    name = clean_line(data.get("name", ""), 101)
    if not name:
        errors["name"] = [_("Indichi il nome della risorsa, ad esempio «Sala grande».")]
    elif len(name) > 100:
        errors["name"] = [_("Il nome della risorsa supera 100 caratteri.")]
    kind = data.get("kind")
    if kind not in ResourceKind.values:
        errors["kind"] = [_("Scelga se la risorsa è una persona, una sala o un mezzo.")]
    if errors:
        raise ValidationError(errors)
    clean = {"name": name, "kind": kind}
    if "active" in data:
        clean["active"] = bool(data["active"])
    return clean


def _resource_snapshot(resource: Resource) -> dict:
    return audit.snapshot(resource, ["name", "kind", "active"])


@transaction.atomic
def create_resource(actor: Actor, provider: Provider, **data) -> Resource:
    require_provider_staff(actor, provider)
    clean = _clean_resource(data)
    _lock_provider(provider)
    if Resource.objects_unscoped.filter(provider=provider).count() >= MAX_RESOURCES:
        raise ValidationError(_("Un fornitore ha al massimo %(n)s risorse.") % {"n": MAX_RESOURCES})
    resource = Resource.objects_unscoped.create(provider=provider, **clean)
    audit.record(
        actor,
        "bookings.resource_created",
        resource,
        organization=provider,
        after=_resource_snapshot(resource),
    )
    return resource


@transaction.atomic
def update_resource(actor: Actor, resource: Resource, **data) -> Resource:
    require_provider_staff(actor, resource.provider)
    clean = _clean_resource(data)
    resource = Resource.objects_unscoped.select_for_update().get(pk=resource.pk)
    before = _resource_snapshot(resource)
    for name, value in clean.items():
        setattr(resource, name, value)
    resource.save()
    after = _resource_snapshot(resource)
    if after != before:
        audit.record(
            actor,
            "bookings.resource_updated",
            resource,
            organization=resource.provider_id,
            before=before,
            after=after,
        )
    return resource


def deactivate_resource(actor: Actor, resource: Resource) -> Resource:
    """No longer offered in the slots; its week and history are kept."""
    current = Resource.objects_unscoped.get(pk=resource.pk)
    return update_resource(actor, current, name=current.name, kind=current.kind, active=False)


# --- the working week -------------------------------------------------------------------------


def _week_snapshot(resource: Resource) -> list[str]:
    return [
        f"{row.weekday}:{row.starts_at:%H:%M}-{row.ends_at:%H:%M}"
        for row in WorkingHours.objects_unscoped.filter(resource=resource).order_by(
            "weekday", "starts_at"
        )
    ]


@transaction.atomic
def set_working_hours(actor: Actor, resource: Resource, ranges) -> list[WorkingHours]:
    """Replace the resource's week with `ranges` [(weekday, start, end)]: at most two a day
    (a break between them), no overlap, end after start. A weekday without ranges is off."""
    require_provider_staff(actor, resource.provider)
    clean = clean_week(ranges)
    resource = Resource.objects_unscoped.select_for_update().get(pk=resource.pk)
    before = _week_snapshot(resource)
    WorkingHours.objects_unscoped.filter(resource=resource).delete()
    rows = WorkingHours.objects_unscoped.bulk_create(
        WorkingHours(
            provider_id=resource.provider_id,
            resource=resource,
            weekday=weekday,
            starts_at=start,
            ends_at=end,
        )
        for weekday, start, end in clean
    )
    after = _week_snapshot(resource)
    if after != before:
        audit.record(
            actor,
            "bookings.hours_updated",
            resource,
            organization=resource.provider_id,
            before={"week": before},
            after={"week": after},
        )
    return rows


# --- exceptions -------------------------------------------------------------------------------


def _own_resource(provider: Provider, resource: Resource | None) -> None:
    if resource is not None and resource.provider_id != provider.pk:
        raise ValidationError(_("La risorsa non è di questo fornitore."))


def _clean_exception(day, closed, starts_at, ends_at, today) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if day is None:
        errors["date"] = [_("Indichi il giorno.")]
        return errors
    if day < today:
        errors["date"] = [_("Il giorno %(day)s è già passato.") % {"day": f"{day:%d/%m/%Y}"}]
    elif (day - today).days > MAX_EXCEPTION_DAYS_AHEAD:
        errors["date"] = [_("Indichi un giorno entro i prossimi due anni.")]
    if closed:
        return errors
    if starts_at is None or ends_at is None:
        errors["starts_at"] = [_("Per un'apertura straordinaria indichi dalle e fino alle.")]
    elif ends_at <= starts_at:
        errors["ends_at"] = [
            _("L'orario di fine (%(end)s) deve venire dopo quello di inizio (%(start)s).")
            % {"start": f"{starts_at:%H:%M}", "end": f"{ends_at:%H:%M}"}
        ]
    else:
        for name, value in (("starts_at", starts_at), ("ends_at", ends_at)):
            if local_instant(day, minutes_of(value)) is None:
                errors[name] = [gap_message(day, value)]
    return errors


def _conflict(provider, resource, day, closed, starts_at, ends_at) -> str | None:
    same = AgendaException.objects_unscoped.filter(provider=provider, date=day, resource=resource)
    if same.filter(closed=True).exists():
        return _("Il %(day)s è già indicato come giorno di chiusura.") % {"day": f"{day:%d/%m/%Y}"}
    if closed and same.exists():
        return _(
            "Il %(day)s ha già un'apertura straordinaria: la tolga prima di indicare la chiusura."
        ) % {"day": f"{day:%d/%m/%Y}"}
    if not closed and same.filter(starts_at__lt=ends_at, ends_at__gt=starts_at).exists():
        return _("L'orario si sovrappone a un'altra apertura straordinaria dello stesso giorno.")
    return None


@transaction.atomic
def add_exception(
    actor: Actor,
    provider: Provider,
    *,
    date: datetime.date | None,
    closed: bool = True,
    starts_at: datetime.time | None = None,
    ends_at: datetime.time | None = None,
    resource: Resource | None = None,
    note: str = "",
    today: datetime.date | None = None,
) -> AgendaException:
    """A closed day, or one-off opening hours replacing the week that day (a day may have
    several, not overlapping). Without `resource`: for every resource of the provider."""
    require_provider_staff(actor, provider)
    _own_resource(provider, resource)
    today = today or local_now().date()
    if closed:
        starts_at = ends_at = None
    errors = _clean_exception(date, closed, starts_at, ends_at, today)
    if errors:
        raise ValidationError(errors)
    _lock_provider(provider)
    conflict = _conflict(provider, resource, date, closed, starts_at, ends_at)
    if conflict:
        raise ValidationError(conflict)
    exception = AgendaException.objects_unscoped.create(
        provider=provider,
        resource=resource,
        date=date,
        closed=closed,
        starts_at=starts_at,
        ends_at=ends_at,
        note=clean_line(note, 200),
    )
    audit.record(
        actor,
        "bookings.exception_added",
        exception,
        organization=provider,
        after=audit.snapshot(exception, ["resource", "date", "closed", "starts_at", "ends_at"]),
    )
    return exception


@transaction.atomic
def remove_exception(actor: Actor, exception: AgendaException) -> None:
    require_provider_staff(actor, exception.provider)
    audit.record(
        actor,
        "bookings.exception_removed",
        exception,
        organization=exception.provider_id,
        before=audit.snapshot(exception, ["resource", "date", "closed", "starts_at", "ends_at"]),
    )
    exception.delete()


# --- blocked periods --------------------------------------------------------------------------


def _instant_or_error(errors, name, day, value, missing):
    if day is None or value is None:
        errors[name] = [missing]
        return None
    try:
        return check_wall_clock(day, value)
    except ValidationError as exc:
        errors[name] = exc.messages
        return None


@transaction.atomic
def add_blocked_period(
    actor: Actor,
    resource: Resource,
    *,
    start_date: datetime.date | None,
    start_time: datetime.time | None,
    end_date: datetime.date | None,
    end_time: datetime.time | None,
    reason: str = "",
    now: datetime.datetime | None = None,
) -> BlockedPeriod:
    """The resource is not available from one local date and time to another."""
    require_provider_staff(actor, resource.provider)
    now = now or timezone.now()
    errors: dict[str, list[str]] = {}
    start = _instant_or_error(
        errors, "start_time", start_date, start_time, _("Indichi giorno e ora di inizio.")
    )
    end = _instant_or_error(
        errors, "end_time", end_date, end_time, _("Indichi giorno e ora di fine.")
    )
    if start is not None and end is not None:
        if end <= start:
            errors["end_time"] = [_("La fine del periodo deve venire dopo l'inizio.")]
        elif end <= now:
            errors["end_time"] = [_("Il periodo è già trascorso: indichi date future.")]
        elif end - start > datetime.timedelta(days=MAX_BLOCKED_DAYS):
            errors["end_time"] = [_("Un periodo bloccato dura al massimo un anno.")]
    if errors:
        raise ValidationError(errors)
    period = BlockedPeriod.objects_unscoped.create(
        provider_id=resource.provider_id,
        resource=resource,
        starts_at=start,
        ends_at=end,
        reason=clean_line(reason, 200),
    )
    audit.record(
        actor,
        "bookings.blocked_added",
        period,
        organization=resource.provider_id,
        after=audit.snapshot(period, ["resource", "starts_at", "ends_at", "reason"]),
    )
    return period


@transaction.atomic
def remove_blocked_period(actor: Actor, period: BlockedPeriod) -> None:
    require_provider_staff(actor, period.provider)
    audit.record(
        actor,
        "bookings.blocked_removed",
        period,
        organization=period.provider_id,
        before=audit.snapshot(period, ["resource", "starts_at", "ends_at", "reason"]),
    )
    period.delete()

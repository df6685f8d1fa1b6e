"""Reads of the agenda: load a service's rules and its resources' weeks, exceptions, blocked
periods and series with a handful of queries, then compute the slots in pure Python
(`bookings.slots`). `choose_slot` checks a requested date and time and says in Italian why it
cannot be booked (in the past, under the notice, beyond the window, in the summer-time gap,
not a free slot): the bookings' checkout calls it before taking a seat."""

import datetime
from collections import defaultdict
from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from benecomune.bookings.models import (
    AgendaException,
    BlockedPeriod,
    Resource,
    Series,
    SeriesStatus,
    ServiceSchedule,
    WorkingHours,
)
from benecomune.bookings.services import resource_busy
from benecomune.bookings.services.agenda import gap_message
from benecomune.bookings.services.booking_seats import occupied_of
from benecomune.bookings.slots import (
    ROME,
    ResourceAgenda,
    Rules,
    Slot,
    compute_slots,
    local_instant,
    minutes_of,
    series_sessions,
)
from benecomune.core.compiled_queries import (
    STAND_IN_DAY,
    STAND_IN_DAY_2,
    STAND_IN_TIME,
    STAND_IN_TIME_2,
    CompiledQuery,
    first,
)
from benecomune.core.dates import with_article

ONE_DAY = datetime.timedelta(days=1)


def _schedule_of_service(service_id: int):
    return ServiceSchedule.objects_unscoped.filter(service_id=service_id).order_by("pk")[:1]


SCHEDULE_OF_SERVICE = CompiledQuery("schedule_of", _schedule_of_service, -7_000_102)


def schedule_of(service) -> ServiceSchedule | None:
    return first(SCHEDULE_OF_SERVICE, service.pk)


def rules_of(schedule: ServiceSchedule) -> Rules:
    return Rules(
        duration=schedule.duration_minutes,
        capacity=schedule.capacity,
        buffer_before=schedule.buffer_before_minutes,
        buffer_after=schedule.buffer_after_minutes,
        notice_minutes=schedule.min_notice_hours * 60,
        window_days=schedule.window_days,
        step=schedule.step_minutes,
    )


def _ranges(rows) -> tuple[tuple[int, int], ...]:
    return tuple(sorted((minutes_of(r.starts_at), minutes_of(r.ends_at)) for r in rows))


# What decides a schedule's slots, read by every slot computation and booking: compiled once
# per connection (core.compiled_queries), each with the values of the call.
def _schedule_resources(schedule_id: int):
    return (
        Resource.objects_unscoped.filter(schedules__pk=schedule_id, active=True)
        .order_by("pk")
        .values_list("pk")
    )


def _working_hours(resource_ids: list[int]):
    return WorkingHours.objects_unscoped.filter(resource_id__in=resource_ids)


def _exceptions(provider_id: int, first_day, last_day):
    return AgendaException.objects_unscoped.filter(
        provider_id=provider_id, date__gte=first_day, date__lte=last_day
    )


def _blocked(resource_ids: list[int], high, low):
    return BlockedPeriod.objects_unscoped.filter(
        resource_id__in=resource_ids, starts_at__lt=high, ends_at__gt=low
    )


def _series(resource_ids: list[int], latest_first_day, earliest_first_day):
    return Series.objects_unscoped.filter(
        resource_id__in=resource_ids,
        status=SeriesStatus.ACTIVE,
        first_day__lte=latest_first_day,
        first_day__gte=earliest_first_day,
    )


SCHEDULE_RESOURCES = CompiledQuery("schedule_resources", _schedule_resources, -7_003_000)
WORKING_HOURS = CompiledQuery("working_hours", _working_hours, [-7_004_000])
EXCEPTIONS = CompiledQuery(
    "agenda_exceptions", _exceptions, -7_005_000, STAND_IN_DAY, STAND_IN_DAY_2
)
BLOCKED = CompiledQuery("blocked_periods", _blocked, [-7_006_000], STAND_IN_TIME, STAND_IN_TIME_2)
SERIES = CompiledQuery("series_on", _series, [-7_007_000], STAND_IN_DAY, STAND_IN_DAY_2)


def agendas_of(
    schedule: ServiceSchedule,
    first_day: datetime.date,
    last_day: datetime.date,
    *,
    exclude_booking_id: int | None = None,
) -> list[ResourceAgenda]:
    """Each active resource of the schedule with what decides its slots in the range, the
    bookings on it included (resource_busy; `exclude_booking_id`: one being moved)."""
    resource_ids = [pk for (pk,) in SCHEDULE_RESOURCES(schedule.pk)]
    if not resource_ids:
        return []
    week: dict[int, dict[int, list]] = defaultdict(lambda: defaultdict(list))
    for row in WORKING_HOURS(resource_ids):
        week[row.resource_id][row.weekday].append(row)
    closed: dict[int | None, set] = defaultdict(set)
    openings: dict[int | None, dict] = defaultdict(lambda: defaultdict(list))
    for row in EXCEPTIONS(schedule.provider_id, first_day, last_day):
        if row.closed:
            closed[row.resource_id].add(row.date)
        else:
            openings[row.resource_id][row.date].append(row)
    # A margin of a day each side: the buffers of a slot near midnight.
    low = datetime.datetime.combine(first_day - ONE_DAY, datetime.time(), ROME)
    high = datetime.datetime.combine(last_day + 2 * ONE_DAY, datetime.time(), ROME)
    blocked: dict[int, list] = defaultdict(list)
    for row in BLOCKED(resource_ids, high, low):
        blocked[row.resource_id].append((row.starts_at, row.ends_at))
    for series in SERIES(
        resource_ids, last_day + ONE_DAY, first_day - datetime.timedelta(weeks=53)
    ):
        for session in _sessions(series):
            if session.start is not None and session.end is not None:
                blocked[series.resource_id].append((session.start, session.end))
    # Bookings keep their resource busy, whichever service they are of.
    others, own = resource_busy.split_for(
        schedule.pk,
        resource_busy.busy_of(resource_ids, low, high, exclude_booking_id=exclude_booking_id),
    )
    for resource_id, spans in others.items():
        blocked[resource_id].extend(spans)
    agendas = []
    for resource_id in resource_ids:
        day_openings = dict(openings[None])
        day_openings.update(openings[resource_id])  # the resource's own hours win
        agendas.append(
            ResourceAgenda(
                id=resource_id,
                week={day: _ranges(rows) for day, rows in week[resource_id].items()},
                closed=frozenset(closed[None] | closed[resource_id]),
                openings={day: _ranges(rows) for day, rows in day_openings.items()},
                blocked=tuple(blocked[resource_id]),
                booked=tuple(own.get(resource_id, ())),
            )
        )
    return agendas


def available_slots(
    schedule: ServiceSchedule,
    first_day: datetime.date,
    last_day: datetime.date,
    *,
    now: datetime.datetime | None = None,
    occupied: Mapping | None = None,
    exclude_booking_id: int | None = None,
) -> list[Slot]:
    if occupied is None:  # the seats taken by bookings (bookings/services/booking_seats.py)
        occupied = occupied_of(schedule, first_day, last_day)
    return compute_slots(
        rules_of(schedule),
        agendas_of(schedule, first_day, last_day, exclude_booking_id=exclude_booking_id),
        first_day,
        last_day,
        now or timezone.now(),
        occupied,
    )


def bookable_range(schedule: ServiceSchedule, now: datetime.datetime | None = None):
    """(first, last) local dates on which a slot may start, given notice and window."""
    now = now or timezone.now()
    first = now + datetime.timedelta(hours=schedule.min_notice_hours)
    last = now + datetime.timedelta(days=schedule.window_days)
    return first.astimezone(ROME).date(), last.astimezone(ROME).date()


def choose_slot(
    schedule: ServiceSchedule,
    day: datetime.date,
    time: datetime.time,
    *,
    now: datetime.datetime | None = None,
    occupied: Mapping | None = None,
    exclude_booking_id: int | None = None,
) -> Slot:
    """The free slot starting at local `day` `time`, or a ValidationError saying why not.
    `exclude_booking_id`: a booking being moved does not keep its own resource busy."""
    now = now or timezone.now()
    start = local_instant(day, minutes_of(time))
    if start is None:
        raise ValidationError(gap_message(day, time))
    if start < now:
        raise ValidationError(
            _("Il %(day)s alle %(time)s è già passato: scelga un orario da oggi in poi.")
            % {"day": f"{day:%d/%m/%Y}", "time": f"{time:%H:%M}"}
        )
    earliest = now + datetime.timedelta(hours=schedule.min_notice_hours)
    if start < earliest:
        raise ValidationError(
            ngettext(
                "Questo servizio si prenota con almeno %(n)s ora di preavviso.",
                "Questo servizio si prenota con almeno %(n)s ore di preavviso.",
                schedule.min_notice_hours,
            )
            % {"n": schedule.min_notice_hours}
        )
    latest = now + datetime.timedelta(days=schedule.window_days)
    if start > latest:
        raise ValidationError(
            _("Si può prenotare al massimo %(n)s giorni prima: scelga una data entro %(date)s.")
            % {
                "n": schedule.window_days,
                "date": with_article(latest.astimezone(ROME).date(), "il"),
            }
        )
    for slot in available_slots(
        schedule, day, day, now=now, occupied=occupied, exclude_booking_id=exclude_booking_id
    ):
        if slot.start == start:
            return slot
    raise ValidationError(
        _("Il %(day)s alle %(time)s non c'è un turno libero: scelga uno degli orari proposti.")
        % {"day": f"{day:%d/%m/%Y}", "time": f"{time:%H:%M}"}
    )


def by_day(slots, first_day: datetime.date, days: int = 7) -> list[tuple[datetime.date, list]]:
    """[(local date, its slots)] for `days` days from `first_day` (days without slots too)."""
    grouped: dict[datetime.date, list] = defaultdict(list)
    for slot in slots:
        grouped[slot.local_start.date()].append(slot)
    return [
        (first_day + datetime.timedelta(days=n), grouped[first_day + datetime.timedelta(days=n)])
        for n in range(days)
    ]


def _sessions(series: Series):
    return series_sessions(
        series.first_day, series.weekdays, series.weeks, series.starts_at, series.ends_at
    )


def open_series(service, today: datetime.date) -> list[tuple[Series, list]]:
    """The active series of `service` not yet started, with their sessions."""
    rows = Series.objects_unscoped.filter(
        service=service, status=SeriesStatus.ACTIVE, first_day__gte=today
    ).order_by("first_day", "starts_at", "pk")
    return [(series, _sessions(series)) for series in rows]


def sessions_of(series: Series):
    return _sessions(series)

"""A resource shared by several services: a booking keeps its resource busy for its span with
its service's buffers ([start - before, end + after]), so another service using the same
person, room or vehicle is not offered an overlapping time, and neither is another start of
the same service. The only overlap allowed is the same service at the same start: those are
seats of one slot, counted by `booking_seats`.

Two places use it: the slot computation (`agenda_reads.agendas_of` passes the spans as
blocked periods, the same service's starts apart) and the booking itself (`lock_free`, under
a row lock of the resources, so two bookings of different services racing for one resource
cannot both win: the second waits for the first to commit, then sees its booking).
Series sessions keep their resource busy through the series itself (agenda_reads)."""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from benecomune.bookings.models import Booking, Resource
from benecomune.bookings.models.bookings import SEAT_STATUSES
from benecomune.core.compiled_queries import STAND_IN_TIME, STAND_IN_TIME_2, CompiledQuery

# The widest buffer a schedule may have (agenda rules: 0-240 minutes): how far outside a
# range a booking's own buffers can reach.
MAX_BUFFER = datetime.timedelta(minutes=240)


@dataclass(frozen=True, slots=True)
class Busy:
    resource_id: int
    schedule_id: int
    start: datetime.datetime  # the booking's start (UTC)
    low: datetime.datetime  # start - its buffer before
    high: datetime.datetime  # end + its buffer after


def _busy(resource_ids: list[int], starts_before, ends_after):
    return Booking.objects_unscoped.filter(
        resource_id__in=resource_ids,
        status__in=SEAT_STATUSES,
        schedule__isnull=False,
        starts_at__lt=starts_before,
        ends_at__gt=ends_after,
    ).values_list(
        "resource_id",
        "schedule_id",
        "starts_at",
        "ends_at",
        "schedule__buffer_before_minutes",
        "schedule__buffer_after_minutes",
    )


# Read by every slot computation and booking (core.compiled_queries).
BUSY = CompiledQuery("resource_busy", _busy, [-7_001_000], STAND_IN_TIME, STAND_IN_TIME_2)


def busy_of(
    resource_ids: Iterable[int],
    low: datetime.datetime,
    high: datetime.datetime,
    *,
    exclude_booking_id: int | None = None,
) -> list[Busy]:
    """The spans of the bookings holding a seat on `resource_ids` that reach into
    [low, high) (one query)."""
    resource_ids = list(resource_ids)
    if not resource_ids:
        return []
    if exclude_booking_id is None:
        rows = BUSY(resource_ids, high + MAX_BUFFER, low - MAX_BUFFER)
    else:
        rows = _busy(resource_ids, high + MAX_BUFFER, low - MAX_BUFFER).exclude(
            pk=exclude_booking_id
        )
    spans = []
    for resource_id, schedule_id, start, end, before, after in rows:
        span_low = start - datetime.timedelta(minutes=before)
        span_high = end + datetime.timedelta(minutes=after)
        if span_low < high and span_high > low:
            spans.append(Busy(resource_id, schedule_id, start, span_low, span_high))
    return spans


def split_for(schedule_id: int, spans: Iterable[Busy]):
    """For the slot computation: {resource: [(low, high)]} of other services' bookings (blocked
    periods) and {resource: [start]} of this service's bookings (other starts overlapping
    them are not offered; the same start is a seat)."""
    blocked: dict[int, list] = defaultdict(list)
    own: dict[int, list] = defaultdict(list)
    for span in spans:
        if span.schedule_id == schedule_id:
            own[span.resource_id].append(span.start)
        else:
            blocked[span.resource_id].append((span.low, span.high))
    return blocked, own


def lock_free(
    schedule,
    resource_ids: Iterable[int],
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    *,
    exclude_booking_id: int | None = None,
) -> list[int]:
    """Lock the candidate resources (primary-key order: every booking locks in the same
    order) and return, in the given order, those free for a booking of `schedule` from
    `starts_at` to `ends_at` with its buffers. Must run inside the caller's transaction."""
    wanted = list(resource_ids)
    list(
        Resource.objects_unscoped.select_for_update()
        .filter(pk__in=wanted)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    low = starts_at - datetime.timedelta(minutes=schedule.buffer_before_minutes)
    high = ends_at + datetime.timedelta(minutes=schedule.buffer_after_minutes)
    taken = {
        span.resource_id
        for span in busy_of(wanted, low, high, exclude_booking_id=exclude_booking_id)
        if not (span.schedule_id == schedule.pk and span.start == starts_at)
    }
    return [rid for rid in wanted if rid not in taken]

"""Seats of a slot under any concurrency: one `SlotSeats` row per slot (or per series), made
with INSERT ... ON CONFLICT DO NOTHING (`bulk_create(ignore_conflicts=True)`: both databases),
then changed only by one conditional UPDATE:

    UPDATE ... SET taken = taken + seats WHERE key = ... AND taken + seats <= capacity

On PostgreSQL a concurrent UPDATE of the same row waits for the first to commit and
re-evaluates its condition on the new row: the capacity is never exceeded (and the table's
CHECK taken <= capacity says so again). SQLite serialises writers. Freeing is the mirror
update, in the caller's transaction. `check_seats` recomputes the counts from the bookings.
"""

import datetime

from django.db import transaction
from django.db.models import F, Sum

from benecomune.bookings.models import Booking, SlotSeats, WaitlistEntry, WaitlistStatus
from benecomune.bookings.models.bookings import SEAT_STATUSES
from benecomune.bookings.slots import ROME
from benecomune.core.compiled_queries import STAND_IN_TIME, STAND_IN_TIME_2, CompiledQuery


def slot_key(schedule_id: int, resource_id: int | None, starts_at: datetime.datetime) -> str:
    instant = starts_at.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M")
    return f"s{schedule_id}:r{resource_id or 0}:{instant}"


def series_key(series_id: int) -> str:
    return f"series{series_id}"


def take(
    *,
    key: str,
    provider_id: int,
    capacity: int,
    starts_at: datetime.datetime,
    seats: int = 1,
    schedule_id: int | None = None,
    series_id: int | None = None,
    resource_id: int | None = None,
) -> bool:
    """Take `seats` in the slot `key` (made if missing) if they fit in `capacity` (the rules'
    current one); False when the slot is full. Must run inside the caller's transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("booking_seats.take must run inside the caller's transaction")
    SlotSeats.objects_unscoped.bulk_create(
        [
            SlotSeats(
                provider_id=provider_id,
                key=key,
                schedule_id=schedule_id,
                series_id=series_id,
                resource_id=resource_id,
                starts_at=starts_at,
                capacity=capacity,
            )
        ],
        ignore_conflicts=True,
    )
    return bool(
        SlotSeats.objects_unscoped.filter(key=key, taken__lte=capacity - seats).update(
            taken=F("taken") + seats, capacity=capacity
        )
    )


def free(key: str, seats: int = 1) -> None:
    """Give back `seats` of the slot `key` (a booking cancelled, declined, a no-show)."""
    moved = SlotSeats.objects_unscoped.filter(key=key, taken__gte=seats).update(
        taken=F("taken") - seats
    )
    if moved != 1:  # the count and the bookings disagree: refuse, the transaction rolls back
        raise RuntimeError(f"slot {key}: no {seats} seat(s) to free")


def _occupied(schedule_id: int, low, high):
    return SlotSeats.objects_unscoped.filter(
        schedule_id=schedule_id, starts_at__gte=low, starts_at__lt=high, taken__gt=0
    ).values_list("resource_id", "starts_at", "taken")


# Read by every slot computation (core.compiled_queries).
OCCUPIED = CompiledQuery("slot_seats", _occupied, -7_002_000, STAND_IN_TIME, STAND_IN_TIME_2)


def occupied_of(schedule, first_day: datetime.date, last_day: datetime.date) -> dict:
    """(resource id, start) -> seats taken, for the slot computation (`slots.compute_slots`)."""
    low = datetime.datetime.combine(first_day - datetime.timedelta(days=1), datetime.time(), ROME)
    high = datetime.datetime.combine(last_day + datetime.timedelta(days=2), datetime.time(), ROME)
    rows = OCCUPIED(schedule.pk, low, high)
    return {(resource_id, starts_at): taken for resource_id, starts_at, taken in rows}


def series_taken(series) -> int:
    row = SlotSeats.objects_unscoped.filter(key=series_key(series.pk)).first()
    return row.taken if row else 0


def check_seats(provider_id: int | None = None) -> list[str]:
    """Every slot's `taken` compared with the seats of its bookings that hold one plus the
    places held for open waiting-list offers: the list of disagreements (empty when sound).
    Derived counts have a recomputation."""
    counters = SlotSeats.objects_unscoped.all()
    bookings = Booking.objects_unscoped.filter(status__in=SEAT_STATUSES)
    holds = WaitlistEntry.objects_unscoped.filter(status=WaitlistStatus.OFFERED)
    if provider_id is not None:
        counters = counters.filter(provider_id=provider_id)
        bookings = bookings.filter(provider_id=provider_id)
        holds = holds.filter(provider_id=provider_id)
    expected = dict(
        bookings.values("seat_key").annotate(n=Sum("seats")).values_list("seat_key", "n")
    )
    for key, n in holds.values("hold_key").annotate(n=Sum("seats")).values_list("hold_key", "n"):
        expected[key] = expected.get(key, 0) + n
    problems = []
    for key, taken in counters.values_list("key", "taken"):
        if expected.pop(key, 0) != taken:
            problems.append(f"{key}: taken {taken}")
    problems.extend(f"{key}: no counter for {n} seat(s)" for key, n in expected.items())
    return problems

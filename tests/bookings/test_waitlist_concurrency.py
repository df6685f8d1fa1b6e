"""PostgreSQL: the waiting list under concurrency. 64 people at once try a slot with 5 seats
and join its list when refused: exactly 5 bookings, 59 entries waiting, the counter at 5 and
equal to its recomputation. A freed place held for an offer, accepted while others try to book
it and the expiry job runs: never more bookings than seats, the counter (holds counted) sound.
"""

import datetime

import pytest
from django.core.exceptions import ValidationError

from benecomune.bookings.models import Booking, BookingStatus, SlotSeats, WaitlistEntry
from benecomune.bookings.models import WaitlistStatus as W
from benecomune.bookings.models.bookings import ACTIVE_STATUSES
from benecomune.bookings.services import (
    agenda_reads,
    booking_moves,
    booking_seats,
    bookings,
    waitlist,
)
from benecomune.bookings.slots import ROME
from benecomune.core.scoping import all_tenants
from tests.bookings.agenda_fixtures import set_rules
from tests.bookings.booking_fixtures import *  # noqa: F403
from tests.bookings.booking_fixtures import free_slots
from tests.bookings.waitlist_fixtures import CONSENT
from tests.helpers import run_parallel

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
PARALLEL = 64
CAPACITY = 5


def _slot(service, owner, capacity):
    with all_tenants():
        resources = list(agenda_reads.schedule_of(service).resources.all())
        set_rules(owner, service, resources, capacity=capacity)
    day, time, _slot = free_slots(service)[0]
    return day, time


def _people(make_person, municipality, n):
    return [make_person(municipality, first_name=f"Persona{chr(65 + i % 26)}") for i in range(n)]


def test_64_at_once_on_5_seats_book_or_wait(desk, free_service, seller, make_person, municipality):
    _provider, owner, _service = seller
    day, time = _slot(free_service, owner, CAPACITY)
    people = _people(make_person, municipality, PARALLEL)

    def work(i):
        kwargs = {
            "service": free_service,
            "booker": people[i],
            "day": day,
            "time": time,
            "idempotency_key": f"p{i}",
            "consent_note": CONSENT,
        }
        try:
            return bookings.book(desk, **kwargs).status
        except ValidationError:
            try:
                return "waitlist:" + waitlist.join(desk, **kwargs).status
            except ValidationError as exc:
                return "refused: " + " ".join(exc.messages)

    results, errors = run_parallel(PARALLEL, work, scope=all_tenants)
    assert errors == []
    assert results.count(BookingStatus.CONFIRMED) == CAPACITY
    # Every refused booking found the slot full, and its list open.
    assert results.count("waitlist:waiting") == PARALLEL - CAPACITY, set(results)
    assert Booking.objects_unscoped.count() == CAPACITY
    assert WaitlistEntry.objects_unscoped.filter(status=W.WAITING).count() == PARALLEL - CAPACITY
    assert sum(SlotSeats.objects_unscoped.values_list("taken", flat=True)) == CAPACITY
    assert booking_seats.check_seats() == []


@pytest.mark.parametrize("lapse", [False, True])
def test_accept_against_new_bookings_of_the_freed_place(
    desk, free_service, seller, make_person, municipality, lapse
):
    _provider, owner, _service = seller
    day, time = _slot(free_service, owner, 1)
    holder, waiter, *others = _people(make_person, municipality, 10)
    with all_tenants():
        booking = bookings.book(
            desk,
            service=free_service,
            booker=holder,
            day=day,
            time=time,
            idempotency_key="first",
            consent_note=CONSENT,
        )
        local = booking.starts_at.astimezone(ROME)
        entry = waitlist.join(
            desk,
            service=free_service,
            booker=waiter,
            day=local.date(),
            time=local.time(),
            idempotency_key="wait",
            consent_note=CONSENT,
        )
        booking_moves.cancel_by_citizen(desk, booking, consent_note=CONSENT)
    assert WaitlistEntry.objects_unscoped.get(pk=entry.pk).status == W.OFFERED

    def accept():
        return waitlist.accept(desk, entry, consent_note=CONSENT).status

    def expire():
        return waitlist.expire_due(now=booking.starts_at - datetime.timedelta(minutes=1))

    def book_it(i):
        def run():
            try:
                return bookings.book(
                    desk,
                    service=free_service,
                    booker=others[i],
                    day=day,
                    time=time,
                    idempotency_key=f"new{i}",
                    consent_note=CONSENT,
                ).status
            except ValidationError as exc:
                return "refused: " + " ".join(exc.messages)

        return run

    works = [accept, *(book_it(i) for i in range(len(others)))]
    if lapse:
        works.append(expire)
    _results, errors = run_parallel(works, scope=all_tenants)
    assert all(isinstance(e, ValidationError) for e in errors), errors  # a lapsed accept
    active = Booking.objects_unscoped.filter(status__in=ACTIVE_STATUSES)
    entry = WaitlistEntry.objects_unscoped.get(pk=entry.pk)
    if lapse:
        # Accepted before the lapse, or lapsed and released (maybe taken by a new booking).
        assert entry.status in (W.ACCEPTED, W.LAPSED) and active.count() <= 1
    else:
        # The held place could only go to the offer.
        assert entry.status == W.ACCEPTED and active.get().person_id == waiter.pk
    taken = SlotSeats.objects_unscoped.get(key=booking.seat_key).taken
    assert taken == active.count() <= 1
    assert booking_seats.check_seats() == []

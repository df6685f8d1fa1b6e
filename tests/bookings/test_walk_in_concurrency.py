"""PostgreSQL: walk-ins at the counter (or through the API) share the online seats: 16 at once
with online bookings of a 5-seat slot give exactly 5 bookings; one key replayed at once (a
till retrying) is one booking."""

import pytest
from django.core.exceptions import ValidationError

from benecomune.bookings.models import Booking, SlotSeats
from benecomune.bookings.services import agenda_reads, booking_seats, booking_walk_in, bookings
from benecomune.core.scoping import all_tenants
from tests.bookings.agenda_fixtures import set_rules
from tests.bookings.booking_fixtures import *  # noqa: F403
from tests.bookings.booking_fixtures import free_slots
from tests.helpers import run_parallel

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_walk_ins_and_online_bookings_share_the_seats(
    citizen, buyer, free_service, seller, make_person
):
    _provider, owner, _service = seller
    with all_tenants():
        resources = list(agenda_reads.schedule_of(free_service).resources.all())
        set_rules(owner, free_service, resources, capacity=5)
    day, time, _slot = free_slots(free_service)[0]
    people = [make_person(buyer.residence, first_name=f"Persona{i}") for i in range(8)]

    def counter(i):
        try:
            return booking_walk_in.book_walk_in(
                owner,
                service=free_service,
                person=people[i],
                day=day,
                time=time,
                idempotency_key=f"w{i}",
            ).status
        except ValidationError as exc:
            return "refused: " + " ".join(exc.messages)

    def online(i):
        try:
            return bookings.book(
                citizen,
                service=free_service,
                booker=buyer,
                day=day,
                time=time,
                idempotency_key=f"o{i}",
            ).status
        except ValidationError as exc:
            return "refused: " + " ".join(exc.messages)

    works = [lambda i=i: counter(i) for i in range(8)] + [lambda i=i: online(i) for i in range(8)]
    results, errors = run_parallel(works, scope=all_tenants)
    assert errors == []
    assert sum(1 for r in results if not r.startswith("refused")) == 5
    assert Booking.objects_unscoped.count() == 5
    assert sum(SlotSeats.objects_unscoped.values_list("taken", flat=True)) == 5
    assert booking_seats.check_seats() == []


def test_one_walk_in_key_at_once_is_one_booking(buyer, free_service, seller):
    _provider, owner, _service = seller
    day, time, _slot = free_slots(free_service)[0]

    def work(i):
        return booking_walk_in.book_walk_in(
            owner, service=free_service, person=buyer, day=day, time=time, idempotency_key="same"
        ).pk

    results, errors = run_parallel(16, work, scope=all_tenants)
    assert errors == [] and len(set(results)) == 1
    assert Booking.objects_unscoped.count() == 1
    assert booking_seats.check_seats() == []

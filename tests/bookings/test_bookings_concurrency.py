"""PostgreSQL: 64 bookings at once of one slot with 5 seats give exactly 5 bookings, the rest
refused with the Italian message, the counter at 5 and equal to its recomputation; the same
with paid bookings (holds only for the 5); one form submitted at once is one booking."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from benecomune.bookings.models import Booking, BookingStatus, Order, SlotSeats
from benecomune.bookings.services import agenda_reads, booking_seats, bookings
from benecomune.core.scoping import all_tenants
from benecomune.ledger.models import Reservation
from tests.bookings.agenda_fixtures import set_rules
from tests.bookings.booking_fixtures import *  # noqa: F403
from tests.bookings.booking_fixtures import free_slots
from tests.bookings.test_orders_fixtures import available
from tests.helpers import run_parallel

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
PARALLEL = 64
CAPACITY = 5


def _five_seats(service, owner):
    with all_tenants():
        resources = list(agenda_reads.schedule_of(service).resources.all())
        set_rules(owner, service, resources, capacity=CAPACITY)
    day, time, _slot = free_slots(service)[0]
    return day, time


def _run(citizen, buyer, service, day, time, **payment):
    def work(i):
        try:
            return bookings.book(
                citizen,
                service=service,
                booker=buyer,
                day=day,
                time=time,
                idempotency_key=f"parallel-{i}",
                **payment,
            ).status
        except ValidationError as exc:
            return "refused: " + " ".join(exc.messages)

    return run_parallel(PARALLEL, work, scope=all_tenants)


def _refusals_are_clear(results):
    refused = [r for r in results if r.startswith("refused")]
    assert len(refused) == PARALLEL - CAPACITY
    assert all("appena stato completato" in r or "non c'è un turno libero" in r for r in refused), (
        set(refused)
    )


def test_64_free_bookings_of_a_5_seat_slot(citizen, buyer, free_service, seller):
    _provider, owner, _service = seller
    day, time = _five_seats(free_service, owner)
    results, errors = _run(citizen, buyer, free_service, day, time)
    assert errors == []
    assert results.count(BookingStatus.CONFIRMED) == CAPACITY
    _refusals_are_clear(results)
    assert Booking.objects_unscoped.count() == CAPACITY
    assert sum(SlotSeats.objects_unscoped.values_list("taken", flat=True)) == CAPACITY
    assert booking_seats.check_seats() == []


def test_64_paid_bookings_of_a_5_seat_slot_hold_only_for_5(
    citizen, buyer, priced, make_fund, make_wallet
):
    _provider, owner, service = priced
    day, time = _five_seats(service, owner)
    wallet = make_wallet(
        make_fund(PARALLEL * 5_000),
        PARALLEL * 5_000,
        person=buyer,
        valid_until=timezone.localdate().replace(year=2030),
    )
    results, errors = _run(
        citizen, buyer, service, day, time, split={wallet.pk: 5_000}, own_amount=0
    )
    assert errors == []
    assert results.count(BookingStatus.CONFIRMED) == CAPACITY
    _refusals_are_clear(results)
    assert Booking.objects_unscoped.count() == CAPACITY == Order.objects_unscoped.count()
    assert Reservation.objects_unscoped.filter(account_id=wallet.account_id).count() == CAPACITY
    assert available(wallet) == (PARALLEL - CAPACITY) * 5_000
    assert booking_seats.check_seats() == []


def test_one_form_submitted_at_once_is_one_booking(citizen, buyer, free_service):
    day, time, _slot = free_slots(free_service)[0]

    def work(i):
        return bookings.book(
            citizen, service=free_service, booker=buyer, day=day, time=time, idempotency_key="same"
        ).pk

    results, errors = run_parallel(16, work, scope=all_tenants)
    assert errors == [] and len(set(results)) == 1
    assert Booking.objects_unscoped.count() == 1
    assert booking_seats.check_seats() == []

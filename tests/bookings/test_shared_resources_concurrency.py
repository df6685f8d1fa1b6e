"""PostgreSQL: two services sharing one operator (capacity 1 each), bookings of both at the same
time of day from parallel requests: exactly one is made, the others refused in Italian, one
seat taken, the counters equal to their recomputation."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from benecomune.bookings.models import Booking, BookingStatus, SlotSeats
from benecomune.bookings.services import agenda_reads, booking_seats, bookings
from benecomune.core.scoping import all_tenants
from tests.bookings.agenda_fixtures import add_resource, set_rules
from tests.bookings.booking_fixtures import *  # noqa: F403
from tests.helpers import run_parallel
from tests.marketplace.test_catalogue import make_service

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
PARALLEL = 16


def test_parallel_bookings_of_two_services_sharing_one_operator_make_one(citizen, buyer, seller):
    provider, owner, _service = seller
    operator = add_resource(owner, provider, name="Anna Verdi")
    home = make_service(owner, provider, title="Assistenza a casa", price_kind="free")
    nursing = make_service(owner, provider, title="Prelievo a domicilio", price_kind="free")
    set_rules(owner, home, [operator])
    set_rules(owner, nursing, [operator], duration_minutes=30)
    schedule = agenda_reads.schedule_of(home)
    first, last = agenda_reads.bookable_range(schedule)
    slot = agenda_reads.available_slots(schedule, first, last)[0]
    day, time = slot.local_start.date(), slot.local_start.time()

    def work(i):
        try:
            return bookings.book(
                citizen,
                service=home if i % 2 else nursing,
                booker=buyer,
                day=day,
                time=time,
                idempotency_key=f"shared-{i}",
            ).status
        except ValidationError as exc:
            return "refused: " + " ".join(exc.messages)

    results, errors = run_parallel(PARALLEL, work, scope=all_tenants)
    assert errors == []
    assert results.count(BookingStatus.CONFIRMED) == 1, results
    refused = [r for r in results if r.startswith("refused")]
    assert len(refused) == PARALLEL - 1
    assert all("appena stato completato" in r or "non c'è un turno libero" in r for r in refused)
    made = Booking.objects_unscoped.get()
    assert made.resource_id == operator.pk
    assert sum(SlotSeats.objects_unscoped.values_list("taken", flat=True)) == 1
    with all_tenants():
        assert booking_seats.check_seats() == []
    # Nothing else starts for the operator in the booked span, on either calendar.
    for service in (home, nursing):
        other = agenda_reads.schedule_of(service)
        starts = [s.start for s in agenda_reads.available_slots(other, day, day)]
        assert all(
            not (made.starts_at - datetime.timedelta(minutes=30) < s < made.ends_at) for s in starts
        )

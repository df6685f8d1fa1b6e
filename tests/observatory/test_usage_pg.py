"""PostgreSQL: a booking's change stamped before an upkeep run but committed after it is not
lost, even with no overlap: the usage watermark stays at the start of the oldest transaction
still open during the run."""

import datetime
import threading

import pytest
from django.db import connection, transaction

from benecomune.bookings.models import BookingStatus
from benecomune.bookings.services import booking_moves
from benecomune.core.scoping import all_tenants
from benecomune.observatory.models import UsageCell, UsageKind
from benecomune.observatory.services import usage
from tests.bookings.booking_fixtures import *  # noqa: F403
from tests.bookings.booking_fixtures import book

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
HOUR = datetime.timedelta(hours=1)


def completed() -> int:
    cells = UsageCell.objects.filter(kind=UsageKind.BOOKING, status=BookingStatus.COMPLETED)
    return sum(cells.values_list("count", flat=True))


def test_a_change_committed_after_the_run_is_counted_next_time(
    citizen, buyer, seller, free_service, monkeypatch
):
    _provider, owner, _service = seller
    monkeypatch.setattr(usage, "OVERLAP", datetime.timedelta(0))
    booking = book(citizen, free_service, buyer)
    usage.run()
    changed, release = threading.Event(), threading.Event()

    def slow():
        try:
            with transaction.atomic(), all_tenants():
                booking_moves.complete(owner, booking, now=booking.starts_at + HOUR)
                changed.set()
                release.wait(30)
        finally:
            connection.close()

    worker = threading.Thread(target=slow)
    worker.start()
    assert changed.wait(30)
    usage.run()  # the completion is not committed yet: not seen
    assert completed() == 0
    release.set()
    worker.join(30)
    usage.run()
    assert completed() == 1
    assert usage.differences() == []

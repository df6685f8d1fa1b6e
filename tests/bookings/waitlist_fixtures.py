"""Fixtures of the waiting list's tests: a free service and the priced one with one seat per
turn, people who wait (joined by the desk with their consent), and a frozen clock."""

import datetime
import itertools

import pytest
from django.utils import timezone

from benecomune.bookings.services import agenda_reads, waitlist
from benecomune.bookings.slots import ROME
from benecomune.core.scoping import all_tenants
from tests.bookings.agenda_fixtures import set_rules
from tests.bookings.booking_fixtures import free_slots

__all__ = ["clock", "waiters"]
_keys = itertools.count(1)
CONSENT = "Consenso dato a voce allo sportello"


def one_seat(service, owner):
    with all_tenants():
        resources = list(agenda_reads.schedule_of(service).resources.all())
        set_rules(owner, service, resources, capacity=1)


def first_slot(service):
    day, time, _slot = free_slots(service)[0]
    return day, time


def join(actor, service, booker, *, at=None, consent=None, **kwargs):
    """`booker` joins the list of the turn starting `at` (default: the first free turn)."""
    if at is None:
        day, time = first_slot(service)
    else:
        local = at.astimezone(ROME)
        day, time = local.date(), local.time()
    kwargs.setdefault("idempotency_key", f"w{next(_keys)}")
    if consent is None and actor.membership is not None:
        consent = CONSENT
    with all_tenants():
        return waitlist.join(
            actor,
            service=service,
            booker=booker,
            day=day,
            time=time,
            consent_note=consent or "",
            **kwargs,
        )


class Clock:
    """timezone.now() frozen at `now`, moved with `advance`."""

    def __init__(self):
        # 01:00 of today in Rome, whatever the hour the suite runs at: a test that advances
        # the clock by hours must not push tomorrow's first turn inside the service's notice.
        today = timezone.localdate()
        self.now = timezone.make_aware(
            datetime.datetime.combine(today, datetime.time(1, 0)), ROME
        ).astimezone(datetime.UTC)

    def advance(self, **delta):
        self.now += datetime.timedelta(**delta)
        return self.now


@pytest.fixture
def clock(monkeypatch):
    frozen = Clock()
    monkeypatch.setattr(timezone, "now", lambda: frozen.now)
    return frozen


@pytest.fixture
def waiters(make_person, municipality):
    """Three residents of the Comune who wait (the desk joins them with their consent)."""
    return [
        make_person(municipality, first_name=name, email=f"{name.lower()}@example.org")
        for name in ("Anna", "Bruno", "Carla")
    ]

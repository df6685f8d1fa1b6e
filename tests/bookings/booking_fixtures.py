"""Fixtures of the bookings' tests (imported with `from ... import *`): the orders' accredited
provider with its 50 euro service made bookable (a resource working Monday to Friday, hourly
turns), a free service of the same provider, the buyer's household, the desk and the Comune.
Everything through the real services; the ledger's invariants are checked after every test
(orders' fixtures) and the seats counters against a recomputation."""

import datetime
import itertools

import pytest

from benecomune.bookings.models import Booking
from benecomune.bookings.services import agenda_reads, booking_seats, bookings
from benecomune.core.models import Role
from benecomune.core.scoping import all_tenants
from benecomune.core.services import people
from tests.bookings.agenda_fixtures import add_resource, set_rules
from tests.bookings.test_orders_fixtures import *  # noqa: F403
from tests.bookings.test_orders_fixtures import __all__ as _orders_fixtures
from tests.marketplace.test_catalogue import make_service

__all__ = [
    *_orders_fixtures,
    "comune",
    "desk",
    "family",
    "free_service",
    "priced",
    "seats_stay_sound",
]
_keys = itertools.count(1)


def key() -> str:
    return f"b{next(_keys)}"


def free_slots(service, count=3):
    """The first `count` free slots of `service` (local day, time, slot)."""
    schedule = agenda_reads.schedule_of(service)
    first, last = agenda_reads.bookable_range(schedule)
    slots = agenda_reads.available_slots(schedule, first, min(last, first + datetime.timedelta(14)))
    return [(s.local_start.date(), s.local_start.time(), s) for s in slots[:count]]


def book(actor, service, booker, *, slot=0, **kwargs):
    day, time, _slot = free_slots(service, slot + 1)[slot]
    kwargs.setdefault("idempotency_key", key())
    with all_tenants():
        return bookings.book(actor, service=service, booker=booker, day=day, time=time, **kwargs)


@pytest.fixture(autouse=True)
def seats_stay_sound(db):
    yield
    with all_tenants():
        assert booking_seats.check_seats() == []


@pytest.fixture
def priced(seller):
    """(provider, owner, service of 50 euro) with rules: 1 seat per turn, cancellation free
    until 24 hours before, a late cancellation or a no-show costs nothing."""
    provider, owner, service = seller
    resource = add_resource(owner, provider)
    set_rules(owner, service, [resource])
    return provider, owner, service


@pytest.fixture
def free_service(seller):
    provider, owner, _service = seller
    service = make_service(owner, provider, title="Sportello di ascolto", price_kind="free")
    resource = add_resource(owner, provider, name="Sala piccola", kind="room")
    set_rules(owner, service, [resource], capacity=3)
    return service


@pytest.fixture
def desk(make_actor, municipality):
    return make_actor("sportello@example.org", Role.DESK_OPERATOR, municipality)


@pytest.fixture
def comune(make_actor, municipality):
    return make_actor("comune@example.org", Role.MUNICIPALITY_ADMIN, municipality)


@pytest.fixture
def family(desk, buyer, make_person, municipality):
    """The buyer heads a household with a child; returns the child."""
    child = make_person(municipality, first_name="Luca", birthdate="01/02/2015")
    with all_tenants():
        household = people.create_household(desk, head=buyer, address="Via Roma 1")
        people.add_household_member(desk, household, child, "child")
    return child


def count() -> int:
    return Booking.objects_unscoped.count()

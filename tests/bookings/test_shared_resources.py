"""A resource shared by two services: a booking of one keeps the person busy (its span with
its buffers) for the other service's calendar and booking, and for other starts of its own
service; the same start of the same service is a seat. Cancelling gives the time back; a
booking moved by less than its length does not clash with itself."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from benecomune.bookings.services import agenda_reads, booking_moves, bookings, resource_busy
from benecomune.bookings.slots import ROME, ResourceAgenda, Rules, compute_slots
from benecomune.core.scoping import all_tenants
from tests.bookings.agenda_fixtures import add_resource, set_rules
from tests.bookings.booking_fixtures import *  # noqa: F403
from tests.bookings.booking_fixtures import count, key
from tests.marketplace.test_catalogue import make_service

pytestmark = pytest.mark.django_db

T = datetime.time
MONDAY = datetime.date(2030, 6, 3)
NOW = datetime.datetime(2030, 6, 1, 8, tzinfo=ROME)


def at(hour, minute=0, day=MONDAY):
    return datetime.datetime.combine(day, T(hour, minute), ROME).astimezone(datetime.UTC)


def times(slots):
    return [s.local_start.strftime("%H:%M") for s in slots]


# The computation alone -------------------------------------------------------------------


def _agenda(**kw):
    return ResourceAgenda(id=1, week={0: ((9 * 60, 13 * 60),)}, **kw)


def test_another_services_booking_blocks_its_span_with_buffers():
    # Another service booked 10:00-11:00 with 15 minutes after: busy 10:00-11:15.
    agenda = _agenda(blocked=((at(10), at(11, 15)),))
    rules = Rules(duration=30, step=30, buffer_before=15, window_days=30)
    slots = compute_slots(rules, [agenda], MONDAY, MONDAY, NOW)
    # Spans [start - 15, start + 30): 09:15 ends 09:45, 11:45 starts 11:30: they fit.
    assert times(slots) == ["09:15", "11:45", "12:15"]


def test_the_same_services_booking_blocks_other_starts_not_its_own():
    agenda = _agenda(booked=(at(10),))
    rules = Rules(duration=60, step=30, capacity=3, window_days=30)
    occupied = {(1, at(10)): 1}
    slots = compute_slots(rules, [agenda], MONDAY, MONDAY, NOW, occupied)
    assert times(slots) == ["09:00", "10:00", "11:00", "11:30", "12:00"]
    assert [s.free for s in slots if s.start == at(10)] == [2]


# Through the database ----------------------------------------------------------------------


@pytest.fixture
def shared(seller):
    """Two free services of one provider sharing one operator: home care (60 minutes, 30 after,
    turns every 30 minutes) and nursing (30 minutes, turns every 30 minutes)."""
    provider, owner, _service = seller
    operator = add_resource(owner, provider, name="Anna Verdi")
    home = make_service(owner, provider, title="Assistenza a casa", price_kind="free")
    nursing = make_service(owner, provider, title="Prelievo a domicilio", price_kind="free")
    set_rules(owner, home, [operator], step_minutes=30, buffer_after_minutes=30)
    set_rules(owner, nursing, [operator], duration_minutes=30, step_minutes=30)
    return home, nursing, operator


def _first_day(service):
    schedule = agenda_reads.schedule_of(service)
    first, last = agenda_reads.bookable_range(schedule)
    slots = agenda_reads.available_slots(schedule, first, last)
    # The first whole day: the minimum notice cuts into today's and tomorrow's morning,
    # depending on the hour the suite runs.
    return next(s.local_start.date() for s in slots if s.local_start.strftime("%H:%M") == "09:00")


def _times_on(service, day):
    schedule = agenda_reads.schedule_of(service)
    return times(agenda_reads.available_slots(schedule, day, day))


def _book(citizen, buyer, service, day, hour, minute=0):
    with all_tenants():
        return bookings.book(
            citizen,
            service=service,
            booker=buyer,
            day=day,
            time=T(hour, minute),
            idempotency_key=key(),
        )


def test_a_booking_blocks_the_other_service_and_cancelling_frees_it(citizen, buyer, shared):
    home, nursing, operator = shared
    day = _first_day(home)
    assert {"09:00", "09:30", "10:00", "10:30"} <= set(_times_on(nursing, day))
    booking = _book(citizen, buyer, home, day, 9)
    assert booking.resource_id == operator.pk
    # Busy 09:00-10:30 (60 minutes + 30 after): nursing starts again at 10:30.
    nursing_times = _times_on(nursing, day)
    assert not {"09:00", "09:30", "10:00"} & set(nursing_times)
    assert "10:30" in nursing_times
    # Its own service: 09:30 and 10:00 overlap the booking, 09:00 is full (one seat).
    home_times = _times_on(home, day)
    assert not {"09:00", "09:30", "10:00"} & set(home_times) and "10:30" in home_times
    # Booking the other service over it: a clear Italian refusal, nothing written.
    before = count()
    with pytest.raises(ValidationError, match="non c'è un turno libero"):
        _book(citizen, buyer, nursing, day, 9, 30)
    assert count() == before
    with all_tenants():
        booking_moves.cancel_by_citizen(citizen, booking, reason="Non mi serve più")
    assert {"09:00", "09:30", "10:00"} <= set(_times_on(nursing, day))


def test_at_booking_time_the_locked_check_sees_the_other_service(citizen, buyer, shared):
    # What a parallel booking would meet after computing its slot: the operator is not free.
    home, nursing, operator = shared
    day = _first_day(home)
    nursing_schedule = agenda_reads.schedule_of(nursing)
    with all_tenants():
        slot = agenda_reads.choose_slot(nursing_schedule, day, T(9, 30))
    _book(citizen, buyer, home, day, 9)
    with all_tenants():
        assert resource_busy.lock_free(nursing_schedule, [operator.pk], slot.start, slot.end) == []
        assert resource_busy.lock_free(
            nursing_schedule, [operator.pk], at(10, 30, day), at(11, 0, day)
        ) == [operator.pk]


def test_a_booking_moves_by_less_than_its_length(citizen, buyer, shared):
    home, _nursing, _operator = shared
    day = _first_day(home)
    booking = _book(citizen, buyer, home, day, 9)
    with all_tenants():
        moved = booking_moves.reschedule(citizen, booking, day=day, time=T(9, 30))
    assert moved.starts_at.astimezone(ROME).time() == T(9, 30)
    # Busy 09:30-11:00 now: 11:00 is free again, 09:00 too close to it.
    home_times = _times_on(home, day)
    assert not {"09:00", "09:30", "10:00", "10:30"} & set(home_times) and "11:00" in home_times


def test_two_resources_the_busy_one_is_skipped(citizen, buyer, shared, seller):
    provider, owner, _service = seller
    home, nursing, operator = shared
    second = add_resource(owner, provider, name="Bruno Neri")
    set_rules(owner, nursing, [operator, second], duration_minutes=30, step_minutes=30)
    day = _first_day(home)
    _book(citizen, buyer, home, day, 9)
    assert "09:30" in _times_on(nursing, day)
    assert _book(citizen, buyer, nursing, day, 9, 30).resource_id == second.pk

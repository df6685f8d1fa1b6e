"""The pure slot computation (bookings.slots): working week with breaks, closed days,
one-off openings, blocked periods, buffers, notice, window, capacity and seats taken, the two
days of the change of time in Europe/Rome, and the sessions of a series. No database."""

import datetime
from zoneinfo import ZoneInfo

from benecomune.bookings.slots import (
    ResourceAgenda,
    Rules,
    compute_slots,
    local_instant,
    series_sessions,
)

ROME = ZoneInfo("Europe/Rome")
UTC = datetime.UTC
D = datetime.date
T = datetime.time
MONDAY = D(2026, 6, 8)
SPRING = D(2026, 3, 29)  # last Sunday of March 2026: 02:00 -> 03:00
AUTUMN = D(2026, 10, 25)  # last Sunday of October 2026: 03:00 -> 02:00
EARLY = datetime.datetime(2026, 1, 1, tzinfo=UTC)  # "now" well before the days tested


def h(hours: float) -> int:
    return int(hours * 60)


def week(*ranges, days=range(7)):
    return {day: tuple((h(a), h(b)) for a, b in ranges) for day in days}


def local(day, hour, minute=0):
    return datetime.datetime.combine(day, T(hour, minute), ROME)


def labels(slots):
    return [s.local_start.strftime("%H:%M") for s in slots]


def slots_on(day, resources, rules=None, now=EARLY, **kwargs):
    rules = rules or Rules(duration=60, step=60, window_days=400)
    return compute_slots(rules, resources, day, day, now, **kwargs)


def test_a_week_with_a_break():
    resource = ResourceAgenda(1, week((9, 13), (14, 18)))
    assert labels(slots_on(MONDAY, [resource])) == [
        "09:00",
        "10:00",
        "11:00",
        "12:00",
        "14:00",
        "15:00",
        "16:00",
        "17:00",
    ]


def test_a_day_off_and_a_slot_must_fit_the_range():
    resource = ResourceAgenda(1, week((9, 10.5), days=[0]))
    assert labels(slots_on(MONDAY, [resource])) == ["09:00"]
    assert slots_on(MONDAY + datetime.timedelta(days=1), [resource]) == []


def test_a_closed_date_and_a_one_off_opening():
    sunday = MONDAY + datetime.timedelta(days=6)
    resource = ResourceAgenda(
        1,
        week((9, 12), days=range(5)),
        closed=frozenset({MONDAY}),
        openings={
            sunday: ((h(10), h(12)),),
            MONDAY + datetime.timedelta(days=1): ((h(15), h(16)),),
        },
    )
    assert slots_on(MONDAY, [resource]) == []
    assert labels(slots_on(sunday, [resource])) == ["10:00", "11:00"]
    # On a working day the one-off hours replace the week's.
    assert labels(slots_on(MONDAY + datetime.timedelta(days=1), [resource])) == ["15:00"]


def test_a_blocked_period_removes_the_slots_it_touches():
    blocked = ((local(MONDAY, 10, 30), local(MONDAY, 11, 30)),)
    resource = ResourceAgenda(1, week((9, 13)), blocked=blocked)
    assert labels(slots_on(MONDAY, [resource])) == ["09:00", "12:00"]


def test_buffers_stay_inside_the_range_and_clear_of_blocked_periods():
    rules = Rules(duration=60, step=30, buffer_before=15, buffer_after=15, window_days=400)
    resource = ResourceAgenda(1, week((9, 12)))
    assert labels(slots_on(MONDAY, [resource], rules)) == ["09:15", "09:45", "10:15", "10:45"]
    blocked = ((local(MONDAY, 11, 0), local(MONDAY, 11, 30)),)
    resource = ResourceAgenda(1, week((9, 12)), blocked=blocked)
    # 09:45-10:45 needs 09:30-11:00 free: it is; 10:15 would need until 11:30.
    assert labels(slots_on(MONDAY, [resource], rules)) == ["09:15", "09:45"]


def test_minimum_notice_and_booking_window():
    resource = ResourceAgenda(1, week((9, 18)))
    now = local(MONDAY, 8).astimezone(UTC)
    rules = Rules(duration=60, step=60, notice_minutes=h(3), window_days=2)
    slots = compute_slots(rules, [resource], MONDAY, MONDAY + datetime.timedelta(days=5), now)
    assert slots[0].local_start == local(MONDAY, 11)
    # The window ends on Wednesday at 08:00: before Wednesday's hours.
    assert slots[-1].local_start == local(MONDAY + datetime.timedelta(days=1), 17)
    assert all(now + datetime.timedelta(hours=3) <= s.start for s in slots)
    assert all(s.start <= now + datetime.timedelta(days=2) for s in slots)
    assert len(slots) == 7 + 9
    # Asking for days in the past gives nothing.
    past = (MONDAY - datetime.timedelta(days=3), MONDAY - datetime.timedelta(days=1))
    assert compute_slots(rules, [resource], *past, now) == []


def test_capacity_per_resource_and_seats_taken():
    resources = [ResourceAgenda(n, week((9, 10))) for n in (1, 2, 3)]
    [slot] = slots_on(MONDAY, resources)
    assert slot.free == 3 and slot.resource_ids == (1, 2, 3)
    start = slot.start
    [slot] = slots_on(MONDAY, resources, occupied={(2, start): 1})
    assert slot.free == 2 and slot.resource_ids == (1, 3)
    room = [ResourceAgenda(9, week((9, 10)))]
    lab = Rules(duration=60, capacity=20, step=60, window_days=400)
    [slot] = slots_on(MONDAY, room, lab, occupied={(9, start): 5})
    assert slot.free == 15
    assert slots_on(MONDAY, room, lab, occupied={(9, start): 20}) == []
    # A function works as well as a mapping.
    [slot] = slots_on(MONDAY, room, lab, occupied=lambda resource_id, at: 7)
    assert slot.free == 13


def test_resources_with_different_hours_merge_into_one_sorted_list():
    first = ResourceAgenda(1, week((9, 11)))
    second = ResourceAgenda(2, week((9.5, 11.5)))
    slots = slots_on(MONDAY, [second, first])
    assert labels(slots) == ["09:00", "09:30", "10:00", "10:30"]
    assert [s.resource_ids for s in slots] == [(1,), (2,), (1,), (2,)]


def test_spring_forward_no_slot_in_the_gap():
    resource = ResourceAgenda(1, week((0, 6), days=[6]))
    rules = Rules(duration=30, step=30, window_days=400)
    slots = slots_on(SPRING, [resource], rules)
    # 02:00-02:59 does not exist; 01:30-02:00 would end at a time that does not exist.
    assert labels(slots) == [
        "00:00",
        "00:30",
        "01:00",
        "03:00",
        "03:30",
        "04:00",
        "04:30",
        "05:00",
        "05:30",
    ]
    assert slots[0].start == datetime.datetime(2026, 3, 28, 23, 0, tzinfo=UTC)
    assert slots[3].start == datetime.datetime(2026, 3, 29, 1, 0, tzinfo=UTC)
    assert all(s.end - s.start == datetime.timedelta(minutes=30) for s in slots)


def test_fall_back_an_ambiguous_time_once_in_summer_time():
    resource = ResourceAgenda(1, week((0, 6), days=[6]))
    rules = Rules(duration=30, step=30, window_days=400)
    slots = slots_on(AUTUMN, [resource], rules)
    # 02:00-03:00 happens twice: offered once (the first, CEST); 02:30-03:00 would last 90
    # real minutes (it crosses the change) and is not offered.
    assert labels(slots) == [
        "00:00",
        "00:30",
        "01:00",
        "01:30",
        "02:00",
        "03:00",
        "03:30",
        "04:00",
        "04:30",
        "05:00",
        "05:30",
    ]
    assert len({s.start for s in slots}) == len(slots)
    two = slots[4]
    assert two.start == datetime.datetime(2026, 10, 25, 0, 0, tzinfo=UTC)
    assert two.local_start.utcoffset() == datetime.timedelta(hours=2)
    assert slots[5].start == datetime.datetime(2026, 10, 25, 2, 0, tzinfo=UTC)


def test_day_services_on_the_change_days_keep_their_local_times():
    resource = ResourceAgenda(1, week((9, 13)))
    for day, offset in ((SPRING, 2), (SPRING - datetime.timedelta(days=7), 1), (AUTUMN, 1)):
        slots = slots_on(day, [resource])
        assert labels(slots) == ["09:00", "10:00", "11:00", "12:00"]
        assert slots[0].start == datetime.datetime.combine(day, T(9 - offset), UTC)


def test_a_range_over_several_days_crossing_both_changes():
    resource = ResourceAgenda(1, week((9, 12)))
    rules = Rules(duration=60, step=60, window_days=400)
    slots = compute_slots(rules, [resource], D(2026, 3, 23), D(2026, 4, 5), EARLY)
    assert len(slots) == 14 * 3
    assert {s.local_start.hour for s in slots} == {9, 10, 11}


def test_local_instant():
    assert local_instant(SPRING, h(2.5)) is None
    assert local_instant(AUTUMN, h(2.5)) == datetime.datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    assert local_instant(MONDAY, h(9)) == datetime.datetime(2026, 6, 8, 7, 0, tzinfo=UTC)


def test_series_sessions():
    tuesday = D(2026, 6, 9)
    sessions = series_sessions(tuesday, [1], 10, T(17), T(18))
    assert len(sessions) == 10
    assert all(s.day.weekday() == 1 for s in sessions)
    assert sessions[-1].day == tuesday + datetime.timedelta(weeks=9)
    assert sessions[0].start == datetime.datetime(2026, 6, 9, 15, 0, tzinfo=UTC)
    camp = series_sessions(MONDAY, range(5), 1, T(9), T(13))
    assert [s.day for s in camp] == [MONDAY + datetime.timedelta(days=n) for n in range(5)]
    # From a Wednesday, "Monday for 2 weeks" is the next two Mondays.
    assert [s.day for s in series_sessions(D(2026, 6, 10), [0], 2, T(9), T(10))] == [
        D(2026, 6, 15),
        D(2026, 6, 22),
    ]
    [gap] = series_sessions(SPRING, [6], 1, T(2, 30), T(4))
    assert gap.start is None and gap.end is not None

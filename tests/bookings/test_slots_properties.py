"""Property tests of the slot computation (hypothesis): random weeks with breaks, closed dates,
one-off openings, blocked periods, buffers, notice and window, on dates around the changes of
time in Europe/Rome. Every slot lies inside a working range of a free resource, clear of
blocked periods and closed dates, within notice and window, sorted and unique, with a local
time that exists and lasts on the clock what it lasts in real time; and the fast computation
gives exactly what a minute-by-minute zoneinfo reference gives."""

import datetime
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from benecomune.bookings.slots import (
    ResourceAgenda,
    Rules,
    compute_slots,
    local_instant,
)

ROME = ZoneInfo("Europe/Rome")
UTC = datetime.UTC
CHANGES = [datetime.date(2026, 3, 29), datetime.date(2026, 10, 25), datetime.date(2027, 3, 28)]
QUARTER = 15


@st.composite
def day_ranges(draw, max_ranges=2):
    """Up to two non-overlapping ranges of a day, in minutes (quarter hours, night included)."""
    count = draw(st.integers(0, max_ranges))
    points = sorted(
        draw(
            st.lists(
                st.integers(0, 96).map(lambda q: q * QUARTER),
                min_size=2 * count,
                max_size=2 * count,
                unique=True,
            )
        )
    )
    return tuple((points[i], points[i + 1]) for i in range(0, len(points), 2))


@st.composite
def scenarios(draw):
    change = draw(st.sampled_from(CHANGES))
    first_day = change + datetime.timedelta(days=draw(st.integers(-4, 1)))
    last_day = first_day + datetime.timedelta(days=draw(st.integers(0, 5)))
    days = [first_day + datetime.timedelta(days=n) for n in range((last_day - first_day).days + 1)]
    resources = []
    for resource_id in range(1, draw(st.integers(1, 3)) + 1):
        week = {weekday: draw(day_ranges()) for weekday in range(7)}
        closed = frozenset(draw(st.lists(st.sampled_from(days), max_size=2)))
        openings = {
            day: draw(day_ranges()) for day in draw(st.lists(st.sampled_from(days), max_size=2))
        }
        blocked = []
        for _ in range(draw(st.integers(0, 3))):
            start = datetime.datetime.combine(draw(st.sampled_from(days)), datetime.time(), UTC)
            start += datetime.timedelta(minutes=draw(st.integers(-120, 1440)))
            blocked.append((start, start + datetime.timedelta(minutes=draw(st.integers(1, 600)))))
        resources.append(ResourceAgenda(resource_id, week, closed, openings, tuple(blocked)))
    rules = Rules(
        duration=draw(st.integers(1, 12)) * QUARTER,
        capacity=draw(st.integers(1, 3)),
        buffer_before=draw(st.sampled_from([0, 5, 15, 30])),
        buffer_after=draw(st.sampled_from([0, 10, 15, 60])),
        notice_minutes=draw(st.integers(0, 72 * 60)),
        window_days=draw(st.integers(1, 10)),
        step=draw(st.sampled_from([5, 10, 15, 20, 30, 45, 60, 90])),
    )
    now = datetime.datetime.combine(first_day, datetime.time(), UTC) + datetime.timedelta(
        minutes=draw(st.integers(-3 * 1440, 2 * 1440))
    )
    return rules, resources, first_day, last_day, now


def wall_minutes(instant: datetime.datetime) -> int:
    local = instant.astimezone(ROME)
    return local.hour * 60 + local.minute


def reference(rules, resources, first_day, last_day, now):
    """Minute-by-minute with zoneinfo for every candidate, no shortcut: {start: resources}."""
    found: dict[datetime.datetime, set] = {}
    day = first_day
    span = datetime.timedelta(minutes=rules.buffer_before + rules.duration + rules.buffer_after)
    while day <= last_day:
        for resource in resources:
            for low, high in resource.ranges_on(day):
                local = low + rules.buffer_before
                while local + rules.duration + rules.buffer_after <= high:
                    start = local_instant(day, local)
                    first = local_instant(day, local - rules.buffer_before)
                    last = local_instant(day, local + rules.duration + rules.buffer_after)
                    if start and first and last and last - first == span:
                        ok = now + datetime.timedelta(minutes=rules.notice_minutes) <= start
                        ok = ok and start <= now + datetime.timedelta(days=rules.window_days)
                        ok = ok and not any(b0 < last and b1 > first for b0, b1 in resource.blocked)
                        if ok:
                            found.setdefault(start, set()).add(resource.id)
                    local += rules.step
        day += datetime.timedelta(days=1)
    return found


@settings(max_examples=200, deadline=None)
@given(scenarios())
def test_every_slot_respects_the_agenda(scenario):
    rules, resources, first_day, last_day, now = scenario
    slots = compute_slots(rules, resources, first_day, last_day, now)
    by_id = {r.id: r for r in resources}
    starts = [s.start for s in slots]
    assert starts == sorted(set(starts))  # sorted and unique
    duration = datetime.timedelta(minutes=rules.duration)
    for slot in slots:
        assert slot.end - slot.start == duration
        assert slot.start >= now + datetime.timedelta(minutes=rules.notice_minutes)
        assert slot.start <= now + datetime.timedelta(days=rules.window_days)
        day = slot.local_start.date()
        assert first_day <= day <= last_day
        # An existing wall-clock time, and the first one when ambiguous.
        assert local_instant(day, wall_minutes(slot.start)) == slot.start
        assert slot.free == rules.capacity * len(slot.resource_ids)
        low = slot.start - datetime.timedelta(minutes=rules.buffer_before)
        high = slot.end + datetime.timedelta(minutes=rules.buffer_after)
        for resource_id in slot.resource_ids:
            resource = by_id[resource_id]
            assert day not in resource.closed
            begin = wall_minutes(slot.start) - rules.buffer_before
            finish = wall_minutes(slot.start) + rules.duration + rules.buffer_after
            assert any(a <= begin and finish <= b for a, b in resource.ranges_on(day))
            assert not any(b0 < high and b1 > low for b0, b1 in resource.blocked)


@settings(max_examples=120, deadline=None)
@given(scenarios())
def test_the_fast_computation_matches_the_reference(scenario):
    rules, resources, first_day, last_day, now = scenario
    slots = compute_slots(rules, resources, first_day, last_day, now)
    expected = reference(rules, resources, first_day, last_day, now)
    assert {s.start: set(s.resource_ids) for s in slots} == expected

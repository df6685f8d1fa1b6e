"""Available slots of a service, computed in pure Python (no database, no Django).

Input: the service's rules (`Rules`), for each resource that can deliver it its working week,
closed dates, one-off opening hours and blocked periods (`ResourceAgenda`), a date range,
"now", and optionally the seats already taken (`occupied`). Output: the sorted, unique slot
start instants with their free seats and the resources free at that time (`Slot`).

Rules, in order:
- A resource works on a date in its one-off opening hours if it has any that date, else in
  its week's ranges for that weekday; a closed date has no range. (The loader in
  services/agenda_reads.py folds the provider-wide exceptions into each resource.)
- Start times step by `step` minutes from the start of each range plus the buffer before; a
  slot's span with its buffers ([start - before, end + after]) lies inside the range and
  overlaps no blocked period of the resource.
- A slot starts no earlier than now + minimum notice, no later than now + window.
- Capacity is per slot and per resource: a slot offers `capacity - occupied` seats on each
  free resource; the slot's seats are their sum (for capacity 1: one seat per free
  resource). `occupied` maps (resource id, start instant in UTC) to seats taken, or is a
  function of them: bookings plug in there. A booking also keeps its resource busy: another
  service's booking reaches here as a blocked period (its span with its buffers), this
  service's own as `booked` starts (another start overlapping one is not offered).

Time: the times of day are wall-clock times of Europe/Rome, so a 9:00 opening stays at 9:00
across the change to and from summer time. Slots are generated in local time and turned into
UTC instants:
- a local time that does not exist (the spring-forward gap, 02:00-03:00 on the last Sunday of
  March) yields no slot;
- an ambiguous local time (02:00-03:00 on the last Sunday of October happens twice) yields
  the slot once, at its first occurrence (fold=0, still summer time): one start, one seat
  count, never two slots with the same label;
- a slot whose span (buffers included) crosses the change is not offered, since its real
  length would differ from its length on the clock.

Speed: days whose UTC offset is the same at both midnights (all but two a year) use integer
arithmetic on minutes; only the two change days go through zoneinfo minute by minute.
"""

from __future__ import annotations

import bisect
import datetime
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

ROME = ZoneInfo("Europe/Rome")
UTC = datetime.UTC
EPOCH = datetime.datetime(1970, 1, 1, tzinfo=UTC)
EPOCH_ORDINAL = datetime.date(1970, 1, 1).toordinal()
DAY_MINUTES = 1440
ONE_DAY = datetime.timedelta(days=1)

Range = tuple[int, int]  # minutes from local midnight: [start, end)


def minutes_of(value: datetime.time) -> int:
    return value.hour * 60 + value.minute


def _epoch_minutes_floor(instant: datetime.datetime) -> int:
    return int((instant - EPOCH).total_seconds() // 60)


def _epoch_minutes_ceil(instant: datetime.datetime) -> int:
    return -int(-(instant - EPOCH).total_seconds() // 60)


def _instant(minutes: int) -> datetime.datetime:
    return EPOCH + datetime.timedelta(minutes=minutes)


def _offset_minutes(day: datetime.date) -> int:
    """UTC offset of Europe/Rome at the local midnight starting `day` (always exists)."""
    offset = datetime.datetime(day.year, day.month, day.day, tzinfo=ROME).utcoffset()
    return int(offset.total_seconds() // 60)


def local_instant(day: datetime.date, minutes: int) -> datetime.datetime | None:
    """The UTC instant of `minutes` after local midnight of `day` in Europe/Rome; None when
    that wall-clock time does not exist (spring-forward gap). Ambiguous: the first one."""
    naive = datetime.datetime(day.year, day.month, day.day) + datetime.timedelta(minutes=minutes)
    aware = naive.replace(tzinfo=ROME)  # fold=0: the earlier of two, summer time
    instant = aware.astimezone(UTC)
    if instant.astimezone(ROME).replace(tzinfo=None) != naive:
        return None
    return instant


def wall_clock_exists(day: datetime.date, value: datetime.time) -> bool:
    return local_instant(day, minutes_of(value)) is not None


def _local_minute(day: datetime.date, minutes: int) -> int | None:
    instant = local_instant(day, minutes)
    return None if instant is None else _epoch_minutes_floor(instant)


@dataclass(frozen=True, slots=True)
class Rules:
    duration: int
    capacity: int = 1
    buffer_before: int = 0
    buffer_after: int = 0
    notice_minutes: int = 0
    window_days: int = 90
    step: int = 30


@dataclass(frozen=True)
class ResourceAgenda:
    id: int
    week: Mapping[int, tuple[Range, ...]]  # weekday (Monday 0) -> ranges
    closed: frozenset[datetime.date] = frozenset()
    openings: Mapping[datetime.date, tuple[Range, ...]] = field(default_factory=dict)
    blocked: tuple[tuple[datetime.datetime, datetime.datetime], ...] = ()
    # Starts of this service's own bookings on the resource: another start whose span
    # overlaps one is not offered (the same start is a seat, counted by `occupied`).
    booked: tuple[datetime.datetime, ...] = ()

    def ranges_on(self, day: datetime.date) -> tuple[Range, ...]:
        if day in self.closed:
            return ()
        ranges = self.openings.get(day)
        if ranges is not None:
            return ranges
        return self.week.get(day.weekday(), ())


@dataclass(frozen=True, slots=True)
class Slot:
    start: datetime.datetime  # aware, UTC
    end: datetime.datetime
    free: int
    resource_ids: tuple[int, ...]

    @property
    def local_start(self) -> datetime.datetime:
        return self.start.astimezone(ROME)

    @property
    def local_end(self) -> datetime.datetime:
        return self.end.astimezone(ROME)


def _merged(blocked: Iterable[tuple[datetime.datetime, datetime.datetime]]):
    """Blocked periods as disjoint sorted minute intervals: (starts, ends)."""
    spans = sorted(
        (_epoch_minutes_floor(start), _epoch_minutes_ceil(end)) for start, end in blocked
    )
    starts: list[int] = []
    ends: list[int] = []
    for start, end in spans:
        if ends and start <= ends[-1]:
            ends[-1] = max(ends[-1], end)
        else:
            starts.append(start)
            ends.append(end)
    return starts, ends


def _overlaps(starts: list[int], ends: list[int], low: int, high: int) -> bool:
    index = bisect.bisect_right(ends, low)
    return index < len(starts) and starts[index] < high


def _clashes(own: list[int], start: int, span: int) -> bool:
    """Whether a slot at `start` overlaps a booking of the same rules at another start: two
    spans of `span` minutes overlap when their starts are less than `span` apart."""
    index = bisect.bisect_right(own, start - span)
    while index < len(own) and own[index] < start + span:
        if own[index] != start:
            return True
        index += 1
    return False


def _seats_taken(occupied: Mapping):
    def taken(resource_id: int, instant: datetime.datetime) -> int:
        return occupied.get((resource_id, instant), 0)

    return taken


def _days(first_day: datetime.date, last_day: datetime.date):
    """(day, UTC minute of its local midnight if the day has no change else None)."""
    day = first_day
    offset = _offset_minutes(day)
    while day <= last_day:
        following = day + ONE_DAY
        next_offset = _offset_minutes(following)
        base = (day.toordinal() - EPOCH_ORDINAL) * DAY_MINUTES - offset
        yield day, (base if next_offset == offset else None)
        day, offset = following, next_offset


def compute_slots(
    rules: Rules,
    resources: Iterable[ResourceAgenda],
    first_day: datetime.date,
    last_day: datetime.date,
    now: datetime.datetime,
    occupied: Mapping[tuple[int, datetime.datetime], int]
    | Callable[[int, datetime.datetime], int]
    | None = None,
) -> list[Slot]:
    """The bookable slots starting on local dates first_day..last_day (both included).
    `occupied`: seats taken, as a mapping (resource id, UTC start) -> seats or a function of
    (resource id, UTC start)."""
    resources = list(resources)
    earliest = _epoch_minutes_ceil(now) + rules.notice_minutes
    latest = _epoch_minutes_floor(now) + rules.window_days * DAY_MINUTES
    first_day = max(first_day, _instant(earliest).astimezone(ROME).date())
    last_day = min(last_day, _instant(latest).astimezone(ROME).date())
    if first_day > last_day or not resources:
        return []
    before, after, duration, step = (
        rules.buffer_before,
        rules.buffer_after,
        rules.duration,
        max(rules.step, 1),
    )
    span = before + duration + after
    blocked = {resource.id: _merged(resource.blocked) for resource in resources}
    booked = {
        resource.id: sorted(_epoch_minutes_floor(start) for start in resource.booked)
        for resource in resources
    }
    taken = occupied if callable(occupied) else _seats_taken(occupied) if occupied else None
    found: dict[int, list] = {}  # start minute -> [free seats, [resource ids]]
    for day, base in _days(first_day, last_day):
        # The local day in UTC minutes, with a margin wider than any UTC offset of Rome.
        day_low = (day.toordinal() - EPOCH_ORDINAL) * DAY_MINUTES - 180
        day_high = day_low + DAY_MINUTES + 360
        for resource in resources:
            starts, ends = blocked[resource.id]
            own = booked[resource.id]
            if starts and not _overlaps(starts, ends, day_low, day_high):
                starts = None  # nothing blocked that day: no check per slot
            for range_start, range_end in resource.ranges_on(day):
                local = range_start + before
                last_local = range_end - after - duration
                while local <= last_local:
                    if base is not None:
                        start = base + local
                    else:
                        start = _local_minute(day, local)
                        low = _local_minute(day, local - before)
                        high = _local_minute(day, local + duration + after)
                        if start is None or low is None or high is None or high - low != span:
                            local += step
                            continue
                    local += step
                    if start < earliest or start > latest:
                        continue
                    if starts and _overlaps(starts, ends, start - before, start + duration + after):
                        continue
                    if own and _clashes(own, start, span):
                        continue
                    free = rules.capacity
                    if taken is not None:
                        free -= taken(resource.id, _instant(start))
                        if free <= 0:
                            continue
                    entry = found.get(start)
                    if entry is None:
                        found[start] = [free, [resource.id]]
                    elif resource.id not in entry[1]:
                        entry[0] += free
                        entry[1].append(resource.id)
    return [
        Slot(
            start=_instant(start),
            end=_instant(start + duration),
            free=found[start][0],
            resource_ids=tuple(sorted(found[start][1])),
        )
        for start in sorted(found)
    ]


@dataclass(frozen=True, slots=True)
class Session:
    """One meeting of a series: its local date and its instants (None: the time does not
    exist that day, in the spring-forward gap)."""

    day: datetime.date
    start: datetime.datetime | None
    end: datetime.datetime | None


def series_sessions(
    first_day: datetime.date,
    weekdays: Iterable[int],
    weeks: int,
    starts_at: datetime.time,
    ends_at: datetime.time,
) -> list[Session]:
    """The meetings of a series: in each of `weeks` weeks counted from `first_day` (seven
    days each, so "every Tuesday for 10 weeks" is ten Tuesdays), on each given weekday."""
    wanted = set(weekdays)
    start_minutes, end_minutes = minutes_of(starts_at), minutes_of(ends_at)
    sessions = []
    for offset in range(weeks * 7):
        day = first_day + datetime.timedelta(days=offset)
        if day.weekday() in wanted:
            sessions.append(
                Session(day, local_instant(day, start_minutes), local_instant(day, end_minutes))
            )
    return sessions

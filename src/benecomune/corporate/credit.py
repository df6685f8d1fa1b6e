"""An employee's credit under a plan version: the first group (by position) whose criteria
the employee meets, its credit, then the version's pro-rata rule. Integer cents, rounded down.

Months of service: the period is cut into 12 slots of a month from its first day; a slot
counts when the employee was in service on at least 15 of its days (or on all of them, for a
slot shorter than that: never, since a month has at least 28 days). Part-time: the credit
times the percentage. Both rules apply with one rounding at the end.
"""

from calendar import monthrange
from dataclasses import dataclass
from datetime import date, timedelta

from benecomune.corporate.models import Employee, PlanGroup, PlanVersion, ProRata

MIN_DAYS_FOR_A_MONTH = 15


def add_months(day: date, months: int) -> date:
    """The same day `months` later (the month's last day when it has no such day)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, monthrange(year, month)[1]))


def months_between(start: date, end: date) -> int:
    """Whole months from `start` to `end` (seniority)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    if add_months(start, months) > end:
        months -= 1
    return months


def period_end(starts_on: date) -> date:
    """The last day of the 12 months starting on `starts_on`."""
    return add_months(starts_on, 12) - timedelta(days=1)


def group_matches(group: PlanGroup, employee: Employee, period_start: date) -> bool:
    if group.category and group.category != employee.category:
        return False
    if group.level and group.level.casefold() != employee.level.casefold():
        return False
    if group.site and group.site.casefold() != employee.site.casefold():
        return False
    if group.min_seniority_months:
        if employee.hired_on > period_start:
            return False
        if months_between(employee.hired_on, period_start) < group.min_seniority_months:
            return False
    return True


def group_for(version: PlanVersion, employee: Employee, groups=None) -> PlanGroup | None:
    groups = groups if groups is not None else list(version.group_rows())
    for group in sorted(groups, key=lambda g: (g.position, g.pk)):
        if group_matches(group, employee, version.starts_on):
            return group
    return None


def months_of_service(employee: Employee, starts_on: date, ends_on: date) -> int:
    months = 0
    for index in range(12):
        slot_start = add_months(starts_on, index)
        slot_end = min(add_months(starts_on, index + 1) - timedelta(days=1), ends_on)
        if slot_start > ends_on:
            break
        first = max(slot_start, employee.hired_on)
        last = min(slot_end, employee.left_on or slot_end)
        if last >= first and (last - first).days + 1 >= MIN_DAYS_FOR_A_MONTH:
            months += 1
    return months


@dataclass(frozen=True)
class Credit:
    group: PlanGroup | None
    full: int  # the group's credit, cents
    months: int  # months of service counted (12 without that rule)
    part_time_percent: int  # 100 without that rule
    amount: int  # what the employee gets, cents


def credit_for(version: PlanVersion, employee: Employee, groups=None) -> Credit:
    group = group_for(version, employee, groups)
    if group is None:
        return Credit(None, 0, 0, 0, 0)
    months, percent = 12, 100
    if version.pro_rata in (ProRata.MONTHS, ProRata.MONTHS_AND_PART_TIME):
        months = months_of_service(employee, version.starts_on, version.ends_on)
    if version.pro_rata in (ProRata.PART_TIME, ProRata.MONTHS_AND_PART_TIME):
        percent = employee.part_time_percent
    amount = group.credit * months * percent // (12 * 100)
    return Credit(group, group.credit, months, percent, amount)

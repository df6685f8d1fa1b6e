"""An employee's credit under a plan version: group by objective criteria, then pro-rata by
months of service (a month counts with at least 15 days) and by part-time percentage."""

import datetime

import pytest

from benecomune.corporate.credit import add_months, credit_for, months_of_service, period_end
from benecomune.corporate.models import Employee, PlanGroup, PlanVersion

D = datetime.date


def employee(hired, left=None, *, category="operaio", part=100, site="Piazzola", level="3"):
    return Employee(
        hired_on=hired,
        left_on=left,
        category=category,
        part_time_percent=part,
        site=site,
        level=level,
    )


JAN_1 = D(2026, 1, 1)


def version(pro_rata="months", starts=JAN_1):
    return PlanVersion(starts_on=starts, ends_on=period_end(starts), pro_rata=pro_rata)


GROUPS = [
    PlanGroup(pk=1, position=1, name="Operai", category="operaio", credit=60_000),
    PlanGroup(pk=2, position=2, name="Anziani", min_seniority_months=60, credit=50_000),
    PlanGroup(pk=3, position=3, name="Tutti", credit=40_000),
]


def test_a_period_is_any_twelve_months():
    assert period_end(D(2026, 4, 1)) == D(2027, 3, 31)
    assert period_end(D(2026, 1, 31)) == D(2027, 1, 30)
    assert add_months(D(2026, 1, 31), 1) == D(2026, 2, 28)


@pytest.mark.parametrize(
    ("hired", "left", "months"),
    [
        (D(2020, 1, 1), None, 12),  # in service all year
        (D(2026, 7, 1), None, 6),  # hired on 1 July
        (D(2026, 7, 17), None, 6),  # hired on 17 July: 15 days in July, it counts
        (D(2026, 7, 18), None, 5),  # 14 days in July: it does not count
        (D(2020, 1, 1), D(2026, 3, 31), 3),  # left at the end of March
        (D(2020, 1, 1), D(2026, 3, 14), 2),  # 14 days of March do not count
        (D(2026, 5, 1), D(2026, 8, 31), 4),  # hired and left within the period
        (D(2027, 2, 1), None, 0),  # hired after the period
    ],
)
def test_months_of_service_in_the_period(hired, left, months):
    assert months_of_service(employee(hired, left), D(2026, 1, 1), D(2026, 12, 31)) == months


@pytest.mark.parametrize(
    ("pro_rata", "hired", "part", "amount"),
    [
        ("none", D(2026, 7, 1), 50, 60_000),
        ("months", D(2026, 7, 1), 50, 30_000),
        ("part_time", D(2026, 7, 1), 50, 30_000),
        ("months_part_time", D(2026, 7, 1), 50, 15_000),
        ("months", D(2026, 2, 1), 100, 55_000),
        ("months_part_time", D(2026, 2, 1), 75, 41_250),
        ("months", D(2026, 12, 1), 100, 5_000),
    ],
)
def test_pro_rata_rules(pro_rata, hired, part, amount):
    credit = credit_for(version(pro_rata), employee(hired, part=part), GROUPS)
    assert credit.group.name == "Operai"
    assert credit.amount == amount


def test_pro_rata_rounds_down_to_the_cent():
    groups = [PlanGroup(pk=1, position=1, name="Tutti", credit=10_001)]
    credit = credit_for(version("months_part_time"), employee(D(2026, 2, 1), part=33), groups)
    assert credit.amount == 10_001 * 11 * 33 // 1200  # 3025, never a fraction of a cent


def test_first_matching_group_by_position_and_seniority_at_period_start():
    clerk_old = employee(D(2015, 1, 1), category="impiegato")
    clerk_new = employee(D(2024, 1, 1), category="impiegato")
    assert credit_for(version("none"), clerk_old, GROUPS).group.name == "Anziani"
    assert credit_for(version("none"), clerk_new, GROUPS).group.name == "Tutti"


def test_no_matching_group_means_no_credit():
    groups = [PlanGroup(pk=1, position=1, name="Sede di Limena", site="Limena", credit=1)]
    assert credit_for(version(), employee(D(2020, 1, 1)), groups).amount == 0

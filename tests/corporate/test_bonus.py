"""Productivity bonus conversion into welfare credit: the limits of L. 199/2025 art. 1 c. 9
(EUR 5,000 a year for 2026-2027, income of the year before not above EUR 80,000) as data
rows; bad input refused in Italian with nothing changed; converted credit in its own wallet."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from benecomune.core.actors import Actor
from benecomune.core.models import User
from benecomune.corporate.models import (
    AllocationKind,
    BonusConversion,
    BonusRule,
    CreditAllocation,
    Employee,
    ProductivityBonus,
)
from benecomune.corporate.services import allocation, bonus, funding
from tests.corporate.conftest import pay

pytestmark = pytest.mark.django_db

NEED = 60_000 + 40_000 + 40_000 + 35_000


@pytest.fixture
def giulia(imported):
    employee = Employee.objects_unscoped.select_related("person").get(employee_number="MB002")
    user = User.objects.create_user("giulia@example.org", "x", person=employee.person)
    return employee, Actor(user=user)


def test_the_law_is_data_rows_by_year():
    rows = {r.year: (r.cap, r.income_limit) for r in BonusRule.objects.all()}
    assert rows[2026] == rows[2027] == (500_000, 8_000_000)
    assert "199/2025" in BonusRule.objects.get(year=2026).reference


CASES = [
    # id (with the legal reference), bonus, amount, income declared, field, message
    ("L199_2025_c9_within_cap_ok", 300_000, 200_000, True, None, None),
    ("L199_2025_c9_whole_bonus_at_cap_ok", 500_000, 500_000, True, None, None),
    ("L199_2025_c9_over_cap_5000_refused", 700_000, 500_001, True, "amount", "al massimo"),
    ("L199_2025_c9_over_bonus_refused", 300_000, 300_001, True, "amount", "più del premio"),
    ("L199_2025_c9_zero_refused", 300_000, 0, True, "amount", "più di zero"),
    (
        "L199_2025_c9_income_80000_not_declared",
        300_000,
        100_000,
        False,
        "income_declared",
        "80.000",
    ),
]


@pytest.mark.parametrize(
    "bonus_amount,amount,declared,field,message",
    [pytest.param(*case[1:], id=case[0]) for case in CASES],
)
def test_conversion_limits(
    approved_plan, hr_operator, giulia, bonus_amount, amount, declared, field, message
):
    employee, actor = giulia
    entry = bonus.record_bonus(hr_operator, employee, year=2026, amount=bonus_amount)
    if field is None:
        conversion = bonus.convert_bonus(actor, entry, amount=amount, income_declared=declared)
        assert conversion.amount == amount and conversion.version == approved_plan
        assert conversion.income_year == 2025
        return
    with pytest.raises(ValidationError) as exc:
        bonus.convert_bonus(actor, entry, amount=amount, income_declared=declared)
    assert message in " ".join(exc.value.message_dict[field])
    assert not BonusConversion.objects_unscoped.exists()


def test_L199_2025_c9_conversion_is_chosen_once(approved_plan, hr_operator, giulia):
    employee, actor = giulia
    entry = bonus.record_bonus(hr_operator, employee, year=2026, amount=300_000)
    bonus.convert_bonus(actor, entry, amount=100_000, income_declared=True)
    with pytest.raises(ValidationError, match="già scelto"):
        bonus.convert_bonus(actor, entry, amount=100_000, income_declared=True)
    with pytest.raises(ValidationError, match="già convertito"):
        bonus.record_bonus(hr_operator, employee, year=2026, amount=400_000)
    assert BonusConversion.objects_unscoped.get().amount == 100_000


def test_L199_2025_c9_a_year_without_rules_is_refused(approved_plan, hr_operator, giulia):
    employee, _actor = giulia
    with pytest.raises(ValidationError, match="2030"):
        bonus.record_bonus(hr_operator, employee, year=2030, amount=100_000)


def test_only_the_employee_converts_their_bonus(
    approved_plan, hr_operator, hr_admin, giulia, imported
):
    employee, _actor = giulia
    entry = bonus.record_bonus(hr_operator, employee, year=2026, amount=300_000)
    other = Employee.objects_unscoped.select_related("person").get(employee_number="MB001")
    stranger = Actor(user=User.objects.create_user("luca@example.org", "x", person=other.person))
    for actor in (hr_admin, stranger):
        with pytest.raises(PermissionDenied):
            bonus.convert_bonus(actor, entry, amount=1, income_declared=True)


def test_without_a_current_plan_nothing_is_converted(draft_plan, hr_operator, giulia):
    employee, actor = giulia
    entry = bonus.record_bonus(hr_operator, employee, year=2026, amount=300_000)
    with pytest.raises(ValidationError, match="piano di welfare approvato"):
        bonus.convert_bonus(actor, entry, amount=1_000, income_declared=True)


def test_converted_credit_is_allocated_to_a_separate_wallet(
    approved_plan, hr_operator, hr_admin, giulia
):
    employee, actor = giulia
    entry = bonus.record_bonus(hr_operator, employee, year=2026, amount=300_000)
    conversion = bonus.convert_bonus(actor, entry, amount=120_000, income_declared=True)
    [request] = funding.request_funding(hr_admin, approved_plan, schedule="single")
    assert request.amount == NEED + 120_000
    pay(hr_admin, request, ref="B1", day=request.due_on)
    allocation.allocate(hr_admin, approved_plan)
    conversion.refresh_from_db()
    plan_wallet = allocation.plan_wallets(approved_plan, employee).get()
    assert conversion.wallet_id and conversion.wallet_id != plan_wallet.pk
    assert conversion.wallet.source_id == plan_wallet.source_id == str(approved_plan.pk)
    assert conversion.wallet.source_kind == plan_wallet.source_kind
    rows = CreditAllocation.objects_unscoped.filter(employee=employee)
    assert {(r.kind, r.amount) for r in rows} == {
        (AllocationKind.PLAN, 40_000),
        (AllocationKind.BONUS, 120_000),
    }
    figures = funding.plan_figures(approved_plan)
    assert (figures["allocated_plan"], figures["allocated_bonus"]) == (NEED, 120_000)


def test_two_years_converted_into_one_version_share_one_bonus_wallet(
    approved_plan, hr_operator, hr_admin, giulia
):
    employee, actor = giulia
    for year, amount in ((2026, 50_000), (2027, 70_000)):
        entry = bonus.record_bonus(hr_operator, employee, year=year, amount=amount)
        bonus.convert_bonus(actor, entry, amount=amount, income_declared=True)
    [request] = funding.request_funding(hr_admin, approved_plan, schedule="single")
    pay(hr_admin, request, ref="B2", day=request.due_on)
    allocation.allocate(hr_admin, approved_plan)
    wallets = set(BonusConversion.objects_unscoped.values_list("wallet_id", flat=True))
    assert len(wallets) == 1 and None not in wallets
    bonus_rows = CreditAllocation.objects_unscoped.filter(kind=AllocationKind.BONUS)
    assert [r.amount for r in bonus_rows] == [120_000]


def test_bonus_import_is_all_or_nothing(imported, hr_operator, approved_plan, giulia):
    from benecomune.corporate.services.bonus_import import import_bonuses

    bad = (
        "\ufeffmatricola;anno;importo\r\nMB001;2026;1.500,00\r\nMB999;2026;100\r\n"
        "MB001;2026;200\r\nMB002;2030;abc\r\n"
    ).encode()
    with pytest.raises(ValidationError) as exc:
        import_bonuses(hr_operator, imported, bad)
    text = " ".join(exc.value.messages)
    for expected in ("Riga 3", "sconosciuta", "Riga 4", "ripetuto", "Riga 5", "2030"):
        assert expected in text
    assert not ProductivityBonus.objects_unscoped.exists()
    good = b'matricola,anno,importo\nMB001,2026,"1.500,00"\nMB002,2027,800\n'
    assert import_bonuses(hr_operator, imported, good) == 2
    assert sorted(ProductivityBonus.objects_unscoped.values_list("amount", flat=True)) == [
        80_000,
        150_000,
    ]

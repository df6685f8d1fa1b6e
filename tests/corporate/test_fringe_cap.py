"""The fringe-benefit cap of art. 51 c.3 TUIR (2025-2027: EUR 1,000; EUR 2,000 with dependent
children), counted on every c.3 hold of a plan wallet plus what the employee declared from
payroll or other sources; warned from 80 %, refused beyond."""

import datetime

import pytest
from django.utils import timezone

from benecomune.corporate.models import FringeCap, FringeUsage
from benecomune.corporate.services import declarations, fringe
from benecomune.ledger.exceptions import NotSpendable
from benecomune.ledger.services import holds, statements
from tests.corporate.conftest import fiscal_code
from tests.corporate.plan_wallet import approved_version, open_plan_wallet
from tests.ledger.conftest import ledger_stays_sound  # noqa: F401

pytestmark = pytest.mark.django_db
YEAR = timezone.localdate().year


@pytest.fixture
def fringe_wallet(system_actor, hr_operator, hr_admin, company, employee):
    version = approved_version(
        hr_operator, hr_admin, company, [("art51_c3_goods", "platform", None)]
    )
    return open_plan_wallet(system_actor, version, employee, 300_000)


def _buy(actor, wallet, shop, amount, key):
    return holds.authorise(actor, wallet=wallet, merchant=shop, amount=amount, idempotency_key=key)


def test_caps_are_data_rows_for_2025_to_2027():
    rows = {r.tax_year: (r.cap, r.cap_with_children) for r in FringeCap.objects.all()}
    assert rows == dict.fromkeys((2025, 2026, 2027), (100000, 200000))


def test_art51_c3_cap_1000_without_children(system_actor, employee, fringe_wallet, make_provider):
    shop = make_provider("Alimentari", category="grocery")
    _buy(system_actor, fringe_wallet, shop, 70_000, "f1")
    status = fringe.cap_status(employee, YEAR)
    assert (status.cap, status.used, status.warn) == (100_000, 70_000, False)
    _buy(system_actor, fringe_wallet, shop, 10_000, "f2")
    assert fringe.cap_status(employee, YEAR).warn  # 80 %
    available = statements.available(fringe_wallet.account)
    with pytest.raises(NotSpendable, match="soglia dei fringe benefit"):
        _buy(system_actor, fringe_wallet, shop, 20_001, "f3")
    # Nothing changed: no hold, the counter as before.
    assert statements.available(fringe_wallet.account) == available
    assert FringeUsage.objects_unscoped.get(employee=employee).used == 80_000
    _buy(system_actor, fringe_wallet, shop, 20_000, "f4")  # exactly at the cap
    assert fringe.cap_status(employee, YEAR).left == 0


def test_art51_c3_cap_2000_with_declared_dependent_child(
    system_actor, employee, employee_actor, fringe_wallet, make_provider
):
    declarations.declare_child(
        employee_actor,
        employee,
        fiscal_code=fiscal_code("Anna", "Bianchi", "F", "01/06/2015"),
        full_name="Anna Bianchi",
        tax_year=YEAR,
    )
    shop = make_provider("Alimentari", category="grocery")
    _buy(system_actor, fringe_wallet, shop, 150_000, "c1")
    status = fringe.cap_status(employee, YEAR)
    assert (status.cap, status.with_children, status.left) == (200_000, True, 50_000)
    with pytest.raises(NotSpendable):
        _buy(system_actor, fringe_wallet, shop, 50_001, "c2")


def test_art51_c3_payroll_fringe_declared_counts(
    system_actor, employee, employee_actor, fringe_wallet, make_provider
):
    declarations.declare_other_fringe_benefit(
        employee_actor,
        employee,
        amount=60_000,
        source="Buoni carburante in busta paga",
        received_on=datetime.date(YEAR, 3, 1),
    )
    shop = make_provider("Alimentari", category="grocery")
    with pytest.raises(NotSpendable, match="ne restano € 400,00"):
        _buy(system_actor, fringe_wallet, shop, 40_001, "p1")
    _buy(system_actor, fringe_wallet, shop, 40_000, "p2")
    status = fringe.cap_status(employee, YEAR)
    assert (status.platform, status.declared, status.left) == (40_000, 60_000, 0)


def test_released_hold_gives_the_cap_back(system_actor, employee, fringe_wallet, make_provider):
    shop = make_provider("Alimentari", category="grocery")
    hold = _buy(system_actor, fringe_wallet, shop, 90_000, "r1")
    holds.capture(
        system_actor,
        hold,
        wallet=fringe_wallet,
        merchant=shop,
        amount=30_000,
        idempotency_key="r1-capture",
    )
    # 60 euro not captured went back to the wallet and to the cap.
    assert fringe.cap_status(employee, YEAR).platform == 30_000


def test_plan_limit_per_category(
    system_actor, hr_operator, hr_admin, company, employee, make_provider
):
    version = approved_version(
        hr_operator, hr_admin, company, [("art51_c3_goods", "platform", 25_000)]
    )
    wallet = open_plan_wallet(system_actor, version, employee, 100_000)
    shop = make_provider("Alimentari", category="grocery")
    _buy(system_actor, wallet, shop, 20_000, "l1")
    with pytest.raises(NotSpendable, match="al massimo € 250,00"):
        _buy(system_actor, wallet, shop, 5_001, "l2")

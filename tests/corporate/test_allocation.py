"""Allocating a plan's credit: all or nothing per run against what is funded, pro-rata,
idempotent on re-run (new hires get theirs, nobody twice), leavers reported, a wallet per
employee with the plan's source and period."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from benecomune.corporate.models import AllocationKind, AllocationRun, CreditAllocation, RunStatus
from benecomune.corporate.services import allocation, funding, roster
from benecomune.ledger.models import Transfer, TransferKind, Wallet, WalletSource
from benecomune.ledger.services.invariants import check_invariants

from .conftest import PEOPLE, roster_csv

pytestmark = pytest.mark.django_db

NEED = 60_000 + 40_000 + 40_000 + 35_000
DAY = datetime.date(2026, 2, 3)


def fund(hr_admin, version, amount, ref="CRO1"):
    requests = funding.FundingRequest.objects_unscoped.filter(version=version)
    request = requests.first() or funding.request_funding(hr_admin, version, schedule="single")[0]
    # Some tests fund more than the need on purpose: the excess is confirmed.
    funding.record_payment(
        hr_admin, request, amount=amount, received_on=DAY, bank_reference=ref, accept_excess=True
    )


def credits(version):
    return {
        a.employee.employee_number: a.amount
        for a in CreditAllocation.objects_unscoped.filter(version=version).select_related(
            "employee"
        )
    }


def test_allocation_pays_each_employee_their_pro_rata_credit(imported, approved_plan, hr_admin):
    fund(hr_admin, approved_plan, NEED)
    summary = allocation.allocate(hr_admin, approved_plan)
    assert summary["paid_count"] == 4 and summary["paid_total"] == NEED
    assert credits(approved_plan) == {
        "MB001": 60_000,
        "MB002": 40_000,
        "MB003": 40_000,
        "MB004": 35_000,
    }
    wallets = Wallet.objects_unscoped.filter(source_kind=WalletSource.COMPANY_PLAN)
    assert wallets.count() == 4
    wallet = wallets.first()
    assert wallet.source_type == "corporate.planversion"
    assert wallet.source_id == str(approved_plan.pk)
    assert wallet.organization_id == imported.pk
    assert (wallet.valid_from, wallet.valid_until) == (
        approved_plan.starts_on,
        approved_plan.ends_on,
    )
    assert wallet.allowed_categories
    figures = funding.plan_figures(approved_plan)
    assert (figures["allocated"], figures["available"], figures["reserved"]) == (NEED, 0, 0)
    assert check_invariants() == []


def test_not_enough_funding_allocates_nothing_and_says_how_much_is_missing(
    imported, approved_plan, hr_admin
):
    fund(hr_admin, approved_plan, NEED - 1)
    with pytest.raises(ValidationError, match="mancano € 0,01"):
        allocation.allocate(hr_admin, approved_plan)
    assert not CreditAllocation.objects_unscoped.exists()
    assert not AllocationRun.objects_unscoped.exists()
    assert funding.plan_figures(approved_plan)["reserved"] == 0


def test_a_rerun_pays_nobody_twice_and_a_new_hire_gets_theirs(
    imported, approved_plan, hr_admin, hr_operator
):
    fund(hr_admin, approved_plan, NEED + 100_000)
    allocation.allocate(hr_admin, approved_plan)
    again = allocation.allocate(hr_admin, approved_plan)
    assert (again["paid_count"], again["paid_total"]) == (0, 0)
    newcomer = (
        "Anna",
        "Costa",
        "F",
        "09/09/1990",
        "MB005",
        "impiegato",
        "4",
        "Limena",
        "01/10/2026",
        100,
    )
    roster.import_roster(
        hr_operator, imported, roster_csv([*PEOPLE, newcomer]), base_url="http://testserver"
    )
    third = allocation.allocate(hr_admin, approved_plan)
    assert (third["paid_count"], third["paid_total"]) == (1, 10_000)  # Oct-Dec: 3/12 of 400 €
    assert credits(approved_plan)["MB005"] == 10_000
    assert CreditAllocation.objects_unscoped.count() == 5
    awards = Transfer.objects_unscoped.filter(kind=TransferKind.AWARD)
    assert sum(awards.values_list("amount", flat=True)) == NEED + 10_000
    assert check_invariants() == []


def test_a_leaver_gets_the_pro_rata_and_credit_paid_is_not_taken_back(
    imported, approved_plan, hr_admin, hr_operator
):
    roster.import_roster(
        hr_operator,
        imported,
        roster_csv(overrides={0: {"left": "31/03/2026"}}),
        base_url="http://testserver",
    )
    fund(hr_admin, approved_plan, NEED)
    allocation.allocate(hr_admin, approved_plan)
    assert credits(approved_plan)["MB001"] == 15_000  # January-March: 3/12 of 600 €
    roster.import_roster(
        hr_operator,
        imported,
        roster_csv(overrides={0: {"left": "31/03/2026"}, 2: {"left": "28/02/2026"}}),
        base_url="http://testserver",
    )
    run = allocation.start_allocation(hr_admin, approved_plan)
    assert run.planned_total == 0
    assert "cessati" in run.message
    assert credits(approved_plan)["MB003"] == 40_000


def test_a_running_allocation_refuses_a_second_one(imported, approved_plan, hr_admin):
    fund(hr_admin, approved_plan, 2 * NEED)
    run = allocation.start_allocation(hr_admin, approved_plan)
    with pytest.raises(ValidationError, match="già un'assegnazione in corso"):
        allocation.start_allocation(hr_admin, approved_plan)
    allocation.execute_allocation(hr_admin, run)
    run.refresh_from_db()
    assert run.status == RunStatus.DONE
    assert funding.plan_figures(approved_plan)["available"] == NEED


def test_an_abandoned_run_gives_its_reservation_back(imported, approved_plan, hr_admin):
    fund(hr_admin, approved_plan, NEED)
    run = allocation.start_allocation(hr_admin, approved_plan)
    AllocationRun.objects_unscoped.filter(pk=run.pk).update(
        started_at=run.started_at - allocation.STALE_AFTER - datetime.timedelta(minutes=1)
    )
    summary = allocation.allocate(hr_admin, approved_plan)
    assert summary["paid_total"] == NEED
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED
    assert funding.plan_figures(approved_plan)["reserved"] == 0


def test_the_operator_cannot_allocate(imported, approved_plan, hr_operator):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        allocation.start_allocation(hr_operator, approved_plan)


def test_the_plan_kind_of_credit_is_recorded(imported, approved_plan, hr_admin):
    fund(hr_admin, approved_plan, NEED)
    allocation.allocate(hr_admin, approved_plan)
    assert set(CreditAllocation.objects_unscoped.values_list("kind", flat=True)) == {
        AllocationKind.PLAN
    }

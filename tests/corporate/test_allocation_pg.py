"""PostgreSQL: two allocation runs started at the same moment never pay an employee twice nor
more than the plan's fund holds; with too little money neither pays anything."""

import pytest
from django.core.exceptions import ValidationError

from benecomune.corporate.models import AllocationRun, CreditAllocation, RunStatus
from benecomune.corporate.services import allocation, funding
from benecomune.ledger.models import Transfer, TransferKind
from benecomune.ledger.services.invariants import check_invariants
from tests.helpers import run_parallel

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _reference_rows(reference_rows):
    """The legal bases, bonus rules and caps, put back after other tests' flush."""


NEED = 60_000 + 40_000 + 40_000 + 35_000
DAY = __import__("datetime").date(2026, 2, 3)


def funded(hr_admin, version, amount):
    [request] = funding.request_funding(hr_admin, version, schedule="single")
    # 2 * NEED: an excess the test means (two runs could both pay, if they did not lock).
    funding.record_payment(
        hr_admin, request, amount=amount, received_on=DAY, bank_reference="P1", accept_excess=True
    )


@pytest.mark.parametrize("rounds", range(3))
def test_two_runs_at_once_pay_each_employee_once(imported, approved_plan, hr_admin, rounds):
    funded(hr_admin, approved_plan, 2 * NEED)  # enough for both, if they both paid
    results, errors = run_parallel(2, lambda _i: allocation.allocate(hr_admin, approved_plan))
    assert all(isinstance(e, ValidationError) and "in corso" in e.messages[0] for e in errors)
    assert sum(r["paid_total"] for r in results) == NEED
    rows = CreditAllocation.objects_unscoped.all()
    assert rows.count() == 4 and rows.values("employee").distinct().count() == 4
    awards = Transfer.objects_unscoped.filter(kind=TransferKind.AWARD)
    assert sum(awards.values_list("amount", flat=True)) == NEED
    figures = funding.plan_figures(approved_plan)
    assert (figures["available"], figures["reserved"]) == (NEED, 0)
    assert not AllocationRun.objects_unscoped.filter(status=RunStatus.RUNNING).exists()
    assert check_invariants() == []


def test_two_runs_at_once_never_exceed_the_funding(imported, approved_plan, hr_admin):
    funded(hr_admin, approved_plan, NEED - 1)
    results, errors = run_parallel(2, lambda _i: allocation.allocate(hr_admin, approved_plan))
    assert results == [] and len(errors) == 2
    assert not CreditAllocation.objects_unscoped.exists()
    assert funding.plan_figures(approved_plan)["available"] == NEED - 1
    assert check_invariants() == []

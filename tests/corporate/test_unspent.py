"""Unspent credit at the end of the period: back to the company (the plan's fund) or carried
over into the next version's wallet within the law (next period only, employees still in
service, bonus credit apart); idempotent; the ledger stays sound."""

import datetime

import pytest
from django.core.management import call_command

from benecomune.corporate.models import AllocationKind, CreditAllocation
from benecomune.corporate.services import allocation, funding, plans, roster, unspent
from benecomune.ledger.models import Transfer, TransferKind, Wallet
from benecomune.ledger.services.invariants import check_invariants

from .conftest import roster_csv

pytestmark = pytest.mark.django_db

NEED = 60_000 + 40_000 + 40_000 + 35_000
DAY = datetime.date(2026, 2, 3)
AFTER = datetime.date(2027, 1, 1)


def funded_and_allocated(hr_admin, version, amount=NEED, ref="U1"):
    [request] = funding.request_funding(hr_admin, version, schedule="single")
    # NEED on every version: a following one asks less (its carried-in credit), the excess is meant.
    funding.record_payment(
        hr_admin, request, amount=amount, received_on=DAY, bank_reference=ref, accept_excess=True
    )
    allocation.allocate(hr_admin, version)


def test_back_to_the_company_at_the_end(imported, approved_plan, hr_admin):
    funded_and_allocated(hr_admin, approved_plan)
    with pytest.raises(Exception, match="non è ancora finito"):
        unspent.settle_unspent(hr_admin, approved_plan, today=approved_plan.ends_on)
    summary = unspent.settle_unspent(hr_admin, approved_plan, today=AFTER)
    assert (summary["returned"], summary["carried"]) == (NEED, 0)
    figures = funding.plan_figures(approved_plan)
    assert figures["returned"] == NEED and figures["available"] == NEED
    again = unspent.settle_unspent(hr_admin, approved_plan, today=AFTER)
    assert again["returned"] == NEED  # the same money, nothing moved twice
    assert Transfer.objects_unscoped.filter(kind=TransferKind.EXPIRY).count() == 4
    assert check_invariants() == []


@pytest.fixture
def carry_plan(draft_plan, hr_operator, hr_admin):
    plans.update_version(hr_operator, draft_plan, unspent="carry_over")
    plans.submit(hr_operator, draft_plan)
    return plans.approve(hr_admin, draft_plan)


def test_carried_over_into_the_next_version_for_employees_still_in_service(
    imported, carry_plan, hr_admin, hr_admin2, hr_operator
):
    funded_and_allocated(hr_admin, carry_plan)
    following = plans.new_version(hr_operator, carry_plan)
    plans.update_version(hr_operator, following, starts_on=AFTER)
    plans.submit(hr_operator, following)
    plans.approve(hr_admin, following)
    # Marco leaves on the last day of the period: his unspent credit goes back to the company.
    roster.import_roster(
        hr_operator,
        imported,
        roster_csv(overrides={2: {"left": "31/12/2026"}}),
        base_url="http://testserver",
    )
    summary = unspent.settle_unspent(hr_admin, carry_plan, today=AFTER)
    assert summary["returned"] == NEED
    assert summary["carried"] == NEED - 40_000 and summary["employees"] == 3
    rows = CreditAllocation.objects_unscoped.filter(kind=AllocationKind.CARRY_OVER)
    assert {r.version_id for r in rows} == {following.pk}
    wallet = rows.first().wallet
    assert wallet.source_id == str(following.pk) and wallet.valid_from == AFTER
    assert unspent.settle_unspent(hr_admin, carry_plan, today=AFTER)["carried"] == 0  # no twice
    assert rows.count() == 3
    # The next version's allocation tops up the same wallet.
    funded_and_allocated(hr_admin, following, ref="U2")
    luca = rows.get(employee__employee_number="MB001")
    assert (
        Wallet.objects_unscoped.filter(
            person=luca.employee.person, source_id=str(following.pk)
        ).count()
        == 1
    )
    assert funding.plan_figures(carry_plan)["carried_out"] == NEED - 40_000
    assert check_invariants() == []


def test_the_command_settles_ended_plans(imported, approved_plan, hr_admin):
    funded_and_allocated(hr_admin, approved_plan)
    call_command("corporate_settle_unspent", "--date", "2027-01-01", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert funding.plan_figures(approved_plan)["returned"] == NEED
    call_command("ledger_check", stdout=open("/dev/null", "w"))  # noqa: SIM115

"""Funding a plan version: requests (single and monthly), incoming transfers recorded against
them (partial and larger payments), bad input refused with nothing changed, the figures."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from benecomune.core.models import AuditEvent
from benecomune.corporate.models import FundingPayment, FundingRequest, FundingStatus
from benecomune.corporate.services import funding
from benecomune.ledger.services.invariants import check_invariants
from tests.corporate.conftest import money_written, pay

pytestmark = pytest.mark.django_db

# Luca 600 €, Giulia 400 €, Marco 400 €, Sara hired in June: 7/12 of 600 € (pro-rata by months)
NEED = 60_000 + 40_000 + 40_000 + 35_000
DAY = datetime.date(2026, 2, 3)


def test_a_single_request_asks_for_the_sum_of_the_employees_credit(
    imported, approved_plan, hr_admin
):
    [request] = funding.request_funding(hr_admin, approved_plan, schedule="single")
    assert request.amount == NEED
    assert request.reference == f"WELF-{imported.pk}-{approved_plan.pk}-01"
    assert request.status == FundingStatus.OPEN
    assert funding.plan_fund(approved_plan) is not None
    with pytest.raises(ValidationError, match="coprono il credito"):
        funding.request_funding(hr_admin, approved_plan, schedule="single")


def test_a_monthly_schedule_is_twelve_instalments_summing_to_the_need(
    imported, approved_plan, hr_admin
):
    requests = funding.request_funding(hr_admin, approved_plan, schedule="instalment")
    assert len(requests) == 12
    assert sum(r.amount for r in requests) == NEED
    assert [r.due_on.month for r in requests] == list(range(1, 13))
    assert len({r.reference for r in requests}) == 12


def test_the_operator_and_a_draft_plan_cannot_ask_for_funding(
    imported, draft_plan, hr_operator, hr_admin
):
    with pytest.raises(PermissionDenied):
        funding.request_funding(hr_operator, draft_plan, schedule="single")
    with pytest.raises(ValidationError, match="approvato"):
        funding.request_funding(hr_admin, draft_plan, schedule="single")
    assert not FundingRequest.objects_unscoped.exists()


def test_a_partial_transfer_then_the_rest(imported, approved_plan, hr_admin):
    [request] = funding.request_funding(hr_admin, approved_plan, schedule="single")
    funding.record_payment(
        hr_admin,
        request,
        amount=100_000,
        received_on=DAY,
        bank_reference="cro 123 456",
        accept_excess=False,
    )
    request.refresh_from_db()
    assert (request.received, request.status) == (100_000, FundingStatus.PARTLY_PAID)
    figures = funding.plan_figures(approved_plan)
    assert figures["funded"] == figures["available"] == 100_000
    assert figures["to_fund"] == NEED - 100_000
    funding.record_payment(
        hr_admin,
        request,
        amount=NEED - 100_000,
        received_on=DAY,
        bank_reference="CRO999",
        accept_excess=False,
    )
    request.refresh_from_db()
    assert request.status == FundingStatus.PAID
    assert funding.plan_figures(approved_plan)["funded"] == NEED
    assert AuditEvent.objects_unscoped.filter(action="corporate.funding_received").count() == 2
    assert check_invariants() == []


def refusal(hr_admin, request, field, amount, ref, accept_excess) -> str:
    """The service's refusal of a transfer, the messages on `field` joined."""
    with pytest.raises(ValidationError) as exc:
        pay(hr_admin, request, amount, ref, accept_excess=accept_excess)
    return " ".join(exc.value.message_dict[field])


def test_a_larger_transfer_is_recorded_as_it_came_when_the_excess_is_confirmed(
    imported, approved_plan, hr_admin
):
    [request] = funding.request_funding(hr_admin, approved_plan, schedule="single")
    message = refusal(hr_admin, request, "accept_excess", NEED + 500, "X1", False)
    assert "supera di € 5,00" in message and request.reference in message
    assert money_written(approved_plan) == (0, 0, 0, 0)
    pay(hr_admin, request, NEED + 500, "X1", accept_excess=True)
    request.refresh_from_db()
    assert request.status == FundingStatus.PAID
    assert funding.plan_figures(approved_plan)["available"] == NEED + 500
    event = AuditEvent.objects_unscoped.get(action="corporate.funding_received")
    assert event.after["excess_accepted"] is True and event.after["difference"] == 500
    assert check_invariants() == []


def test_a_transfer_against_a_paid_request_is_refused_and_writes_nothing(
    imported, approved_plan, hr_admin
):
    [request] = funding.request_funding(hr_admin, approved_plan, schedule="single")
    pay(hr_admin, request, NEED, "P1")
    before = money_written(approved_plan)
    for accept in (False, True):
        message = refusal(hr_admin, request, "request", 999_999_900, "P2", accept)
        assert request.reference in message and "già pagata per intero" in message
        assert "assistenza" in message
    assert money_written(approved_plan) == before
    request.refresh_from_db()
    assert (request.received, request.status) == (NEED, FundingStatus.PAID)


def test_a_transfer_against_a_cancelled_request_is_refused_by_name(
    imported, approved_plan, hr_admin
):
    [request] = funding.request_funding(hr_admin, approved_plan, schedule="single")
    funding.cancel_request(hr_admin, request, reason="Rifatto a rate")
    message = refusal(hr_admin, request, "request", NEED, "C1", True)
    assert request.reference in message and "annullata" in message
    assert not FundingPayment.objects_unscoped.exists()


def test_an_absurd_amount_is_refused_even_when_confirmed(imported, approved_plan, hr_admin):
    [request] = funding.request_funding(hr_admin, approved_plan, schedule="single")
    pay(hr_admin, request, NEED - 1_000, "A0")
    before = money_written(approved_plan)
    # € 10,00 still due: € 100,00 is the ceiling, one cent more is a typing error.
    message = refusal(hr_admin, request, "amount", 10_001, "A1", True)
    assert "oltre dieci volte" in message and "€ 10,00" in message
    assert request.reference in message
    assert money_written(approved_plan) == before
    pay(hr_admin, request, 10_000, "A1", accept_excess=True)
    assert funding.plan_figures(approved_plan)["funded"] == NEED + 9_000


@pytest.mark.parametrize(
    "field,values,message",
    [
        ("amount", {"amount": 0}, "più di zero"),
        ("received_on", {"received_on": datetime.date(2099, 1, 1)}, "futuro"),
        ("bank_reference", {"bank_reference": "  "}, "CRO o TRN"),
        ("bank_reference", {"bank_reference": "cro123456"}, "già stato registrato"),
    ],
)
def test_bad_payments_are_refused_and_change_nothing(
    imported, approved_plan, hr_admin, field, values, message
):
    [request] = funding.request_funding(hr_admin, approved_plan, schedule="single")
    funding.record_payment(
        hr_admin,
        request,
        amount=1_000,
        received_on=DAY,
        bank_reference="CRO123456",
        accept_excess=False,
    )
    args = {
        "amount": 5_000,
        "received_on": DAY,
        "bank_reference": "NEW",
        "accept_excess": False,
        **values,
    }
    with pytest.raises(ValidationError) as exc:
        funding.record_payment(hr_admin, request, **args)
    assert message in str(exc.value.message_dict[field])
    assert FundingPayment.objects_unscoped.count() == 1
    assert funding.plan_figures(approved_plan)["funded"] == 1_000


def test_hr_of_another_company_cannot_record(
    imported, approved_plan, hr_admin, make_actor, other_company
):
    from benecomune.core.models import Role

    stranger = make_actor("hr@tessiture.example.org", Role.COMPANY_HR, other_company)
    [request] = funding.request_funding(hr_admin, approved_plan, schedule="single")
    with pytest.raises(PermissionDenied):
        funding.record_payment(
            stranger, request, amount=1, received_on=DAY, bank_reference="Z", accept_excess=False
        )


def test_cancel_an_unpaid_request_then_ask_again(imported, approved_plan, hr_admin):
    [request] = funding.request_funding(hr_admin, approved_plan, schedule="single")
    with pytest.raises(ValidationError):
        funding.cancel_request(hr_admin, request, reason=" ")
    funding.cancel_request(hr_admin, request, reason="Rifatto a rate")
    assert len(funding.request_funding(hr_admin, approved_plan, schedule="instalment")) == 12


def test_the_networks_platform_admin_records_a_transfer(
    imported, approved_plan, hr_admin, make_actor, network
):
    from benecomune.core.models import Role

    admin = make_actor("admin@rete.example.org", Role.PLATFORM_ADMIN, network)
    [request] = funding.request_funding(hr_admin, approved_plan, schedule="single")
    funding.record_payment(
        admin, request, amount=NEED, received_on=DAY, bank_reference="NET1", accept_excess=False
    )
    assert funding.plan_figures(approved_plan)["funded"] == NEED
    event = AuditEvent.objects_unscoped.get(action="corporate.funding_received")
    assert event.actor == admin.user

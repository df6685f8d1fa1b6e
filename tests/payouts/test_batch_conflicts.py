"""A payout batch with a payment to the approver's own household: refused, as decisions on
applications are (core.conflicts); the batch page warns them, and another validator approves."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from benecomune.core.models import Membership, Role
from benecomune.core.scoping import all_tenants
from benecomune.core.services.people import add_household_member, create_household
from benecomune.payouts.models import BatchStatus, PayoutOrder
from benecomune.payouts.services import batches, claim_review, claims
from tests.helpers import actor_for, login
from tests.payouts.bank import ready_batch
from tests.payouts.conftest import receipt


@pytest.fixture
def claim_order(make_reimbursement_call, beneficiary, operator, payer):
    """Giulia Bianchi's accepted reimbursement: a payout order ready for a batch."""
    _call, (award,) = make_reimbursement_call([beneficiary.user.person])
    claim = claims.submit_claim(
        beneficiary,
        award,
        category="summer_camp",
        amount=12_000,
        expense_date=timezone.localdate() - datetime.timedelta(days=3),
        payee="Centro estivo Il Girasole",
        upload=receipt(),
    )
    claim_review.accept_claim(operator, claim)
    return PayoutOrder.objects_unscoped.get(claim=claim)


@pytest.fixture
def spouse_validator(make_person, make_user, municipality, admin, beneficiary):
    """A validator of the Comune who lives with the beneficiary (same registry household)."""
    spouse = make_person(municipality, first_name="Marco", last_name="Bianchi")
    with all_tenants():
        household = create_household(admin, head=beneficiary.user.person, address="Via Roma 1")
        add_household_member(admin, household, spouse, "spouse")
    user = make_user(
        "marco@piazzola.example.org", person=spouse, role=Role.VALIDATOR, organization=municipality
    )
    return actor_for(user, Role.VALIDATOR, municipality)


def test_a_validator_cannot_approve_a_payment_to_their_own_household(
    claim_order, spouse_validator, validator, admin, payer
):
    batch = ready_batch(admin, payer)
    assert batch.item_count == 1

    with pytest.raises(PermissionDenied) as refused:
        batches.approve_batch(spouse_validator, batch)

    message = str(refused.value)
    assert "a lei o al suo nucleo familiare" in message
    assert "Giulia Bianchi" in message and "120,00" in message
    batch.refresh_from_db()
    assert batch.status == BatchStatus.READY and batch.funding_transfer_id is None
    # Another validator, with no tie to the payee, approves it.
    assert batches.approve_batch(validator, batch).status == BatchStatus.APPROVED


def test_the_payee_themselves_cannot_approve(claim_order, beneficiary, admin, payer):
    user = beneficiary.user
    Membership.objects.create(user=user, organization=payer, role=Role.VALIDATOR)
    batch = ready_batch(admin, payer)
    with pytest.raises(PermissionDenied):
        batches.approve_batch(actor_for(user, Role.VALIDATOR, payer), batch)


def test_the_batch_page_warns_and_offers_no_approval(
    client, claim_order, spouse_validator, validator, admin, payer
):
    batch = ready_batch(admin, payer)
    url = reverse("payouts:batch", args=[batch.pk])

    login(client, spouse_validator.user, spouse_validator.membership)
    page = client.get(url).content.decode()
    assert 'data-testid="own-household-warning"' in page
    assert "Giulia Bianchi" in page
    assert reverse("payouts:batch_approve", args=[batch.pk]) not in page
    # Posting anyway is refused with the same message, nothing approved.
    response = client.post(reverse("payouts:batch_approve", args=[batch.pk]), follow=True)
    assert "a lei o al suo nucleo familiare" in response.content.decode()
    batch.refresh_from_db()
    assert batch.status == BatchStatus.READY

    login(client, validator.user, validator.membership)
    page = client.get(url).content.decode()
    assert 'data-testid="own-household-warning"' not in page
    assert reverse("payouts:batch_approve", args=[batch.pk]) in page

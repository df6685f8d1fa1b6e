"""Approving a payout batch goes through a summary (payments, payees, total, by Comune,
payments to the approver's household) and an explicit confirmation; a POST without it, or
with the fingerprint of a summary that is no longer true, approves nothing and moves no money."""

import datetime
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from benecomune.core.models import Membership, Role
from benecomune.ledger.models import Transfer
from benecomune.ledger.money import format_euro
from benecomune.payouts.models import BatchItem, BatchStatus, PayoutBatch
from benecomune.payouts.services import claim_review, claims
from tests.helpers import login
from tests.payouts.bank import ready_batch
from tests.payouts.conftest import receipt
from tests.payouts.test_batch_conflicts import spouse_validator  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db

AMOUNTS = (12_000, 8_000)  # two accepted claims of the same citizen


@pytest.fixture
def batch(make_reimbursement_call, beneficiary, operator, admin, payer):
    _call, (award,) = make_reimbursement_call([beneficiary.user.person])
    for days, amount in enumerate(AMOUNTS, start=3):
        claim = claims.submit_claim(
            beneficiary,
            award,
            category="summer_camp",
            amount=amount,
            expense_date=timezone.localdate() - datetime.timedelta(days=days),
            payee="Centro estivo Il Girasole",
            upload=receipt(body=f"spesa {days}".encode()),
        )
        claim_review.accept_claim(operator, claim)
    return ready_batch(admin, payer)


def _client(actor, organization):
    membership = Membership.objects.get(
        user=actor.user, organization=organization, role=Role.VALIDATOR
    )
    return login(Client(), actor.user, membership)


def _fingerprint(html: str) -> str:
    return re.search(r'name="fingerprint" value="([0-9a-f]+)"', html).group(1)


def _state(batch):
    batch = PayoutBatch.objects_unscoped.get(pk=batch.pk)
    return Transfer.objects_unscoped.count(), batch.status, batch.funding_transfer_id


def test_the_summary_shows_payments_payees_total_and_comune(batch, validator, municipality):
    client = _client(validator, municipality)
    detail = client.get(reverse("payouts:batch", args=[batch.pk])).content.decode()
    assert 'data-testid="approve-batch"' in detail
    text = client.get(reverse("payouts:batch_approve", args=[batch.pk])).content.decode()
    total = format_euro(sum(AMOUNTS))
    assert f"2 bonifici per {total}" in text and "a 1 beneficiario." in text
    assert f"L'ente trasferisce ora {total}" in text
    assert re.search(
        rf'<th scope="row">{municipality.name}</th><td class="text-end">2</td>'
        rf'<td class="text-end">{re.escape(total)}</td>',
        text,
    )
    assert 'data-testid="no-own-household"' in text
    assert "Ho verificato il riepilogo" in text


def test_the_approver_sees_a_payment_to_their_household(
    batch,
    spouse_validator,  # noqa: F811 (the fixture imported above)
    municipality,
):
    client = _client(spouse_validator, municipality)
    text = client.get(reverse("payouts:batch_approve", args=[batch.pk])).content.decode()
    assert 'data-testid="own-household-warning"' in text and "Giulia Bianchi" in text
    assert 'name="fingerprint"' not in text  # no confirmation offered


def test_approval_needs_confirmation_and_a_current_summary(batch, validator, municipality):
    client = _client(validator, municipality)
    url = reverse("payouts:batch_approve", args=[batch.pk])
    fingerprint = _fingerprint(client.get(url).content.decode())
    before = _state(batch)

    response = client.post(url, {"fingerprint": fingerprint}, follow=True)
    assert "Confermi di aver verificato il riepilogo" in response.content.decode()
    response = client.post(url, {"confirmed": "on"}, follow=True)
    assert "Il riepilogo è cambiato: lo ricontrolli" in response.content.decode()
    assert _state(batch) == before

    # The bank details of a payment change after the summary was read: stale.
    item = BatchItem.objects_unscoped.filter(batch=batch).order_by("pk").first()
    BatchItem.objects_unscoped.filter(pk=item.pk).update(iban="IT60X0542811101000000123456")
    response = client.post(url, {"confirmed": "on", "fingerprint": fingerprint}, follow=True)
    assert "Il riepilogo è cambiato: lo ricontrolli" in response.content.decode()
    assert _state(batch) == before
    assert before[1] == BatchStatus.READY

    # The new summary, confirmed: approved, the payer's single transfer recorded.
    fingerprint = _fingerprint(client.get(url).content.decode())
    client.post(url, {"confirmed": "on", "fingerprint": fingerprint})
    batch.refresh_from_db()
    assert batch.status == BatchStatus.APPROVED
    assert batch.funding_transfer.amount == sum(AMOUNTS)
    assert Transfer.objects_unscoped.count() == before[0] + 1


def test_the_confirmation_is_also_a_panel_for_htmx(batch, validator, municipality):
    client = _client(validator, municipality)
    url = reverse("payouts:batch_approve", args=[batch.pk])
    panel = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert 'data-testid="confirm-panel"' in panel and "<html" not in panel

# ruff: noqa: F811  (the payouts fixtures are imported by name)
"""Retention of expense claims (anonymised: receipts and their files deleted, payee and texts
emptied, amounts and decision kept), of closed rectification/erasure requests (deleted) and of
the access log (deleted, through the append-only triggers' maintenance door)."""

import datetime
import types

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from benecomune.core.actors import Actor
from benecomune.core.models import Role
from benecomune.core.scoping import tenant_scope
from benecomune.identity import retention
from benecomune.identity.models import AccessLogEntry, DataRequest, PurgeRecord
from benecomune.identity.services import data_requests
from benecomune.ledger.services.invariants import check_invariants
from benecomune.payouts.models import ClaimReceipt, ClaimStatus, ExpenseClaim
from benecomune.payouts.services import claim_review, claims
from tests.payouts.conftest import (  # noqa: F401
    admin,
    beneficiary,
    fund,
    make_reimbursement_call,
    operator,
    receipt,
    validator,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def dpo(make_actor, municipality):
    return make_actor("dpo.records@example.org", Role.DATA_PROTECTION, municipality)


def _later(monkeypatch, years):
    future = timezone.now() + datetime.timedelta(days=366 * years)
    monkeypatch.setattr(retention, "timezone", types.SimpleNamespace(now=lambda: future))


def _run(actor, municipality, dry_run):
    with tenant_scope(actor.tenant_ids):
        return retention.run_retention(actor, municipality, dry_run=dry_run)


def test_decided_claims_are_anonymised_after_ten_years(
    dpo,
    municipality,
    make_reimbursement_call,
    beneficiary,
    validator,
    monkeypatch,
):
    _call, (award,) = make_reimbursement_call([beneficiary.user.person])
    claim = claims.submit_claim(
        beneficiary,
        award,
        category="summer_camp",
        amount=12_000,
        expense_date=timezone.localdate() - datetime.timedelta(days=3),
        payee="Studio dentistico Dott. Neri",
        description="Cure per mia figlia",
        upload=receipt(),
    )
    open_claim = claims.submit_claim(
        beneficiary,
        award,
        category="summer_camp",
        amount=5_000,
        expense_date=timezone.localdate() - datetime.timedelta(days=2),
        payee="Centro estivo",
        upload=receipt(body=b"altro"),
    )
    claim_review.reject_claim(validator, claim, reason="Spesa fuori dal periodo")
    stored = ClaimReceipt.objects.filter(claim=claim).get().file
    storage, name = stored.storage, stored.name
    assert storage.exists(name)
    _run(dpo, municipality, dry_run=True)
    _later(monkeypatch, 11)

    dry = _run(dpo, municipality, dry_run=True)
    assert dry.summary["expense_claims"] == {"years": 10, "action": "anonymised", "count": 1}
    run = _run(dpo, municipality, dry_run=False)

    claim = ExpenseClaim.objects_unscoped.get(pk=claim.pk)
    assert (claim.payee, claim.description, claim.decision_reason) == ("", "", "")
    assert (claim.status, claim.amount) == (ClaimStatus.REJECTED, 12_000)
    assert not ClaimReceipt.objects.filter(claim=claim).exists()
    assert not storage.exists(name)
    # An open claim is never touched, whatever its age.
    assert ClaimReceipt.objects.filter(claim=open_claim).exists()
    assert PurgeRecord.objects_unscoped.filter(
        run=run, object_type="payouts.expenseclaim", object_id=str(claim.pk), action="anonymised"
    ).exists()
    assert _run(dpo, municipality, dry_run=False).summary["expense_claims"]["count"] == 0
    assert check_invariants() == []


def test_closed_requests_and_the_access_log_go_after_five_years(
    dpo, municipality, family, application, desk, make_user, monkeypatch
):
    head = family["head"]
    client, _user, _membership = desk
    assert client.get(reverse("calls:desk_application", args=[application.pk])).status_code == 200
    entry = AccessLogEntry.objects_unscoped.get(person=head)
    citizen = Actor(user=make_user("anna.retention@example.org", person=head))
    closed = data_requests.submit_request(
        citizen, kind="rectification", text="Il mio telefono è cambiato."
    )
    still_open = data_requests.submit_request(
        citizen, kind="erasure", text="Cancellate il mio vecchio indirizzo."
    )
    with tenant_scope(dpo.tenant_ids):
        closed = data_requests.take_request(dpo, closed)
        data_requests.close_request(dpo, closed, done=True, outcome="Telefono corretto.")
    _run(dpo, municipality, dry_run=True)
    _later(monkeypatch, 6)

    dry = _run(dpo, municipality, dry_run=True)
    assert dry.summary["data_requests"]["count"] == 1
    assert dry.summary["access_log"]["count"] == 1
    assert AccessLogEntry.objects_unscoped.filter(pk=entry.pk).exists()
    run = _run(dpo, municipality, dry_run=False)

    assert not DataRequest.objects_unscoped.filter(pk=closed.pk).exists()
    assert DataRequest.objects_unscoped.filter(pk=still_open.pk).exists()
    assert not AccessLogEntry.objects_unscoped.filter(pk=entry.pk).exists()
    kinds = set(PurgeRecord.objects_unscoped.filter(run=run).values_list("category", "action"))
    assert {("data_requests", "deleted"), ("access_log", "deleted")} <= kinds
    # Outside the job the access log still refuses any deletion.
    client.get(reverse("calls:desk_application", args=[application.pk]))
    assert AccessLogEntry.objects_unscoped.exists()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM identity_accesslogentry")

# ruff: noqa: F811  (the ledger fixtures are imported by name)
"""Retention of the audit and the ledger: past their period (10 years) the references to
persons are replaced with stable keyed pseudonyms, while every row, amount, account, action
and time stays, the ledger stays balanced (ledger_check) and the append-only triggers still
refuse any other change. The run is in the dry-run report and in the register."""

import datetime
import json
import types

import pytest
from django.core.management import call_command
from django.db import DatabaseError, transaction
from django.utils import timezone

from benecomune.core.models import AuditEvent, Role
from benecomune.core.scoping import all_tenants, tenant_scope
from benecomune.identity import retention
from benecomune.identity.models import PurgeRecord
from benecomune.identity.retention_pseudonyms import (
    person_pseudonym,
    pseudonymising,
    value_pseudonym,
)
from benecomune.ledger.models import Transfer, Wallet
from benecomune.ledger.services import funds
from benecomune.ledger.services.invariants import check_invariants
from tests.ledger.conftest import make_fund, make_wallet  # noqa: F401

pytestmark = pytest.mark.django_db

IDENTITY_COLUMNS = (
    "pk",
    "created_at",
    "actor_id",
    "actor_role",
    "organization_id",
    "action",
    "object_type",
    "object_id",
)


@pytest.fixture
def dpo(make_actor, municipality):
    return make_actor("dpo.pseudo@example.org", Role.DATA_PROTECTION, municipality)


@pytest.fixture
def money(family, make_fund, make_wallet, system_actor):
    """An award into the head's wallet whose causale names her and her codice fiscale."""
    head = family["head"]
    fund = make_fund(100_000)
    wallet = make_wallet(fund, person=head)
    with all_tenants():
        transfer = funds.award(
            system_actor,
            fund,
            wallet,
            5_000,
            memo=f"Contributo {head.first_name} {head.last_name} {head.fiscal_code}",
        )
    return transfer


def _later(monkeypatch, years):
    future = timezone.now() + datetime.timedelta(days=366 * years)
    monkeypatch.setattr(retention, "timezone", types.SimpleNamespace(now=lambda: future))


def _run(actor, municipality, dry_run):
    with tenant_scope(actor.tenant_ids):
        return retention.run_retention(actor, municipality, dry_run=dry_run)


def _identity_columns():
    return list(AuditEvent.objects_unscoped.order_by("pk").values_list(*IDENTITY_COLUMNS))


def _about(person):
    rows = AuditEvent.objects_unscoped.values("object_repr", "before", "after", "reason")
    return json.dumps(list(rows), default=str)


def test_nothing_before_ten_years(dpo, municipality, family, money):
    run = _run(dpo, municipality, dry_run=True)
    assert run.summary["audit"] == {"years": 10, "action": "pseudonymised", "count": 0}
    assert run.summary["ledger"]["count"] == 0


def test_audit_and_ledger_pseudonymised_after_their_period(
    dpo, municipality, family, money, monkeypatch
):
    head = family["head"]
    assert AuditEvent.objects_unscoped.filter(person=head).exists()
    _run(dpo, municipality, dry_run=True)  # today: nothing old yet
    _later(monkeypatch, 11)

    dry = _run(dpo, municipality, dry_run=True)
    assert dry.summary["audit"]["count"] > 0 and dry.summary["ledger"]["count"] >= 1
    assert AuditEvent.objects_unscoped.filter(person=head).exists()  # a dry run changes nothing
    assert head.fiscal_code in Transfer.objects_unscoped.get(pk=money.pk).memo

    before = _identity_columns()
    balances = list(Transfer.objects_unscoped.order_by("pk").values_list("pk", "amount"))
    run = _run(dpo, municipality, dry_run=False)

    # The audit: every row and its who/what/when unchanged; the person gone from them.
    assert _identity_columns()[: len(before)] == before
    assert not AuditEvent.objects_unscoped.filter(person=head, pk__lte=before[-1][0]).exists()
    text = _about(head)
    assert head.fiscal_code not in text and head.email not in text
    assert value_pseudonym(head.fiscal_code) in text or person_pseudonym(head.pk) in text
    # The ledger: same transfers and amounts, the causale without the name or codice fiscale,
    # with the same pseudonym the audit uses for the codice fiscale.
    assert list(Transfer.objects_unscoped.order_by("pk").values_list("pk", "amount")) == balances
    memo = Transfer.objects_unscoped.get(pk=money.pk).memo
    assert head.fiscal_code not in memo and head.last_name not in memo
    assert value_pseudonym(head.fiscal_code) in memo
    assert check_invariants() == []
    call_command("ledger_check")

    # The register and the run's audit event.
    records = PurgeRecord.objects_unscoped.filter(run=run, action="pseudonymised")
    assert records.filter(object_type="ledger.transfer", object_id=str(money.pk)).exists()
    assert records.filter(object_type="core.auditevent").count() == run.summary["audit"]["count"]
    assert records.filter(person_pseudonym=retention.pseudonym(head.pk)).exists()
    assert AuditEvent.objects_unscoped.filter(action="identity.retention_run").exists()

    # A second run finds nothing more.
    again = _run(dpo, municipality, dry_run=False)
    assert again.summary["audit"]["count"] == 0 and again.summary["ledger"]["count"] == 0
    call_command("ledger_check")


def test_triggers_still_refuse_every_other_change(family, money):
    event = AuditEvent.objects_unscoped.filter(person=family["head"]).first()
    attempts = [
        # Outside a pseudonymisation pass: nothing passes.
        (False, lambda: AuditEvent.objects_unscoped.filter(pk=event.pk).update(reason="x")),
        (False, lambda: Transfer.objects_unscoped.filter(pk=money.pk).update(memo="x")),
        # Inside one: only the personal columns, and the person key only to NULL.
        (True, lambda: AuditEvent.objects_unscoped.filter(pk=event.pk).update(action="x")),
        (
            True,
            lambda: AuditEvent.objects_unscoped.filter(pk=event.pk).update(reason="x"),
        ),  # person key still set
        (True, lambda: Transfer.objects_unscoped.filter(pk=money.pk).update(amount=1)),
    ]
    for inside, attempt in attempts:
        with pytest.raises(DatabaseError), transaction.atomic():
            if inside:
                with pseudonymising():
                    attempt()
            else:
                attempt()
    with transaction.atomic(), pseudonymising():
        AuditEvent.objects_unscoped.filter(pk=event.pk).update(person=None, reason="x")
        Transfer.objects_unscoped.filter(pk=money.pk).update(memo="x")
    assert check_invariants() == []


def test_expired_empty_wallets_lose_their_account_holder(
    dpo,
    municipality,
    family,
    money,
    make_wallet,
    monkeypatch,
):
    head = family["head"]
    with all_tenants():
        old = make_wallet(
            person=head,
            valid_from=timezone.localdate() - datetime.timedelta(days=60),
            valid_until=timezone.localdate() - datetime.timedelta(days=1),
        )
    _run(dpo, municipality, dry_run=True)
    _later(monkeypatch, 11)
    dry = _run(dpo, municipality, dry_run=True)
    # The money fixture's wallet still holds 50 euro and has not expired: only `old` counts.
    assert dry.summary["wallets"] == {"years": 10, "action": "anonymised", "count": 1}
    run = _run(dpo, municipality, dry_run=False)
    old.refresh_from_db()
    old.account.refresh_from_db()
    assert old.account.person_id is None and old.person_id == head.pk
    assert Wallet.objects_unscoped.get(pk=money.credit_account.wallet.pk).account.person_id
    assert PurgeRecord.objects_unscoped.filter(
        run=run, object_type="ledger.wallet", object_id=str(old.pk), action="anonymised"
    ).exists()
    assert check_invariants() == []
    call_command("ledger_check")

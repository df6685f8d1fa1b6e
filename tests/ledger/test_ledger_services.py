"""Transfers, idempotency, reversals, reservations, balances and statements."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.utils import timezone

from benecomune.core.models import AuditEvent
from benecomune.ledger.exceptions import (
    AlreadyReversed,
    IdempotencyConflict,
    InsufficientFunds,
    ReservationExceeded,
    TransferNotAllowed,
)
from benecomune.ledger.models import (
    Account,
    AccountKind,
    Entry,
    LedgerImmutableError,
    Transfer,
    TransferKind,
    Wallet,
)
from benecomune.ledger.services import funds, statements, transfers, wallets
from benecomune.ledger.services.invariants import check_invariants

pytestmark = pytest.mark.django_db


def test_contribution_award_payment_move_money_and_audit(
    make_fund, make_wallet, shop, system_actor
):
    fund = make_fund(100_000)
    wallet = make_wallet(fund, 30_000)
    payment = wallets.pay_from_wallet(
        system_actor, wallet=wallet, merchant=shop, amount=1_250, idempotency_key="till-1"
    )
    assert statements.balance(fund.account) == 70_000
    assert statements.balance(wallet.account) == 28_750
    assert statements.balance(wallets.merchant_account(shop)) == 1_250
    assert Entry.objects_unscoped.filter(transfer=payment).count() == 2
    assert AuditEvent.objects_unscoped.filter(
        action="ledger.payment", object_id=str(payment.pk)
    ).exists()
    summary = funds.fund_summary(fund)
    assert summary["contributed"] == 100_000
    assert summary["awarded"] == 30_000
    assert summary["spent"] == 1_250
    assert summary["contributors"][0]["amount"] == 100_000


def test_replay_same_key_moves_nothing(make_fund, make_wallet, shop, system_actor):
    wallet = make_wallet(make_fund(10_000), 5_000)
    first = wallets.pay_from_wallet(
        system_actor, wallet=wallet, merchant=shop, amount=500, idempotency_key="k-1"
    )
    again = wallets.pay_from_wallet(
        system_actor, wallet=wallet, merchant=shop, amount=500, idempotency_key="k-1"
    )
    assert again.pk == first.pk
    assert statements.balance(wallet.account) == 4_500
    assert Transfer.objects.filter(idempotency_key="k-1").count() == 1


def test_same_key_different_data_is_a_conflict(make_fund, make_wallet, shop, system_actor):
    wallet = make_wallet(make_fund(10_000), 5_000)
    wallets.pay_from_wallet(
        system_actor, wallet=wallet, merchant=shop, amount=500, idempotency_key="k-2"
    )
    with pytest.raises(IdempotencyConflict):
        wallets.pay_from_wallet(
            system_actor, wallet=wallet, merchant=shop, amount=600, idempotency_key="k-2"
        )
    assert statements.balance(wallet.account) == 4_500


def test_insufficient_balance_refused_and_nothing_written(
    make_fund, make_wallet, shop, system_actor
):
    wallet = make_wallet(make_fund(10_000), 1_000)
    before = Transfer.objects.count()
    with pytest.raises(InsufficientFunds):
        wallets.pay_from_wallet(
            system_actor, wallet=wallet, merchant=shop, amount=1_001, idempotency_key="too-much"
        )
    assert Transfer.objects.count() == before
    assert not Transfer.objects.filter(idempotency_key="too-much").exists()
    wallets.pay_from_wallet(
        system_actor, wallet=wallet, merchant=shop, amount=1_000, idempotency_key="exact"
    )
    assert statements.balance(wallet.account) == 0


@pytest.mark.parametrize("amount", [0, -5, 1.5, True, "100"])
def test_amount_must_be_positive_integer_cents(make_fund, make_wallet, shop, system_actor, amount):
    wallet = make_wallet(make_fund(10_000), 1_000)
    with pytest.raises(TransferNotAllowed):
        wallets.pay_from_wallet(
            system_actor, wallet=wallet, merchant=shop, amount=amount, idempotency_key="bad"
        )


def test_fund_cannot_award_more_than_it_holds(make_fund, make_wallet, system_actor):
    fund = make_fund(1_000)
    wallet = make_wallet(fund)
    with pytest.raises(InsufficientFunds):
        funds.award(system_actor, fund, wallet, 1_001)


def test_entries_and_transfers_are_immutable(make_fund, system_actor):
    fund = make_fund(1_000)
    entry = Entry.objects_unscoped.filter(account=fund.account).get()
    with pytest.raises(LedgerImmutableError):
        entry.save()
    with pytest.raises(LedgerImmutableError):
        entry.delete()
    transfer = entry.transfer
    with pytest.raises(LedgerImmutableError):
        transfer.delete()
    with (
        pytest.raises(Exception, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE ledger_entry SET amount = 1 WHERE id = %s", [entry.pk])
    with (
        pytest.raises(Exception, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE ledger_transfer SET amount = 1 WHERE id = %s", [transfer.pk])


def test_reversal_restores_balances_and_only_once(make_fund, make_wallet, shop, system_actor):
    wallet = make_wallet(make_fund(10_000), 5_000)
    payment = wallets.pay_from_wallet(
        system_actor, wallet=wallet, merchant=shop, amount=700, idempotency_key="p"
    )
    reversal = transfers.reverse(system_actor, payment, reason="Errore di cassa")
    assert reversal.kind == TransferKind.REVERSAL and reversal.reversal_of_id == payment.pk
    assert statements.balance(wallet.account) == 5_000
    assert statements.balance(wallets.merchant_account(shop)) == 0
    with pytest.raises(AlreadyReversed):
        transfers.reverse(system_actor, payment)
    with pytest.raises(AlreadyReversed):
        transfers.reverse(system_actor, payment, idempotency_key="another-key")
    with pytest.raises(TransferNotAllowed):
        transfers.reverse(system_actor, reversal)
    # A replay with the first reversal's key returns it.
    again = transfers.reverse(system_actor, payment, idempotency_key=reversal.idempotency_key)
    assert again.pk == reversal.pk
    assert AuditEvent.objects_unscoped.filter(action="ledger.reversal").count() == 1


def test_reversal_needs_the_money_back(make_fund, make_wallet, shop, system_actor):
    """The merchant already passed the money on: reversing would overdraw its receivable."""
    wallet = make_wallet(make_fund(10_000), 5_000)
    payment = wallets.pay_from_wallet(
        system_actor, wallet=wallet, merchant=shop, amount=700, idempotency_key="p"
    )
    receivable = wallets.merchant_account(shop)
    payout = Account.objects_unscoped.create(
        organization=shop, kind=AccountKind.PAYOUT, name="Pagamenti"
    )
    transfers.transfer(
        system_actor, debit=receivable, credit=payout, amount=700, kind=TransferKind.SETTLEMENT
    )
    with pytest.raises(InsufficientFunds):
        transfers.reverse(system_actor, payment)


def test_policy_refuses_cash_out_and_person_to_person(
    make_fund, make_wallet, system_actor, municipality
):
    fund = make_fund(10_000)
    wallet = make_wallet(fund, 5_000)
    other = make_wallet(fund, 0)
    with pytest.raises(TransferNotAllowed):
        transfers.transfer(
            system_actor,
            debit=wallet.account,
            credit=other.account,
            amount=1,
            kind=TransferKind.PAYMENT,
        )
    bank = Account.objects_unscoped.create(
        organization=municipality, kind=AccountKind.EXTERNAL, name="Banca"
    )
    for kind in (TransferKind.PAYOUT, TransferKind.TOP_UP, TransferKind.PAYMENT):
        with pytest.raises(TransferNotAllowed):
            transfers.transfer(system_actor, debit=wallet.account, credit=bank, amount=1, kind=kind)
    with pytest.raises(TransferNotAllowed):
        transfers.transfer(
            system_actor, debit=wallet.account, credit=bank, amount=1, kind=TransferKind.REVERSAL
        )


def test_reservations_never_exceed_the_fund(make_fund, make_wallet, system_actor):
    fund = make_fund(10_000)
    first = funds.reserve(system_actor, fund, 6_000, object_type="calls.award", object_id="1")
    with pytest.raises(InsufficientFunds):
        funds.reserve(system_actor, fund, 4_001)
    second = funds.reserve(system_actor, fund, 4_000, idempotency_key="r-2")
    assert funds.reserve(system_actor, fund, 4_000, idempotency_key="r-2").pk == second.pk
    wallet = make_wallet(fund)
    # Unreserved money is gone: an award without a reservation is refused.
    with pytest.raises(InsufficientFunds):
        funds.award(system_actor, fund, wallet, 1)
    funds.award(system_actor, fund, wallet, 2_500, reservation=first)
    with pytest.raises(ReservationExceeded):
        funds.award(system_actor, fund, wallet, 3_501, reservation=first)
    funds.release(system_actor, first, 1_000)
    first.refresh_from_db()
    assert first.open_amount == 2_500
    assert statements.available(fund.account) == 1_000
    funds.release(system_actor, first)
    with pytest.raises(ReservationExceeded):
        funds.release(system_actor, first, 1)
    summary = funds.fund_summary(fund)
    assert summary["reserved"] == 4_000
    assert summary["balance"] == 7_500
    assert summary["available"] == 3_500
    assert AuditEvent.objects_unscoped.filter(action="ledger.released").count() == 2


def test_balance_at_a_date_and_statement_running_balance(
    make_fund, make_wallet, shop, system_actor
):
    fund = make_fund(10_000)
    wallet = make_wallet(fund, 5_000)
    middle = timezone.now()
    for n, amount in enumerate([1_000, 250, 50]):
        wallets.pay_from_wallet(
            system_actor, wallet=wallet, merchant=shop, amount=amount, idempotency_key=f"s-{n}"
        )
    assert statements.balance(wallet.account, middle) == 5_000
    assert statements.balance(wallet.account, timezone.localdate()) == 3_700
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    assert statements.balance(wallet.account, yesterday) == 0
    opening, entries = statements.statement(wallet.account, scoped=False)
    rows = [(e.amount, e.running_balance) for e in entries]
    assert opening == 0
    assert rows == [(-50, 3_700), (-250, 3_750), (-1_000, 4_000), (5_000, 5_000)]
    opening, entries = statements.statement(
        wallet.account, start=timezone.localdate(), scoped=False
    )
    assert opening == 0 and entries.count() == 4


def test_pending_credits_are_folded_and_settle_keeps_balances(
    make_fund, make_wallet, shop, system_actor
):
    wallet = make_wallet(make_fund(10_000), 5_000)
    receivable = wallets.merchant_account(shop)
    for n in range(3):
        wallets.pay_from_wallet(
            system_actor, wallet=wallet, merchant=shop, amount=100, idempotency_key=f"f-{n}"
        )
    receivable.refresh_from_db()
    assert receivable.balance == 0  # credited by appending only
    assert statements.balance(receivable) == 300
    call_command("ledger_settle", stdout=open("/dev/null", "w"))  # noqa: SIM115
    receivable.refresh_from_db()
    assert receivable.balance == 300
    assert statements.balance(receivable) == 300


def test_payment_query_count(
    make_fund, make_wallet, shop, system_actor, django_assert_max_num_queries
):
    """The hot path: claim key, debit payer, two entries, one delta, one audit event."""
    wallet = make_wallet(make_fund(10_000), 5_000)
    receivable = wallets.merchant_account(shop)
    transfers.settle(wallet.account)
    wallet = (
        Wallet.objects_unscoped.select_related("account")
        .prefetch_related("territory_municipalities")
        .get(pk=wallet.pk)
    )
    # 5 statements, plus SAVEPOINT and RELEASE here because the test runs inside a transaction,
    # plus the shared value lookup (ledger/services/sharing.py).
    with django_assert_max_num_queries(8):
        wallets.pay_from_wallet(
            system_actor,
            wallet=wallet,
            merchant=shop,
            amount=100,
            idempotency_key="q",
            merchant_account_=receivable,
        )


def test_ledger_check_fails_on_corrupted_balance(make_fund, allow_corrupt_ledger):
    fund = make_fund(10_000)
    call_command("ledger_check", stdout=open("/dev/null", "w"))  # noqa: SIM115
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE ledger_account SET balance = balance + 1 WHERE id = %s", [fund.account_id]
        )
    problems = check_invariants()
    assert any("Fondo di prova" in p for p in problems)
    # manage.py turns CommandError(returncode=1) into exit status 1.
    err = io.StringIO()
    with pytest.raises(CommandError) as exc:
        call_command("ledger_check", stderr=err)
    assert exc.value.returncode == 1
    assert "saldo registrato" in err.getvalue()

"""REFUND transfers: part or all of a payment (or of an own-money top-up) given back the way it
came, never more than is left of it, never together with a reversal; expired wallets; the
statement's wording; the invariants that watch over refunds."""

import datetime

import pytest
from django.utils import timezone

from benecomune.core.models import AuditEvent
from benecomune.ledger.exceptions import (
    AlreadyReversed,
    IdempotencyConflict,
    InsufficientFunds,
    NotSpendable,
    RefundExceeded,
    TransferNotAllowed,
)
from benecomune.ledger.models import Account, AccountKind, Transfer, TransferKind, WalletSource
from benecomune.ledger.services import funds, refunds, statements, transfers, wallets
from benecomune.ledger.services.invariants import check_invariants

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture
def paid(make_fund, make_wallet, shop, system_actor):
    """A wallet with 50 euro from a fund of 100 that paid the shop 20 euro."""
    fund = make_fund(10_000)
    wallet = make_wallet(fund, 5_000, valid_until=TODAY + datetime.timedelta(days=5))
    payment = wallets.pay_from_wallet(
        system_actor, wallet=wallet, merchant=shop, amount=2_000, idempotency_key="pay-1"
    )
    return fund, wallet, payment


def test_partial_refunds_move_exactly_the_amount_back_and_never_more(paid, shop, system_actor):
    fund, wallet, payment = paid
    receivable = wallets.merchant_account(shop)
    first = refunds.refund(system_actor, payment, 700, idempotency_key="ref-1")
    assert (first.kind, first.amount) == (TransferKind.REFUND, 700)
    assert (first.debit_account_id, first.credit_account_id) == (receivable.pk, wallet.account_id)
    assert (first.object_type, first.object_id) == ("ledger.transfer", str(payment.pk))
    assert statements.balance(wallet.account) == 3_700
    assert statements.available(wallet.account) == 3_700
    assert statements.balance(receivable) == 1_300
    assert refunds.refundable(payment) == 1_300
    with pytest.raises(RefundExceeded):
        refunds.refund(system_actor, payment, 1_301, idempotency_key="ref-2")
    assert statements.balance(receivable) == 1_300  # the refusal moved nothing
    assert not Transfer.objects_unscoped.filter(idempotency_key="ref-2").exists()
    refunds.refund(system_actor, payment, 1_300, idempotency_key="ref-3")
    assert statements.balance(wallet.account) == 5_000
    assert refunds.refundable(payment) == 0
    with pytest.raises(RefundExceeded):
        refunds.refund(system_actor, payment, 1, idempotency_key="ref-4")
    # Money given back is no longer spent from the fund.
    assert funds.fund_summary(fund)["spent"] == 0
    assert AuditEvent.objects_unscoped.filter(action="ledger.refund").count() == 2
    # Spendable again under the wallet's rules.
    wallets.pay_from_wallet(
        system_actor, wallet=wallet, merchant=shop, amount=5_000, idempotency_key="pay-2"
    )


def test_a_replay_returns_the_first_refund_and_other_data_are_refused(paid, shop, system_actor):
    _fund, wallet, payment = paid
    first = refunds.refund(system_actor, payment, 500, idempotency_key="ref-1")
    # The rest left (1 500) is more than the replay's amount: still a replay, nothing moves.
    assert refunds.refund(system_actor, payment, 500, idempotency_key="ref-1").pk == first.pk
    assert statements.balance(wallet.account) == 3_500
    with pytest.raises(IdempotencyConflict):
        refunds.refund(system_actor, payment, 400, idempotency_key="ref-1")
    other = wallets.pay_from_wallet(
        system_actor, wallet=wallet, merchant=shop, amount=500, idempotency_key="pay-2"
    )
    # Same accounts and amount, another payment: not a replay of the first refund.
    with pytest.raises(IdempotencyConflict):
        refunds.refund(system_actor, other, 500, idempotency_key="ref-1")


def test_only_payments_and_top_ups_are_refunded_and_only_by_refund(paid, shop, system_actor):
    fund, wallet, payment = paid
    award = Transfer.objects_unscoped.get(kind=TransferKind.AWARD, credit_account=wallet.account)
    with pytest.raises(TransferNotAllowed):
        refunds.refund(system_actor, award, 100, idempotency_key="ref-award")
    with pytest.raises(TransferNotAllowed):
        refunds.refund(system_actor, payment, 0, idempotency_key="ref-0")
    with pytest.raises(TransferNotAllowed):
        refunds.refund(system_actor, payment, 100, idempotency_key="")
    # transfer() refuses a REFUND that names no original (its limit could not be checked).
    with pytest.raises(TransferNotAllowed):
        transfers.transfer(
            system_actor,
            debit=wallets.merchant_account(shop),
            credit=wallet.account,
            amount=100,
            kind=TransferKind.REFUND,
        )
    # Policy: a refund goes from a merchant to a wallet or from a wallet to outside, no other way.
    with pytest.raises(TransferNotAllowed):
        transfers.transfer(
            system_actor,
            debit=wallet.account,
            credit=fund.account,
            amount=1,
            kind=TransferKind.REFUND,
            _refund_of=payment,
        )


def test_refund_and_reversal_exclude_each_other(paid, shop, make_fund, make_wallet, system_actor):
    _fund, wallet, payment = paid
    refunds.refund(system_actor, payment, 100, idempotency_key="ref-1")
    with pytest.raises(AlreadyReversed):
        transfers.reverse(system_actor, payment)
    other = wallets.pay_from_wallet(
        system_actor, wallet=wallet, merchant=shop, amount=300, idempotency_key="pay-2"
    )
    transfers.reverse(system_actor, other)
    assert refunds.refundable(other) == 0
    with pytest.raises(RefundExceeded):
        refunds.refund(system_actor, other, 100, idempotency_key="ref-2")
    assert statements.balance(wallet.account) == 3_000 + 100


def test_refund_needs_the_money_with_the_merchant(paid, shop, system_actor):
    """The shop was already paid out: the refund would overdraw its receivable."""
    _fund, _wallet, payment = paid
    receivable = wallets.merchant_account(shop)
    payout = Account.objects_unscoped.create(
        organization=shop, kind=AccountKind.PAYOUT, name="Pagamenti"
    )
    transfers.transfer(
        system_actor, debit=receivable, credit=payout, amount=1_500, kind=TransferKind.SETTLEMENT
    )
    with pytest.raises(InsufficientFunds):
        refunds.refund(system_actor, payment, 600, idempotency_key="ref-1")
    refunds.refund(system_actor, payment, 500, idempotency_key="ref-2")
    assert statements.balance(receivable) == 0


def test_refund_to_an_expired_wallet_goes_in_and_the_sweep_returns_it(paid, shop, system_actor):
    fund, wallet, payment = paid
    later = TODAY + datetime.timedelta(days=6)
    assert [t.amount for t in wallets.expire_wallets(system_actor, today=later)] == [3_000]
    refunds.refund(system_actor, payment, 800, idempotency_key="ref-late")
    assert statements.balance(wallet.account) == 800
    wallet.refresh_from_db()
    with pytest.raises(NotSpendable):
        wallets.pay_from_wallet(
            system_actor, wallet=wallet, merchant=shop, amount=100, idempotency_key="after"
        )
    assert [t.amount for t in wallets.expire_wallets(system_actor, today=later)] == [800]
    assert statements.balance(wallet.account) == 0
    assert statements.balance(fund.account) == 5_000 + 3_000 + 800
    summary = funds.fund_summary(fund)
    assert (summary["spent"], summary["returned"]) == (1_200, 3_800)


def test_own_money_top_up_goes_back_to_the_provider_account(
    make_wallet, make_person, municipality, shop, system_actor
):
    own = wallets.open_wallet(
        system_actor,
        person=make_person(municipality),
        organization=municipality,
        title="Denaro proprio",
        source_kind=WalletSource.TOP_UP,
    )
    provider = Account.objects_unscoped.create(
        organization=municipality, kind=AccountKind.EXTERNAL, name="Pagamenti online: prova"
    )
    top_up = wallets.top_up(system_actor, own, 1_000, source=provider, idempotency_key="in")
    payment = wallets.pay_from_wallet(
        system_actor, wallet=own, merchant=shop, amount=1_000, idempotency_key="pay-own"
    )
    refunds.refund(system_actor, payment, 400, idempotency_key="back-1")
    out = refunds.refund(system_actor, top_up, 400, idempotency_key="back-2")
    assert (out.debit_account_id, out.credit_account_id) == (own.account_id, provider.pk)
    assert statements.balance(own.account) == 0
    assert statements.balance(provider) == -600
    # A top-up gives back at most what it brought in, even with money in the wallet.
    wallets.top_up(system_actor, own, 5_000, source=provider, idempotency_key="in-2")
    with pytest.raises(RefundExceeded):
        refunds.refund(system_actor, top_up, 601, idempotency_key="back-3")


def test_statement_says_who_refunded(paid, shop, system_actor):
    _fund, wallet, payment = paid
    refunds.refund(system_actor, payment, 700, idempotency_key="ref-1")
    _opening, entries = statements.statement(wallet.account, scoped=False)
    newest = entries.first()
    assert statements.describe(newest) == (f"Rimborso da {shop.name}", shop.name)
    receivable_entry = statements.statement(wallets.merchant_account(shop), scoped=False)[1][0]
    assert statements.describe(receivable_entry) == (
        f"Rimborso a {wallet.account.name}",
        wallet.account.name,
    )


def test_invariants_catch_a_refund_beyond_its_payment_or_not_mirroring_it(
    paid, shop, system_actor, allow_corrupt_ledger
):
    _fund, wallet, payment = paid
    receivable = wallets.merchant_account(shop)
    assert check_invariants() == []
    # Written past refunds.refund(), as a bug would: more than the payment moved.
    wallets.pay_from_wallet(
        system_actor, wallet=wallet, merchant=shop, amount=3_000, idempotency_key="pay-2"
    )
    transfers.transfer(
        system_actor,
        debit=receivable,
        credit=wallet.account,
        amount=2_500,
        kind=TransferKind.REFUND,
        idempotency_key="bad-1",
        object_type="ledger.transfer",
        object_id=str(payment.pk),
        _refund_of=payment,
    )
    problems = check_invariants()
    assert (
        len(problems) == 1
        and f"movimento {payment.pk} di € 20,00 è stato restituito per € 25,00" in problems[0]
    ), problems
    # A refund naming nothing it mirrors.
    transfers.transfer(
        system_actor,
        debit=receivable,
        credit=wallet.account,
        amount=100,
        kind=TransferKind.REFUND,
        idempotency_key="bad-2",
        object_type="ledger.transfer",
        object_id="999999999",
        _refund_of=payment,
    )
    assert any("non rispecchia" in p for p in check_invariants())

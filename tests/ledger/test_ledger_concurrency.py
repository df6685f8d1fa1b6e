"""PostgreSQL concurrency: real threads, real row locks, committed transactions."""

import pytest

from benecomune.ledger.exceptions import AlreadyReversed, InsufficientFunds
from benecomune.ledger.models import Transfer, Wallet
from benecomune.ledger.services import funds, statements, transfers, wallets
from tests.helpers import run_parallel

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def fresh(wallet):
    return Wallet.objects_unscoped.select_related("account").get(pk=wallet.pk)


def test_64_workers_spending_one_wallet_never_overdraw(make_fund, make_wallet, shop, system_actor):
    fund = make_fund(1_000_000)
    wallet = make_wallet(fund, 10_000)  # credited by appending: the first payer folds it
    receivable = wallets.merchant_account(shop)
    payers, awarders = 48, 16

    def work(i):
        if i < awarders:
            return (
                "credit",
                funds.award(system_actor, fund, fresh(wallet), 200, idempotency_key=f"award-{i}"),
            )
        try:
            return (
                "debit",
                wallets.pay_from_wallet(
                    system_actor,
                    wallet=fresh(wallet),
                    merchant=shop,
                    amount=300,
                    idempotency_key=f"pay-{i}",
                    merchant_account_=receivable,
                ),
            )
        except InsufficientFunds:
            return ("refused", None)

    results, errors = run_parallel(payers + awarders, work)
    assert errors == []
    debits = sum(1 for kind, _t in results if kind == "debit")
    refused = sum(1 for kind, _t in results if kind == "refused")
    assert debits + refused == payers
    credits = 10_000 + awarders * 200
    final = statements.balance(wallet.account)
    assert final == credits - debits * 300
    assert final >= 0
    assert statements.balance(receivable) == debits * 300


def test_parallel_replays_of_one_key_have_one_effect(make_fund, make_wallet, shop, system_actor):
    wallet = make_wallet(make_fund(100_000), 10_000)

    def work(i):
        return wallets.pay_from_wallet(
            system_actor,
            wallet=fresh(wallet),
            merchant=shop,
            amount=1_234,
            idempotency_key="one-key",
        ).pk

    results, errors = run_parallel(32, work)
    assert errors == []
    assert len(set(results)) == 1
    assert Transfer.objects.filter(idempotency_key="one-key").count() == 1
    assert statements.balance(wallet.account) == 10_000 - 1_234


def test_parallel_payments_to_one_merchant_lose_nothing(make_fund, make_wallet, shop, system_actor):
    fund = make_fund(1_000_000)
    wallet_list = [make_wallet(fund, 5_000) for _ in range(48)]
    receivable = wallets.merchant_account(shop)

    def work(i):
        if i >= len(wallet_list):
            # Settling the hot merchant while it is being paid must not lose a credit.
            return transfers.settle(receivable)
        results = []
        for n in range(5):
            results.append(
                wallets.pay_from_wallet(
                    system_actor,
                    wallet=fresh(wallet_list[i]),
                    merchant=shop,
                    amount=100 + i,
                    idempotency_key=f"m-{i}-{n}",
                )
            )
        return results

    _results, errors = run_parallel(len(wallet_list) + 4, work)
    assert errors == []
    expected = sum(5 * (100 + i) for i in range(len(wallet_list)))
    assert statements.balance(receivable) == expected
    transfers.settle(receivable)
    receivable.refresh_from_db()
    assert receivable.balance == expected


def test_parallel_reversals_reverse_once(make_fund, make_wallet, shop, system_actor):
    wallet = make_wallet(make_fund(100_000), 10_000)
    payment = wallets.pay_from_wallet(
        system_actor, wallet=fresh(wallet), merchant=shop, amount=500, idempotency_key="to-reverse"
    )

    def work(i):
        return transfers.reverse(system_actor, payment, idempotency_key=f"rev-{i}").pk

    results, errors = run_parallel(16, work)
    assert len(results) == 1
    assert len(errors) == 15
    assert all(isinstance(e, AlreadyReversed) for e in errors)
    assert statements.balance(wallet.account) == 10_000


def test_parallel_reservations_never_exceed_the_fund(make_fund, system_actor):
    fund = make_fund(10_000)

    def work(i):
        return funds.reserve(system_actor, fund, 700, idempotency_key=f"r-{i}")

    results, errors = run_parallel(32, work)
    assert len(results) == 10_000 // 700
    assert all(isinstance(e, InsufficientFunds) for e in errors)
    assert statements.available(fund.account) == 10_000 - 700 * len(results)

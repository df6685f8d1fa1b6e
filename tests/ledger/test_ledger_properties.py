"""Property test: random sequences of contributions, awards, payments, reversals,
reservations, releases, expiries and replays never break the ledger's invariants, and every
balance matches an independent model of what should have happened."""

import datetime

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from benecomune.ledger.exceptions import LedgerError
from benecomune.ledger.models import Wallet
from benecomune.ledger.services import funds, statements, transfers, wallets
from benecomune.ledger.services.invariants import check_invariants

pytestmark = pytest.mark.django_db

amounts = st.integers(min_value=1, max_value=5_000)
idx = st.integers(min_value=0, max_value=2)
operations = st.lists(
    st.one_of(
        st.tuples(st.just("contribute"), idx, amounts),
        st.tuples(st.just("award"), idx, amounts),
        st.tuples(st.just("award_reserved"), idx, amounts),
        st.tuples(st.just("pay"), idx, idx, amounts),
        st.tuples(st.just("reverse"), st.integers(0, 30)),
        st.tuples(st.just("reserve"), amounts),
        st.tuples(st.just("release"), st.integers(0, 10), st.one_of(st.none(), amounts)),
        st.tuples(st.just("expire"), idx),
        st.tuples(st.just("replay"), st.integers(0, 30)),
        st.tuples(st.just("settle"), idx),
    ),
    min_size=1,
    max_size=25,
)


@pytest.fixture
def world(make_fund, make_wallet, make_provider):
    """Created once per test; every example runs in a savepoint rolled back at its end."""
    fund = make_fund(20_000)
    today = timezone.localdate()
    wallet_list = [
        make_wallet(fund, valid_until=today + datetime.timedelta(days=10 * (n + 1)))
        for n in range(3)
    ]
    merchants = [make_provider(category="grocery") for _ in range(3)]
    return fund, wallet_list, merchants


@settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=operations)
def test_random_operations_keep_invariants(ops, world, system_actor):
    with transaction.atomic():
        _run(ops, *world, system_actor)
        transaction.set_rollback(True)


def _run(ops, fund, wallet_list, merchants, actor):
    today = timezone.localdate()
    contributors = ["Regione", "Fondazione", "Comune"]
    accounts = (
        [fund.account]
        + [w.account for w in wallet_list]
        + [wallets.merchant_account(m) for m in merchants]
    )
    expected = {a.pk: 0 for a in accounts}
    expected[fund.account_id] = 20_000
    done, reservations = [], []
    keys = iter(range(10**6))

    def apply(t, sign=1):
        expected[t.debit_account_id] = expected.get(t.debit_account_id, 0) - sign * t.amount
        expected[t.credit_account_id] = expected.get(t.credit_account_id, 0) + sign * t.amount

    for op in ops:
        name = op[0]
        try:
            with transaction.atomic():
                if name == "contribute":
                    t = funds.add_contribution(
                        actor, fund, contributor=contributors[op[1]], amount=op[2]
                    )
                elif name in ("award", "award_reserved"):
                    wallet = Wallet.objects_unscoped.get(pk=wallet_list[op[1]].pk)
                    reservation = None
                    if name == "award_reserved":
                        reservation = funds.reserve(actor, fund, op[2])
                    t = funds.award(actor, fund, wallet, op[2], reservation=reservation)
                    if reservation is not None:
                        reservations.append(reservation)
                elif name == "pay":
                    wallet = Wallet.objects_unscoped.get(pk=wallet_list[op[1]].pk)
                    t = wallets.pay_from_wallet(
                        actor,
                        wallet=wallet,
                        merchant=merchants[op[2]],
                        amount=op[3],
                        idempotency_key=f"pay-{next(keys)}",
                    )
                elif name == "reverse" and done:
                    original = done[op[1] % len(done)]
                    t = transfers.reverse(actor, original)
                elif name == "reserve":
                    reservations.append(funds.reserve(actor, fund, op[1]))
                    t = None
                elif name == "release" and reservations:
                    funds.release(actor, reservations[op[1] % len(reservations)], op[2])
                    t = None
                elif name == "expire":
                    moved = wallets.expire_wallets(
                        actor, today=today + datetime.timedelta(days=10 * (op[1] + 1) + 1)
                    )
                    for m in moved:
                        apply(m)
                    t = None
                elif name == "replay" and done:
                    original = done[op[1] % len(done)]
                    again = transfers.transfer(
                        actor,
                        debit=original.debit_account,
                        credit=original.credit_account,
                        amount=original.amount,
                        kind=original.kind,
                        idempotency_key=original.idempotency_key,
                        _reversal_of=original.reversal_of,
                    )
                    assert again.pk == original.pk
                    t = None
                elif name == "settle":
                    transfers.settle(accounts[op[1]])
                    t = None
                else:
                    t = None
        except LedgerError:
            t = None
        if t is not None:
            apply(t)
            done.append(t)
        assert check_invariants() == []
        for account in accounts:
            assert statements.balance(account) == expected[account.pk]
            assert statements.balance(account) >= 0
        assert statements.available(fund.account) >= 0

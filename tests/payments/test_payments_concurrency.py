"""PostgreSQL concurrency: intents on the same wallets authorised at once never overdraw and
never deadlock (wallets are locked in id order); replays of one key make one intent."""

import pytest

from benecomune.ledger.exceptions import InsufficientFunds
from benecomune.ledger.services import statements
from benecomune.payments.models import IntentStatus, PaymentIntent
from benecomune.payments.services import checkout
from benecomune.payments.services.planning import wallet_leg
from tests.helpers import run_parallel

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_crossed_legs_on_two_wallets_neither_deadlock_nor_overdraw(
    system_actor, buyer, shop_, buyer_wallets
):
    first, second = buyer_wallets[0], buyer_wallets[1]  # 20 and 30 euro
    intents = []
    for n in range(12):
        # Half take the wallets in one order, half in the other: a lock cycle if not sorted.
        legs = [wallet_leg(first, 300), wallet_leg(second, 400)]
        intents.append(
            checkout.create_intent(
                system_actor,
                buyer=buyer,
                payee=shop_,
                amount=700,
                legs=legs if n % 2 else legs[::-1],
                idempotency_key=f"cross-{n}",
            )
        )

    def work(i):
        try:
            return checkout.authorise(system_actor, intents[i]).status
        except InsufficientFunds:
            return "refused"

    results, errors = run_parallel(len(intents), work)
    assert errors == []
    authorised = results.count(IntentStatus.AUTHORISED)
    assert authorised == 6  # 20 euro / 3 euro: six holds fit on the first wallet
    assert statements.available(first.account) == 2_000 - authorised * 300
    assert statements.available(second.account) == 3_000 - authorised * 400


def test_parallel_replays_of_one_key_make_one_intent(system_actor, buyer, shop_, buyer_wallets):
    def work(i):
        return checkout.create_intent(
            system_actor,
            buyer=buyer,
            payee=shop_,
            amount=500,
            legs=[wallet_leg(buyer_wallets[0], 500)],
            idempotency_key="same-key",
        ).pk

    results, errors = run_parallel(8, work)
    assert errors == []
    assert len(set(results)) == 1
    assert PaymentIntent.objects_unscoped.count() == 1

"""A purchase paid at once from one wallet: an intent authorised and captured in one step.

This is the one-step entry of the checkout, for a buyer standing at the till with one
voucher (the till's plain redemption) or for a system actor settling a purchase already
agreed (the demo). It moves money exactly as a one-leg intent's capture would, but keeps no
`PaymentIntent` row: the caller's record of the purchase (the till's `Redemption`) is the
intent's record, written in the same transaction — on PostgreSQL in the same statement as
the payment (`ledger.services.linked`), which is what keeps a redemption to one round trip.

The till's fast path (`vouchers.services.one_statement`) is the fenced performance island of
this entry: one PL/pgSQL statement, proved equivalent by tests/vouchers/test_vouchers_linked.py
and the spending-policy gate test (tests/ledger/test_spending_policy_sql.py).

`wallets.pay_from_wallet`, `linked.pay_and_record` and `holds.*` are the ledger's primitives
behind this module and `checkout`; other apps call these two modules, never the primitives
(tests/payments/test_payments_entry_points.py).
"""

from benecomune.core.actors import Actor
from benecomune.core.models import Provider
from benecomune.ledger.models import Account, Transfer, Wallet
from benecomune.ledger.services import linked
from benecomune.ledger.services.wallets import merchant_account, pay_from_wallet

Record = linked.Record


def pay_now(
    actor: Actor,
    *,
    wallet: Wallet,
    payee: Provider,
    amount: int,
    idempotency_key: str,
    payee_account: Account | None = None,
    record: Record | None = None,
    memo: str = "",
) -> tuple[Transfer, tuple | None]:
    """Pay `amount` cents from `wallet` to `payee` now. With `record`, the caller's row is
    written with the payment (returned as the second item; None on a replay). A retry with
    the same key returns the first payment and moves nothing."""
    if record is not None:
        return linked.pay_and_record(
            actor,
            wallet=wallet,
            merchant=payee,
            merchant_account_=payee_account or merchant_account(payee),
            amount=amount,
            idempotency_key=idempotency_key,
            record=record,
        )
    payment = pay_from_wallet(
        actor,
        wallet=wallet,
        merchant=payee,
        amount=amount,
        idempotency_key=idempotency_key,
        merchant_account_=payee_account,
        memo=memo,
    )
    return payment, None

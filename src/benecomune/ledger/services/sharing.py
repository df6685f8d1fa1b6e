"""Shared value in the ledger: part of a payment moved, in the payment's own transaction, from
the merchant's receivable to a social project's account, and moved back with the payment's
void or refund (DESIGN.md §4). The ledger knows no agreements: the app that keeps them (the
observatory) registers a planner that says, for a payment about to be made, which account
gets how much (`register_planner`). Every path that writes a PAYMENT calls in here:
`transfers.transfer` (both implementations), `linked.pay_and_record` (the till's one
statement), and the till's device statement steps aside (`applies_to`) for merchants with an
agreement, so the usual path routes.

Movements, all SHARED_VALUE transfers naming the payment (`object_type="ledger.transfer"`,
`object_id` = the PAYMENT's id), each keyed `sv:<key of the transfer that caused it>` (so a
replay of the payment, refund or void replays its share too, and a debit note line finds the
share of its transfer by key):

- PAYMENT of `a` with share `s`: merchant → project, `s`, right after the payment. The
  merchant is not locked: the share is appended as a negative delta, as the payment's credit
  it comes out of was appended as a positive one in the same transaction, so the merchant's
  balance (stored + deltas) never goes below zero and a busy shop never becomes a queue.
- REFUND of `x` (refunds not reversed, this one included, total `r`): project → merchant, what
  brings the payment's net share down to `s - s·r // a`, before the refund (the project's
  account is locked as any payer), so a whole refund gives back exactly `s`.
- REVERSAL of the payment (a void): project → merchant, what is left of `s`, before it.
- REVERSAL of a refund: merchant → project, what that refund had given back, after it.

The project's account must still hold the money to give back: after a disbursement, a refund
or void may fail with InsufficientFunds (as a merchant's refund after its payout does).
"""

import dataclasses
from collections.abc import Callable

from django.db import transaction
from django.db.models import Sum
from django.db.models.functions import Coalesce

from benecomune.core.actors import Actor
from benecomune.ledger.models import Account, AccountKind, Transfer, TransferKind, Wallet
from benecomune.ledger.models.transfers import REFUND_OBJECT


@dataclasses.dataclass(frozen=True)
class Share:
    account: Account  # the project's SHARED_VALUE account
    amount: int  # cents, > 0, never more than the payment
    memo: str


# planner(merchant organisation id, payment amount, wallet getter) -> Share | None
Planner = Callable[[int, int, Callable[[], Wallet | None]], Share | None]
# applies(merchant organisation id) -> whether the merchant has an agreement in force today
Applies = Callable[[int], bool]
_planner: Planner | None = None
_applies: Applies | None = None


def register_planner(planner: Planner, applies: Applies) -> None:
    global _planner, _applies
    _planner, _applies = planner, applies


def applies_to(merchant_id: int) -> bool:
    """Whether payments to this merchant may carry a share today (a query when a planner is
    registered): the till's one statement steps aside for them."""
    return _applies is not None and _applies(merchant_id)


def share_key(key: str) -> str:
    return f"sv:{key}"[:100]


def plan(debit: Account, credit: Account, amount: int, wallet: Wallet | None) -> Share | None:
    """The share of a payment `debit` → `credit` about to be made, or None."""
    if _planner is None or credit.kind != AccountKind.MERCHANT:
        return None

    def wallet_getter():
        if wallet is not None:
            return wallet
        return Wallet.objects_unscoped.filter(account_id=debit.pk).first()

    share = _planner(credit.organization_id, amount, wallet_getter)
    if share is None or share.amount <= 0:
        return None
    return dataclasses.replace(share, amount=min(share.amount, amount))


def route(actor: Actor, payment: Transfer, share: Share, key: str) -> Transfer:
    """The share of a payment just written in this transaction: merchant → project."""
    return _out(actor, payment.credit_account, share.account, share.amount, key, payment.pk,
                share.memo)  # fmt: skip


def _out(actor, merchant: Account, project: Account, amount: int, key: str, payment_id, memo):
    from benecomune.ledger.services.transfers import transfer

    # The merchant was credited at least `amount` in this same transaction: its debit is
    # appended (no lock, no floor check), as an external account's is.
    appended = Account(
        pk=merchant.pk,
        organization_id=merchant.organization_id,
        person_id=None,
        kind=merchant.kind,
        allow_negative=True,
    )
    return transfer(
        actor,
        debit=appended,
        credit=project,
        amount=amount,
        kind=TransferKind.SHARED_VALUE,
        idempotency_key=share_key(key),
        object_type=REFUND_OBJECT,
        object_id=str(payment_id),
        memo=memo,
    )


def _shares(payment: Transfer) -> tuple[int, int, int | None]:
    """(the payment's share, its net share now, the project's account id)."""
    rows = Transfer.objects_unscoped.filter(
        kind=TransferKind.SHARED_VALUE, object_type=REFUND_OBJECT, object_id=str(payment.pk)
    ).values_list("idempotency_key", "amount", "debit_account__kind", "credit_account_id")
    first, net, project_id = 0, 0, None
    for key, amount, debit_kind, credit_id in rows:
        if key == share_key(payment.idempotency_key):
            first, project_id = amount, credit_id
        net += amount if debit_kind == AccountKind.MERCHANT else -amount
    return first, net, project_id


def around(actor: Actor, args, wallet, original: Transfer | None, run: Callable[[], Transfer]):
    """Run the transfer `run` writes, with its shared value. `args`: transfers.TransferArgs."""
    kind = args.kind
    if _planner is None:
        return run()
    if kind == TransferKind.PAYMENT:
        share = plan(args.debit, args.credit, args.amount, wallet)
        if share is None:
            return run()
        with transaction.atomic():
            payment = run()
            route(actor, payment, share, args.key)
            return payment
    if original is None or kind not in (TransferKind.REFUND, TransferKind.REVERSAL):
        return run()
    if original.kind == TransferKind.PAYMENT:
        return _give_back(actor, args, original, run)
    if kind == TransferKind.REVERSAL and original.kind == TransferKind.REFUND:
        return _route_again(actor, args, original, run)
    return run()


def _give_back(actor, args, payment: Transfer, run):
    share, net, project_id = _shares(payment)
    if share == 0 or Transfer.objects_unscoped.filter(idempotency_key=share_key(args.key)).exists():
        return run()
    if args.kind == TransferKind.REVERSAL:
        due = net
    else:
        from benecomune.ledger.services.refunds import refunds_of

        live = refunds_of(payment).filter(reversal__isnull=True)
        refunded = live.aggregate(t=Coalesce(Sum("amount"), 0))["t"] + args.amount
        due = net - (share - share * min(refunded, payment.amount) // payment.amount)
    with transaction.atomic():
        if due > 0:
            from benecomune.ledger.services.transfers import transfer

            transfer(
                actor,
                debit=Account.objects_unscoped.get(pk=project_id),
                credit=Account.objects_unscoped.get(pk=payment.credit_account_id),
                amount=due,
                kind=TransferKind.SHARED_VALUE,
                idempotency_key=share_key(args.key),
                object_type=REFUND_OBJECT,
                object_id=str(payment.pk),
                memo=args.memo[:200],
            )
        return run()


def _route_again(actor, args, refund: Transfer, run):
    """A refund undone: the payment's share is routed again up to what its refunds still
    standing leave (the same target as `_give_back`, so rounding never drifts a cent, even when
    the undone refund itself gave nothing back)."""
    from benecomune.ledger.services.refunds import refunds_of

    payment = Transfer.objects_unscoped.filter(pk=int(refund.object_id or 0)).first()
    share, net, project_id = _shares(payment) if payment is not None else (0, 0, None)
    if share == 0 or project_id is None:
        return run()
    standing = refunds_of(payment).filter(reversal__isnull=True).exclude(pk=refund.pk)
    refunded = standing.aggregate(t=Coalesce(Sum("amount"), 0))["t"]
    due = (share - share * min(refunded, payment.amount) // payment.amount) - net
    with transaction.atomic():
        reversal = run()
        if due > 0:
            _out(actor, args.credit, Account.objects_unscoped.get(pk=project_id),
                 due, args.key, refund.object_id, args.memo)  # fmt: skip
        return reversal


def shares_of_transfers(transfers) -> dict[int, int]:
    """{transfer id: the shared value it moved out of the merchant (negative: given back)} for
    payments, refunds and reversals at a merchant (a debit note's lines)."""
    keys = {share_key(t.idempotency_key): t.pk for t in transfers}
    result = {}
    rows = Transfer.objects_unscoped.filter(
        kind=TransferKind.SHARED_VALUE, idempotency_key__in=list(keys)
    ).values_list("idempotency_key", "amount", "debit_account__kind")
    for key, amount, debit_kind in rows:
        result[keys[key]] = amount if debit_kind == AccountKind.MERCHANT else -amount
    return result


def fetch_one(sql: str, params: list):
    """One row of the planner's lookup, run on every payment: on PostgreSQL through the
    ledger's prepared psycopg cursor (no Django cursor, plan cached per connection), else
    through Django's. `sql` uses %s placeholders; integers are sent as bigint."""
    from django.db import connections

    from benecomune.ledger.services.transfers_pg import pg_cursor

    conn = connections["default"]
    if conn.vendor != "postgresql" or conn.queries_logged or conn.execute_wrappers:
        with conn.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone()
    conn.ensure_connection()
    cursor = pg_cursor(conn)
    with conn.wrap_database_errors:
        cursor.execute(sql, params, prepare=True, binary=True)
    return cursor.fetchone()

"""A payment written together with the caller's record of it: one statement on PostgreSQL.

`pay_and_record` is `wallets.pay_from_wallet` plus a row of another app (the till's redemption),
in one
transaction, so there is never a payment without its record nor a record without its payment.
On PostgreSQL it is one round trip and one commit: a caller's PL/pgSQL function that takes
`ledger_transfer()`'s 19 arguments first, calls it (the same function `transfers.transfer`
calls), and then writes its row (returning nothing on a replay). Elsewhere, and when
`transfers.USE_PG_FUNCTION` is off, it is `wallets.pay_from_wallet` and the caller's Python in one
`atomic()` block. Either way the ledger does exactly what `pay` does: same checks, same rows,
same errors, same replay semantics (tests/vouchers/test_vouchers_linked.py compares them).
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass

import psycopg
from django.db import DatabaseError, connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from benecomune.core.actors import Actor
from benecomune.core.models import Provider
from benecomune.ledger import spending
from benecomune.ledger.exceptions import TransferNotAllowed
from benecomune.ledger.models import Account, Transfer, TransferKind, Wallet
from benecomune.ledger.services import policy, sharing, transfers
from benecomune.ledger.services import transfers_pg as pg
from benecomune.ledger.services.wallets import pay_from_wallet


@dataclass(frozen=True)
class Record:
    """The caller's part. `pg_function`: name of a function taking ledger_transfer()'s 19
    arguments then `pg_params`, returning the caller's row (none on a replay). `python`:
    called with the new payment inside the transaction, returns the same row."""

    pg_function: str
    pg_params: tuple
    python: Callable[[Transfer], tuple | None]


def pay_and_record(
    actor: Actor,
    *,
    wallet: Wallet,
    merchant: Provider,
    merchant_account_: Account,
    amount: int,
    idempotency_key: str,
    record: Record,
) -> tuple[Transfer, tuple | None]:
    """(payment, the caller's row). On a replay the first payment comes back with row None
    (or, on the Python path, the row if it was missing): the caller reads its own row."""
    conn = connections["default"]
    # A wallet whose source counts its payments (a company plan's fringe cap) takes the Python
    # path, where `pay_from_wallet` runs the count in the payment's transaction.
    if (
        conn.vendor != "postgresql"
        or not transfers.USE_PG_FUNCTION
        or spending.counts_payments(wallet)
    ):
        with transaction.atomic():
            payment = pay_from_wallet(
                actor,
                wallet=wallet,
                merchant=merchant,
                amount=amount,
                idempotency_key=idempotency_key,
                merchant_account_=merchant_account_,
            )
            # On a replay the caller's INSERT finds its row there and returns None, as the
            # function does.
            return payment, record.python(payment)
    # As wallets.pay_from_wallet and transfers.transfer check before writing anything.
    if not (actor.system or (actor.user and actor.user.person_id == wallet.person_id)):
        actor.require("merchant.redeem", merchant)
    transfers._check_amount(amount)
    debit, credit = wallet.account, merchant_account_
    allowed = policy.is_allowed(TransferKind.PAYMENT, debit.kind, credit.kind)
    if debit.pk == credit.pk or not allowed:
        raise TransferNotAllowed(_("Buono o esercente non corrispondono ai conti."))
    key = idempotency_key or uuid.uuid4().hex
    now = timezone.now()
    args = transfers.TransferArgs(
        actor, debit, credit, amount, TransferKind.PAYMENT, key, "", "", merchant.name, None,
        None, now,
    )  # fmt: skip
    refused = pg.rules_verdict(TransferKind.PAYMENT, debit, credit, amount, now, wallet, merchant)
    sql = _sql(record.pg_function, len(record.pg_params))
    params = pg.pg_params(args, refused) + tuple(record.pg_params)
    share = sharing.plan(debit, credit, amount, wallet)
    if share is None:
        return _call(conn, sql, params, args, refused)
    with transaction.atomic():  # the payment and its shared value: one transaction
        payment, row = _call(conn, sql, params, args, refused)
        sharing.route(actor, payment, share, key)
        return payment, row


def _call(conn, sql, params, args, refused) -> tuple[Transfer, tuple | None]:
    try:
        row = pg.in_savepoint(conn, call_function, sql, params)
    except (DatabaseError, psycopg.Error) as exc:
        pg.raise_refusal(exc, refused, args.amount)
        raise
    if row is None:
        payment = transfers._replay(
            args.key, TransferKind.PAYMENT, args.debit, args.credit, args.amount, None
        )
        return payment, None
    payment = transfers._result(row[0], args, conn.alias)
    return payment, tuple(row[1:])


_TYPES = (
    "%s::text, %s::text, %s::bigint, %s::bigint, %s::bigint, %s::text, %s::text, %s::text,"
    " %s::bigint, %s::text, %s::bigint, %s::bigint, %s::timestamptz, %s::boolean,"
    " %s::boolean, %s::bigint, %s::bigint, %s::inet, %s::text"
)


def _sql(function: str, extra: int) -> str:
    if not function.isidentifier():
        raise ValueError("function name")
    return f"SELECT * FROM {function}({_TYPES}{', %s' * extra})"  # noqa: S608


def call_function(conn, sql: str, params):
    """One row of a PL/pgSQL function of the ledger's family (it may raise LD001-LD003, left
    as psycopg errors for `transfers_pg.raise_refusal`; other errors as Django's)."""
    if conn.queries_logged or conn.execute_wrappers:
        with conn.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone()
    conn.ensure_connection()
    cursor = pg._pg_cursor(conn)
    try:
        cursor.execute(sql, params, binary=True)
    except psycopg.Error as exc:
        if (exc.sqlstate or "").startswith("LD"):
            raise
        with conn.wrap_database_errors:
            raise
    return cursor.fetchone()

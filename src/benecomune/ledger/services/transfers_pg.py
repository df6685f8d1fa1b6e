"""`transfer` on PostgreSQL: the whole transfer in one call of `ledger_transfer()`
(ledger/sql/ledger_transfer.sql), one round trip. Same steps, same rows and same errors as the
Python path in transfers.py; tests/ledger/test_ledger_fast_path.py checks that both agree."""

import psycopg
from django.db import DatabaseError, transaction
from django.utils.translation import gettext as _

from benecomune.ledger.exceptions import (
    InsufficientFunds,
    ReservationExceeded,
)
from benecomune.ledger.models import Transfer
from benecomune.ledger.money import format_euro
from benecomune.ledger.services.transfers import (
    TransferArgs,
    check_rules,
    replay,
    transfer_columns,
    transfer_result,
)

# One round trip on PostgreSQL: see ledger/sql/ledger_transfer.sql. The casts fix the parameter
# types, so one server-side prepared statement serves every call.
_PG_TRANSFER_SQL = (
    "SELECT ledger_transfer(%s::text, %s::text, %s::bigint, %s::bigint, %s::bigint, %s::text,"
    " %s::text, %s::text, %s::bigint, %s::text, %s::bigint, %s::bigint, %s::timestamptz,"
    " %s::boolean, %s::boolean, %s::bigint, %s::bigint, %s::inet, %s::text)"
)


def transfer_pg(conn, args: TransferArgs, wallet, merchant) -> Transfer:
    """`transfer` on PostgreSQL: the same steps in `ledger_transfer()`, one round trip.

    The spending rules are evaluated here first, but their verdict only counts after the key
    is claimed (the function raises LD003 then): a replay still returns the first transfer."""
    debit, credit, amount, kind = args.debit, args.credit, args.amount, args.kind
    refused = rules_verdict(kind, debit, credit, amount, args.now, wallet, merchant)
    try:
        pk = in_savepoint(conn, _call_pg, pg_params(args, refused))
    except (DatabaseError, psycopg.Error) as exc:
        raise_refusal(exc, refused, amount)
        raise
    if pk is None:
        return replay(args.key, kind, debit, credit, amount, args.reversal_of)
    return transfer_result(pk, args, conn.alias)


def in_savepoint(conn, call, *params):
    """`call(conn, *params)`: in autocommit as one statement (its own transaction), else in a
    savepoint, as the Python path's atomic() does."""
    if conn.get_autocommit() and not conn.in_atomic_block:
        return call(conn, *params)
    with transaction.atomic(using=conn.alias):
        return call(conn, *params)


def rules_verdict(kind, debit, credit, amount, now, wallet, merchant):
    """The spending rules' refusal (an exception to raise later), or None."""
    try:
        check_rules(kind, debit, credit, amount, now, wallet, merchant)
    except DatabaseError:
        raise
    except Exception as exc:  # raised only if the key is ours (not a replay)
        return exc
    return None


def pg_params(args: TransferArgs, refused) -> tuple:
    """The 19 arguments of ledger_transfer(), in order."""
    debit, credit = args.debit, args.credit
    # str(kind): psycopg would dump a TransferKind member by its name, not its value.
    return (
        *transfer_columns(args, str(args.kind)),
        args.now,
        debit.allow_negative,
        refused is not None,
        credit.organization_id if debit.allow_negative else debit.organization_id,
        debit.person_id or credit.person_id,
        args.actor.ip_address or None,
        args.memo,
    )


def raise_refusal(exc, refused, amount) -> None:
    """Turn the function's refusals (SQLSTATE LD001-LD003) into the ledger's exceptions;
    return for any other error (the caller re-raises it)."""
    cause = exc if isinstance(exc, psycopg.Error) else exc.__cause__
    state = getattr(cause, "sqlstate", None)
    if state == "LD003":
        raise refused from None
    if state == "LD001":
        available = int(cause.diag.message_detail)
        raise InsufficientFunds(
            _("Saldo insufficiente: disponibili %(available)s, richiesti %(amount)s.")
            % {"available": format_euro(available), "amount": format_euro(amount)}
        ) from None
    if state == "LD002":
        raise ReservationExceeded(
            _("La prenotazione di budget non copre %(amount)s.") % {"amount": format_euro(amount)}
        ) from None


def pg_cursor(conn) -> psycopg.Cursor:
    """A plain (server-side binding) psycopg cursor on Django's connection, kept per
    connection: Django's own cursors bind client-side and cannot prepare."""
    raw = conn.connection
    cursor = getattr(conn, "_ledger_cursor", None)
    if cursor is None or cursor.connection is not raw or cursor.closed:
        cursor = psycopg.Cursor(raw)
        # Every integer parameter is a bigint: one prepared statement for all values.
        cursor.adapters.register_dumper(int, psycopg.types.numeric.Int8BinaryDumper)
        conn._ledger_cursor = cursor
    return cursor


def _call_pg(conn, params):
    if conn.queries_logged or conn.execute_wrappers:
        # Debug/instrumented connection: go through Django's cursor so the query is seen.
        with conn.cursor() as cursor:
            cursor.execute(_PG_TRANSFER_SQL, params)
            return cursor.fetchone()[0]
    cursor = pg_cursor(conn)
    try:
        cursor.execute(_PG_TRANSFER_SQL, params, prepare=True, binary=True)
    except psycopg.Error as exc:
        if (exc.sqlstate or "").startswith("LD"):
            raise  # a refusal (mapped by the caller), not a database fault
        with conn.wrap_database_errors:  # as Django's cursor: django.db exceptions
            raise
    return cursor.fetchone()[0]


_pg_cursor = pg_cursor  # its name before ledger/services/internal.py

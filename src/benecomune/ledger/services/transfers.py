"""`transfer`, `reverse`, `settle`: the only code that writes entries and balances.

Hot path of one transfer, in one transaction (a handful of statements, no savepoint):
1. claim the idempotency key: INSERT the transfer ... ON CONFLICT DO NOTHING; a replay finds
   the key taken and returns the first transfer (a concurrent replay waits for the first
   transaction on the unique index, then sees its row);
2. debit the payer: one conditional UPDATE that locks the row, checks and changes the balance
   (`... WHERE balance - held >= amount RETURNING`); only when the settled balance is short
   are its pending credits folded in under the lock (slow path), then checked again;
3. write both entries and append the credit as a balance delta (the payee is never locked);
4. write the audit event.
Only the payer's row is ever locked, so there is one lock per transfer and no lock cycle.

On PostgreSQL the same steps run server-side in `ledger_transfer()` (ledger/sql/): one
prepared statement, one round trip, and in autocommit mode no BEGIN/COMMIT either (a single
statement is its own transaction). Inside an outer transaction it runs in a savepoint, as the
Python path's atomic() does. The SQLite path below is the reference implementation; both write
the same rows (tests/ledger/test_ledger_fast_path.py).
"""

import uuid
from datetime import datetime
from typing import NamedTuple

from django.db import IntegrityError, connection, connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from benecomune.core import audit
from benecomune.core.actors import Actor
from benecomune.core.models import Organization, Person
from benecomune.ledger import spending
from benecomune.ledger.exceptions import (
    AlreadyReversed,
    IdempotencyConflict,
    ReservationExceeded,
    TransferNotAllowed,
)
from benecomune.ledger.models import Account, AccountKind, Reservation, Transfer, TransferKind
from benecomune.ledger.services import policy, rules, sharing
from benecomune.ledger.services.locks import debit as debit_payer
from benecomune.ledger.services.locks import (  # noqa: F401 (re-exported from their old home)
    fold_deltas,
    lock_accounts,
    lock_and_settle,
    lock_row,
    settle,
)

_CLAIM_SQL = (
    "INSERT INTO ledger_transfer (idempotency_key, kind, debit_account_id, credit_account_id,"
    " amount, object_type, object_id, memo, actor_id, actor_role, reservation_id,"
    " reversal_of_id, created_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
    " ON CONFLICT (idempotency_key) DO NOTHING RETURNING id"
)
# Switch for tests (the Python path on PostgreSQL, to compare both) and for emergencies.
USE_PG_FUNCTION = True
_ENTRIES_SQL = (
    "INSERT INTO ledger_entry (transfer_id, account_id, amount, created_at)"
    " VALUES (%s, %s, %s, %s), (%s, %s, %s, %s)"
)


def check_amount(amount) -> None:
    # bool is an int in Python: refuse it, and anything that is not an integer number of cents.
    if type(amount) is not int or amount <= 0:
        raise TransferNotAllowed(_("L'importo deve essere un numero intero positivo di centesimi."))


def object_ref(obj, object_type: str, object_id) -> tuple[str, str]:
    if obj is not None:
        return f"{obj._meta.app_label}.{obj._meta.model_name}", str(obj.pk)
    return object_type, "" if object_id is None else str(object_id)


def transfer(
    actor: Actor,
    *,
    debit: Account,
    credit: Account,
    amount: int,
    kind: str,
    idempotency_key: str | None = None,
    obj=None,
    object_type: str = "",
    object_id: str = "",
    memo: str = "",
    reservation: Reservation | None = None,
    wallet=None,
    merchant=None,
    _reversal_of: Transfer | None = None,
    _refund_of: Transfer | None = None,
) -> Transfer:
    """Move `amount` cents from `debit` to `credit`. Callers have authorised `actor`.

    Returns the transfer; with an `idempotency_key` already used for the same movement,
    returns the first transfer and moves nothing (IdempotencyConflict if the data differ).
    `reservation` (on the debit account) is consumed by the amount. `wallet`/`merchant` are
    optional preloaded objects for the spending-rule check of a payment.
    """
    check_amount(amount)
    if debit.pk == credit.pk:
        raise TransferNotAllowed(_("Il conto di addebito e quello di accredito coincidono."))
    if (kind == TransferKind.REVERSAL) != (_reversal_of is not None):
        raise TransferNotAllowed(_("Gli storni si registrano solo con la funzione di storno."))
    # A refund must name what it gives back and stay within it: only refunds.refund() does.
    if (kind == TransferKind.REFUND) != (_refund_of is not None):
        raise TransferNotAllowed(_("I rimborsi si registrano solo con la funzione di rimborso."))
    if kind != TransferKind.REVERSAL and not policy.is_allowed(kind, debit.kind, credit.kind):
        raise TransferNotAllowed(
            _("Movimento non consentito: %(kind)s da %(debit)s a %(credit)s.")
            % {
                "kind": TransferKind(kind).label,
                "debit": AccountKind(debit.kind).label,
                "credit": AccountKind(credit.kind).label,
            }
        )
    if reservation is not None and reservation.account_id != debit.pk:
        raise ReservationExceeded(_("La prenotazione non riguarda il conto addebitato."))
    object_type, object_id = object_ref(obj, object_type, object_id)
    key = idempotency_key or uuid.uuid4().hex
    now = timezone.now()
    conn = connections["default"]
    args = TransferArgs(
        actor, debit, credit, amount, kind, key, object_type, object_id, memo, reservation,
        _reversal_of, now,
    )  # fmt: skip
    return sharing.around(
        actor,
        args,
        wallet,
        _reversal_of if _reversal_of is not None else _refund_of,
        lambda: _write(conn, args, wallet, merchant),
    )


def _write(conn, args: "TransferArgs", wallet, merchant) -> Transfer:
    """The transfer itself (shared value aside: sharing.around)."""
    if conn.vendor == "postgresql" and USE_PG_FUNCTION:
        from benecomune.ledger.services.transfers_pg import transfer_pg

        return transfer_pg(conn, args, wallet, merchant)
    actor, debit, credit, amount, kind, key = args[:6]
    object_type, object_id, memo, reservation, _reversal_of, now = args[6:]
    with transaction.atomic(), connection.cursor() as cursor:
        created = connection.ops.adapt_datetimefield_value(now)
        cursor.execute(_CLAIM_SQL, [*transfer_columns(args, kind), created])
        row = cursor.fetchone()
        if row is None:
            return replay(key, kind, debit, credit, amount, _reversal_of)
        # Rules are checked after the claim so that a replay returns the first result even
        # when the rules would now refuse it (e.g. the wallet expired in between).
        check_rules(kind, debit, credit, amount, now, wallet, merchant)
        debit_payer(cursor, debit, amount, reservation)
        cursor.execute(
            _ENTRIES_SQL, [row[0], debit.pk, -amount, created, row[0], credit.pk, amount, created]
        )
        if debit.allow_negative:
            cursor.execute(
                "INSERT INTO ledger_balancedelta (account_id, amount) VALUES (%s, %s), (%s, %s)",
                [debit.pk, -amount, credit.pk, amount],
            )
        else:
            cursor.execute(
                "INSERT INTO ledger_balancedelta (account_id, amount) VALUES (%s, %s)",
                [credit.pk, amount],
            )
        result = transfer_result(row[0], args, connection.alias)
        person_id = debit.person_id or credit.person_id
        audit.record(
            actor,
            f"ledger.{kind}",
            result,
            organization=Organization(
                pk=credit.organization_id if debit.allow_negative else debit.organization_id
            ),
            person=Person(pk=person_id) if person_id else None,
            after={
                "debit": debit.pk,
                "credit": credit.pk,
                "amount": amount,
                "key": key,
                "object": f"{object_type}:{object_id}" if object_type else "",
            },
            reason=memo,
        )
    return result


class TransferArgs(NamedTuple):
    """One transfer's inputs, built once and handed to the helpers that write or build it."""

    actor: Actor
    debit: Account
    credit: Account
    amount: int
    kind: str
    key: str
    object_type: str
    object_id: str
    memo: str
    reservation: Reservation | None
    reversal_of: Transfer | None
    now: datetime


def transfer_columns(args: TransferArgs, kind) -> tuple:
    """The transfer's columns from idempotency_key to reversal_of_id, in field order: shared by
    the claim's INSERT, the arguments of ledger_transfer() and the instance built without a
    query, so the three cannot drift apart. `kind` as the caller's driver wants it."""
    actor, reservation, reversal_of = args.actor, args.reservation, args.reversal_of
    return (
        args.key,
        kind,
        args.debit.pk,
        args.credit.pk,
        args.amount,
        args.object_type,
        args.object_id,
        args.memo[:200],
        actor.user.pk if actor.user else None,
        actor.label if actor.system else actor.role,
        reservation.pk if reservation is not None else None,
        reversal_of.pk if reversal_of is not None else None,
    )


def transfer_result(pk, args: TransferArgs, alias) -> Transfer:
    """The Transfer just written, built without a query (both paths). Positional arguments in
    field order (as Model.from_db does) are Django's cheap way to build an instance."""
    result = Transfer(pk, *transfer_columns(args, args.kind), args.now)
    cache = result._state.fields_cache
    cache["debit_account"] = args.debit
    cache["credit_account"] = args.credit
    if args.reservation is not None:
        cache["reservation"] = args.reservation
    if args.reversal_of is not None:
        cache["reversal_of"] = args.reversal_of
    result._state.adding = False
    result._state.db = alias
    return result


def check_rules(kind, debit, credit, amount, now, wallet, merchant) -> None:
    if kind == TransferKind.PAYMENT:
        rules.require_spendable(debit, credit, amount, now, wallet=wallet, merchant=merchant)
    elif credit.kind == AccountKind.WALLET and kind not in (
        TransferKind.REVERSAL,
        TransferKind.REFUND,
    ):
        # Money given back (a reversal, a refund) returns even to an expired wallet: the
        # expiry sweep then sends it to the fund (a wallet past its date with money is swept).
        rules.require_creditable(credit, now, wallet=wallet)


def replay(key, kind, debit, credit, amount, reversal_of) -> Transfer:
    existing = Transfer.objects_unscoped.get(idempotency_key=key)
    same = (
        existing.kind == kind
        and existing.debit_account_id == debit.pk
        and existing.credit_account_id == credit.pk
        and existing.amount == amount
        and existing.reversal_of_id == (reversal_of.pk if reversal_of else None)
    )
    if not same:
        # The key is internal (e.g. shop and till's key): never in a message people read.
        raise IdempotencyConflict(
            _("Questo movimento è già stato registrato con dati diversi: non è stato ripetuto.")
        )
    return existing


def reverse(
    actor: Actor, original: Transfer, *, idempotency_key: str | None = None, reason: str = ""
) -> Transfer:
    """Undo a transfer with a new, opposite one. A transfer is reversed at most once (the
    database enforces it); the payee must still hold the money (no overdraft, ever).
    A consumed reservation is not restored: the money goes back to the fund's free balance."""
    if original.kind == TransferKind.REVERSAL:
        raise TransferNotAllowed(_("Uno storno non si può stornare: registri un nuovo movimento."))
    if idempotency_key is None and Transfer.objects_unscoped.filter(reversal_of=original).exists():
        raise AlreadyReversed(_("Il movimento è già stornato."))
    debit = Account.objects_unscoped.get(pk=original.credit_account_id)
    credit = Account.objects_unscoped.get(pk=original.debit_account_id)
    try:
        with transaction.atomic():
            if original.kind in policy.REFUNDABLE:
                refuse_if_refunded(original, debit)
            first = not Transfer.objects_unscoped.filter(reversal_of=original).exists()
            result = transfer(
                actor,
                debit=debit,
                credit=credit,
                amount=original.amount,
                kind=TransferKind.REVERSAL,
                idempotency_key=idempotency_key,
                object_type=original.object_type,
                object_id=original.object_id,
                memo=reason or _("Storno del movimento n. %(id)s") % {"id": original.pk},
                _reversal_of=original,
            )
            if first:  # the wallet source's counters (a plan's fringe cap) go down
                spending.payment_given_back(original, original.amount)
            return result
    except IntegrityError as exc:
        # Two reversals raced with different keys: the unique reversal_of decided.
        raise AlreadyReversed(_("Il movimento è già stornato.")) from exc


def refuse_if_refunded(original: Transfer, debit: Account) -> None:
    """A transfer with refunds is not reversed too (it would give back more than it moved):
    its rest is refunded instead. Under the row lock every refund of it takes first."""
    from benecomune.ledger.services.refunds import refunds_of  # refunds builds on this module

    with connection.cursor() as cursor:
        lock_row(cursor, debit.pk)
    if refunds_of(original).exists():
        raise AlreadyReversed(
            _("Il movimento è già stato rimborsato in tutto o in parte: non si può stornare.")
        )


# The names these helpers had before ledger/services/internal.py named them (still imported by
# modules not yet switched).
_check_amount = check_amount
_object_ref = object_ref
_result = transfer_result
_check_rules = check_rules
_replay = replay
_lock = lock_row
_fold_deltas = fold_deltas

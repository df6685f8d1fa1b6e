"""Row locks and debits of the transfer machinery (the Python path; ledger_transfer() does the
same on PostgreSQL): the payer's conditional debit with its slow path, folding an account's
pending credits, and locking accounts in a deadlock-free order. See transfers.py's module doc.
"""

from django.db import connection, transaction
from django.utils.translation import gettext as _

from benecomune.ledger.exceptions import InsufficientFunds, ReservationExceeded
from benecomune.ledger.models import Account
from benecomune.ledger.money import format_euro

_DEBIT_SQL = (
    "UPDATE ledger_account SET balance = balance - %s"
    " WHERE id = %s AND balance - held >= %s RETURNING balance"
)
_DEBIT_RESERVED_SQL = (
    "UPDATE ledger_account SET balance = balance - %s, held = held - %s"
    " WHERE id = %s AND balance >= %s AND held >= %s RETURNING balance"
)
_CONSUME_SQL = (
    "UPDATE ledger_reservation SET consumed = consumed + %s"
    " WHERE id = %s AND account_id = %s AND amount - consumed - released >= %s"
)


def debit(cursor, account: Account, amount: int, reservation) -> None:
    if account.allow_negative:
        return  # external accounts have no floor: their debit is appended, never locked
    if reservation is None:
        cursor.execute(_DEBIT_SQL, [amount, account.pk, amount])
    else:
        cursor.execute(_DEBIT_RESERVED_SQL, [amount, amount, account.pk, amount, amount])
    if cursor.fetchone() is None:
        debit_slow(cursor, account, amount, reservation)
    if reservation is not None:
        cursor.execute(_CONSUME_SQL, [amount, reservation.pk, account.pk, amount])
        if cursor.rowcount != 1:
            raise ReservationExceeded(
                _("La prenotazione di budget non copre %(amount)s.")
                % {"amount": format_euro(amount)}
            )


def lock_row(cursor, account_id: int) -> tuple[int, int]:
    suffix = " FOR UPDATE" if connection.features.has_select_for_update else ""
    cursor.execute(
        f"SELECT balance, held FROM ledger_account WHERE id = %s{suffix}",  # noqa: S608
        [account_id],
    )
    return cursor.fetchone()


def fold_deltas(cursor, account_id: int) -> int:
    """Remove the account's pending deltas and return their sum. Caller holds the row lock;
    deltas committed after this statement's snapshot stay for the next fold."""
    cursor.execute(
        "DELETE FROM ledger_balancedelta WHERE account_id = %s RETURNING amount", [account_id]
    )
    return sum(r[0] for r in cursor.fetchall())


def debit_slow(cursor, account: Account, amount: int, reservation) -> None:
    balance, held = lock_row(cursor, account.pk)
    pending = fold_deltas(cursor, account.pk)
    balance += pending
    enough = (balance >= amount and held >= amount) if reservation else balance - held >= amount
    if not enough:
        raise InsufficientFunds(
            _("Saldo insufficiente: disponibili %(available)s, richiesti %(amount)s.")
            % {"available": format_euro(max(balance - held, 0)), "amount": format_euro(amount)}
        )
    cursor.execute(
        "UPDATE ledger_account SET balance = balance + %s, held = held - %s WHERE id = %s",
        [pending - amount, amount if reservation else 0, account.pk],
    )


def lock_and_settle(account_id: int) -> tuple[int, int]:
    """Lock the account row, fold its pending deltas; return (balance, held). In a transaction."""
    with connection.cursor() as cursor:
        balance, held = lock_row(cursor, account_id)
        pending = fold_deltas(cursor, account_id)
        if pending:
            cursor.execute(
                "UPDATE ledger_account SET balance = balance + %s WHERE id = %s",
                [pending, account_id],
            )
    return balance + pending, held


def lock_accounts(account_ids) -> None:
    """Lock several accounts, always in ascending id order so two callers never deadlock."""
    for account_id in sorted(set(account_ids)):
        lock_and_settle(account_id)


@transaction.atomic
def settle(account: Account | int) -> int:
    """Fold an account's pending credits into its stored balance (maintenance, ledger_settle).
    Moves no money. Returns the settled balance."""
    return lock_and_settle(getattr(account, "pk", account))[0]

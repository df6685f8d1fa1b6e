"""The ledger's invariants, checked by `manage.py ledger_check` and after every test scenario.

1. every transfer has exactly two entries: -amount on its debit account, +amount on its credit;
2. all entries (hence all accounts) sum to zero;
3. every account's stored balance plus its pending deltas equals the sum of its entries;
4. no account but external ones is below zero, and none holds more than it has;
5. an account's `held` equals the open amount of its reservations; no reservation is over-used;
6. a reversal mirrors its original;
7. a refund mirrors the payment or top-up it names, and the refunds of one transfer (plus its
   reversal, if any) never give back more than it moved.
"""

from django.db import connection
from django.utils.translation import gettext as _

from benecomune.ledger.money import format_euro

_CHECKS = {
    "transfer_entries": """
        SELECT t.id, t.amount, COUNT(e.id),
               COALESCE(SUM(CASE WHEN e.account_id = t.debit_account_id AND e.amount = -t.amount
                                 THEN 1 ELSE 0 END), 0),
               COALESCE(SUM(CASE WHEN e.account_id = t.credit_account_id AND e.amount = t.amount
                                 THEN 1 ELSE 0 END), 0)
        FROM ledger_transfer t LEFT JOIN ledger_entry e ON e.transfer_id = t.id
        GROUP BY t.id, t.amount
        HAVING COUNT(e.id) <> 2
           OR COALESCE(SUM(CASE WHEN e.account_id = t.debit_account_id AND e.amount = -t.amount
                                THEN 1 ELSE 0 END), 0) <> 1
           OR COALESCE(SUM(CASE WHEN e.account_id = t.credit_account_id AND e.amount = t.amount
                                THEN 1 ELSE 0 END), 0) <> 1
    """,
    "orphan_entries": """
        SELECT COUNT(*) FROM ledger_entry e
        LEFT JOIN ledger_transfer t ON t.id = e.transfer_id WHERE t.id IS NULL
    """,
    "total": "SELECT COALESCE(SUM(amount), 0) FROM ledger_entry",
    "accounts": """
        SELECT a.id, a.name, a.kind, a.allow_negative, a.balance, a.held,
               COALESCE(d.total, 0), COALESCE(e.total, 0), COALESCE(r.open, 0)
        FROM ledger_account a
        LEFT JOIN (SELECT account_id, SUM(amount) AS total FROM ledger_balancedelta
                   GROUP BY account_id) d ON d.account_id = a.id
        LEFT JOIN (SELECT account_id, SUM(amount) AS total FROM ledger_entry
                   GROUP BY account_id) e ON e.account_id = a.id
        LEFT JOIN (SELECT account_id, SUM(amount - consumed - released) AS open
                   FROM ledger_reservation GROUP BY account_id) r ON r.account_id = a.id
    """,
    "reservations": """
        SELECT id, amount, consumed, released FROM ledger_reservation
        WHERE consumed < 0 OR released < 0 OR consumed + released > amount
    """,
    "consumption": """
        SELECT r.id, r.consumed, COALESCE(SUM(t.amount), 0) FROM ledger_reservation r
        LEFT JOIN ledger_transfer t ON t.reservation_id = r.id GROUP BY r.id, r.consumed
        HAVING r.consumed <> COALESCE(SUM(t.amount), 0)
    """,
    "reversals": """
        SELECT r.id, o.id FROM ledger_transfer r JOIN ledger_transfer o ON o.id = r.reversal_of_id
        WHERE r.amount <> o.amount OR r.debit_account_id <> o.credit_account_id
           OR r.credit_account_id <> o.debit_account_id OR o.kind = 'reversal'
    """,
    # The original is joined on its id as text (object_id is text): one pass over transfers.
    "refunds": """
        SELECT r.id, o.id FROM ledger_transfer r
        LEFT JOIN ledger_transfer o
          ON r.object_type = 'ledger.transfer' AND r.object_id = CAST(o.id AS VARCHAR(64))
        WHERE r.kind = 'refund'
          AND (o.id IS NULL OR o.kind NOT IN ('payment', 'top_up')
               OR r.debit_account_id <> o.credit_account_id
               OR r.credit_account_id <> o.debit_account_id)
    """,
    "refund_totals": """
        SELECT o.id, o.amount, CAST(SUM(r.amount) AS BIGINT), COALESCE(MAX(v.amount), 0)
        FROM ledger_transfer r
        JOIN ledger_transfer o ON r.object_id = CAST(o.id AS VARCHAR(64))
        LEFT JOIN ledger_transfer v ON v.reversal_of_id = o.id
        WHERE r.kind = 'refund' AND r.object_type = 'ledger.transfer'
        GROUP BY o.id, o.amount
        HAVING SUM(r.amount) + COALESCE(MAX(v.amount), 0) > o.amount
    """,
}


def _rows(name: str):
    with connection.cursor() as cursor:
        cursor.execute(_CHECKS[name])
        return cursor.fetchall()


def check_invariants() -> list[str]:
    """Every broken invariant, one readable line each; an empty list when the ledger is sound.
    Run it in a quiet moment or inside a REPEATABLE READ snapshot for an exact picture."""
    problems = []
    for transfer_id, amount, count, debit_ok, credit_ok in _rows("transfer_entries"):
        problems.append(
            _(
                "Movimento %(id)s (%(amount)s): %(count)s scritture, addebito corretto %(d)s, "
                "accredito corretto %(c)s (attese 2, 1, 1)."
            )
            % {
                "id": transfer_id,
                "amount": format_euro(amount),
                "count": count,
                "d": debit_ok,
                "c": credit_ok,
            }
        )
    orphans = _rows("orphan_entries")[0][0]
    if orphans:
        problems.append(_("%(n)s scritture senza movimento.") % {"n": orphans})
    total = _rows("total")[0][0]
    if total != 0:
        problems.append(
            _("La somma di tutte le scritture è %(total)s invece di zero.")
            % {"total": format_euro(total)}
        )
    stored_total = 0
    for (
        account_id,
        name,
        kind,
        allow_negative,
        stored,
        held,
        pending,
        entries,
        open_reserved,
    ) in _rows("accounts"):
        current = stored + pending
        stored_total += current
        label = f"{account_id} «{name}» ({kind})"
        if current != entries:
            problems.append(
                _(
                    "Conto %(account)s: saldo registrato %(stored)s + in attesa %(pending)s = "
                    "%(current)s, ma le scritture sommano %(entries)s."
                )
                % {
                    "account": label,
                    "stored": format_euro(stored),
                    "pending": format_euro(pending),
                    "current": format_euro(current),
                    "entries": format_euro(entries),
                }
            )
        if not allow_negative and (entries < 0 or stored < 0):
            problems.append(
                _("Conto %(account)s in negativo: %(balance)s.")
                % {"account": label, "balance": format_euro(min(entries, stored))}
            )
        if held != open_reserved:
            problems.append(
                _("Conto %(account)s: riservato %(held)s, ma le prenotazioni aperte sono %(open)s.")
                % {"account": label, "held": format_euro(held), "open": format_euro(open_reserved)}
            )
        if not allow_negative and held > stored:
            problems.append(
                _("Conto %(account)s: riservato %(held)s oltre il saldo %(balance)s.")
                % {"account": label, "held": format_euro(held), "balance": format_euro(stored)}
            )
    if stored_total != 0:
        problems.append(
            _("La somma dei saldi di tutti i conti è %(total)s invece di zero.")
            % {"total": format_euro(stored_total)}
        )
    for reservation_id, amount, consumed, released in _rows("reservations"):
        problems.append(
            _("Prenotazione %(id)s: usati %(c)s e liberati %(r)s su %(a)s.")
            % {
                "id": reservation_id,
                "c": format_euro(consumed),
                "r": format_euro(released),
                "a": format_euro(amount),
            }
        )
    for reservation_id, consumed, paid in _rows("consumption"):
        problems.append(
            _("Prenotazione %(id)s: risultano usati %(c)s ma i movimenti collegati sono %(p)s.")
            % {"id": reservation_id, "c": format_euro(consumed), "p": format_euro(paid)}
        )
    for reversal_id, original_id in _rows("reversals"):
        problems.append(
            _("Lo storno %(r)s non rispecchia il movimento %(o)s.")
            % {"r": reversal_id, "o": original_id}
        )
    for refund_id, original_id in _rows("refunds"):
        problems.append(
            _("Il rimborso %(r)s non rispecchia un pagamento o una ricarica (%(o)s).")
            % {"r": refund_id, "o": original_id or "-"}
        )
    for original_id, amount, refunded, reversed_ in _rows("refund_totals"):
        problems.append(
            _(
                "Il movimento %(o)s di %(amount)s è stato restituito per %(back)s "
                "(rimborsi %(refunded)s, storno %(reversed)s)."
            )
            % {
                "o": original_id,
                "amount": format_euro(amount),
                "back": format_euro(refunded + reversed_),
                "refunded": format_euro(refunded),
                "reversed": format_euro(reversed_),
            }
        )
    return problems

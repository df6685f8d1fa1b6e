"""The attribution of services/attribution.py written as one PostgreSQL query, for volume:
the full rebuild counts millions of transfers with a few `INSERT … SELECT … GROUP BY`
statements instead of Python over every row, and the periodic upkeep gets a batch's
contributions already added up per cell and person, in one round trip.

Same definitions, row for row (docs/observatory.md, "Figures"); the Python attribution stays
the reference: SQLite runs it, and `observatory_check` recomputes with it, so the two are
compared after random activity by the tests on PostgreSQL.

How a transfer resolves to what it corrects (the query's CTEs):
- `walk` follows a reversal to the transfer it reverses, and on while that is a reversal too,
  the sign flipping at each step; `leaf` is each transfer of the scope with the first
  non-reversal transfer it reaches and the sign;
- `resolved`: a payment, award or expiry leaf counts itself (amount times sign, count =
  sign); a refund leaf of a payment counts in the payment's cells (minus the refund's amount
  times sign, count 0);
  anything else counts nothing;
- each resolved row is then keyed like attribution._Context: the wallet, the merchant's
  account and provider (a provider only behind a `merchant` account), the fund, the call of
  the application the wallet comes from, the month in the project's time zone.
"""

from django.conf import settings
from django.db import connection

from benecomune.ledger.models import REFUND_OBJECT, TransferKind
from benecomune.observatory.services.attribution import AWARDS, FLOWS, SPENDING, Contribution

# Output columns of CONTRIBUTIONS, in order (one row per cell and person; person 0 in flows).
COLUMNS = (
    "tbl",
    "issuer",
    "fund",
    "origin",
    "call",
    "merchant",
    "town",
    "merchant_kind",
    "category",
    "month",
    "wallet_kind",
    "flow",
    "person",
    "amount",
    "cnt",
)

_RELEVANT = "('payment', 'refund', 'reversal', 'award', 'expiry')"
assert {k.value for k in (TransferKind.PAYMENT, TransferKind.REFUND, TransferKind.REVERSAL)} == {
    "payment",
    "refund",
    "reversal",
}

_TRANSFER_COLUMNS = (
    "id, kind, debit_account_id, credit_account_id, amount, object_type, object_id, "
    "reversal_of_id, created_at"
)


def contributions_query(scope: str) -> str:
    """The query adding up what the transfers of `scope` (a SELECT of _TRANSFER_COLUMNS, kinds
    of RELEVANT only) contribute, grouped per table, cell key and person. Parameters: the
    scope's, then the time zone."""
    return f"""
WITH RECURSIVE scope AS ({scope}),
walk(src, nxt, sign) AS (
    SELECT id, reversal_of_id, -1 FROM scope WHERE kind = 'reversal'
    UNION ALL
    SELECT w.src, t.reversal_of_id, -w.sign
    FROM walk w JOIN ledger_transfer t ON t.id = w.nxt AND t.kind = 'reversal'
),
leaf AS (
    SELECT 1 AS sign, kind, debit_account_id, credit_account_id, amount, object_type,
           object_id, created_at
    FROM scope WHERE kind <> 'reversal'
    UNION ALL
    SELECT w.sign, t.kind, t.debit_account_id, t.credit_account_id, t.amount, t.object_type,
           t.object_id, t.created_at
    FROM walk w JOIN ledger_transfer t ON t.id = w.nxt AND t.kind <> 'reversal'
),
resolved AS (
    SELECT kind, debit_account_id AS debit, credit_account_id AS credit, created_at,
           sign * amount AS amount, sign AS cnt
    FROM leaf WHERE kind IN ('payment', 'award', 'expiry')
    UNION ALL
    SELECT o.kind, o.debit_account_id, o.credit_account_id, o.created_at,
           -l.sign * l.amount, 0
    FROM leaf l JOIN ledger_transfer o
      ON o.id = CASE WHEN l.object_id ~ '^[0-9]{{1,18}}$' THEN l.object_id::bigint END
     AND o.kind = 'payment'
    WHERE l.kind = 'refund' AND l.object_type = '{REFUND_OBJECT}'
),
keyed AS (
    SELECT r.kind, r.amount, r.cnt,
           date_trunc('month', r.created_at AT TIME ZONE %s)::date AS month,
           w.person_id, w.organization_id AS issuer, w.source_kind,
           COALESCE(fa.id, fw.id, 0) AS fund, COALESCE(fa.origin, fw.origin, '') AS origin,
           ap.call_id,
           a.organization_id AS merchant, p.municipality_id AS town,
           p.provider_kind, COALESCE(p.category, 'other') AS category
    FROM resolved r
    JOIN ledger_wallet w
      ON w.account_id = CASE WHEN r.kind = 'award' THEN r.credit ELSE r.debit END
    LEFT JOIN ledger_fund fa ON r.kind = 'award' AND fa.account_id = r.debit
    LEFT JOIN ledger_fund fw ON r.kind <> 'award' AND fw.id = w.fund_id
    LEFT JOIN calls_application ap
      ON w.source_type = 'calls.application'
     AND ap.id = CASE WHEN w.source_id ~ '^[0-9]{{1,18}}$' THEN w.source_id::bigint END
    LEFT JOIN ledger_account a ON r.kind = 'payment' AND a.id = r.credit
    LEFT JOIN core_provider p ON a.kind = 'merchant' AND p.organization_ptr_id = a.organization_id
    WHERE r.kind <> 'payment' OR a.id IS NOT NULL
)
SELECT '{SPENDING}', 0, 0, '', NULL::bigint, 0, town, '', category, month, source_kind, '',
       person_id, sum(amount), sum(cnt)
FROM keyed WHERE kind = 'payment'
GROUP BY town, category, month, source_kind, person_id
UNION ALL
SELECT '{AWARDS}', 0, 0, '', call_id, 0, NULL::bigint, '', '', NULL::date, '', '',
       person_id, sum(amount), sum(cnt)
FROM keyed WHERE kind = 'award'
GROUP BY call_id, person_id
UNION ALL
SELECT '{FLOWS}', issuer, fund, origin, COALESCE(call_id, 0),
       CASE WHEN kind = 'payment' THEN COALESCE(merchant, 0) ELSE 0 END,
       CASE WHEN kind = 'payment' THEN COALESCE(town, 0) ELSE 0 END,
       CASE WHEN kind = 'payment' THEN COALESCE(provider_kind, '') ELSE '' END,
       CASE WHEN kind = 'payment' THEN category ELSE '' END,
       month, source_kind,
       CASE kind WHEN 'payment' THEN 'spend' WHEN 'award' THEN 'award' ELSE 'expire' END,
       0, sum(amount), sum(cnt)
FROM keyed
GROUP BY 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12
"""  # noqa: S608 (no user input: table names and constants)


def of_ids(ids: list[int]) -> list[Contribution]:
    """What the transfers `ids` contribute, added up per cell and person (the upkeep's batch)."""
    if not ids:
        return []
    scope = (
        f"SELECT {_TRANSFER_COLUMNS} FROM ledger_transfer "  # noqa: S608
        f"WHERE id = ANY(%s) AND kind IN {_RELEVANT}"
    )
    with connection.cursor() as cursor:
        cursor.execute(contributions_query(scope), [list(ids), settings.TIME_ZONE])
        rows = cursor.fetchall()
    return [_contribution(row) for row in rows]


def _contribution(row) -> Contribution:
    (tbl, issuer, fund, origin, call, merchant, town, merchant_kind, category, month,
     wallet_kind, flow, person, amount, count) = row  # fmt: skip
    if tbl == SPENDING:
        key = (town, category, month, wallet_kind)
    elif tbl == AWARDS:
        key = (call,)
    else:
        key = (issuer, fund, origin, call, merchant, town, merchant_kind, category, month,
               wallet_kind, flow)  # fmt: skip
    return Contribution(tbl, key, person, int(amount), int(count))


# Cells with exact person counts: (table, cell table, member table, (cell column, contribution
# column) of the key, the join of a member to its cell (NULL keys as 0: a hash join), count).
_MEMBER_TABLES = (
    (
        SPENDING,
        "observatory_spendingcell",
        "observatory_spendingmember",
        (
            ("municipality_id", "town"),
            ("category", "category"),
            ("month", "month"),
            ("wallet_kind", "wallet_kind"),
        ),
        "COALESCE(c.municipality_id, 0) = COALESCE(o.town, 0) AND c.category = o.category"
        " AND c.month = o.month AND c.wallet_kind = o.wallet_kind",
        "transactions",
    ),
    (
        AWARDS,
        "observatory_awardcell",
        "observatory_awardmember",
        (("call_id", "call"),),
        "COALESCE(c.call_id, 0) = COALESCE(o.call, 0)",
        "awards",
    ),
)


def rebuild_tables() -> int:
    """Fill the (emptied) rollup tables from the whole ledger in set-based statements; the
    caller holds the upkeep lock and the transaction. Returns the transfers counted."""
    scope = f"SELECT {_TRANSFER_COLUMNS} FROM ledger_transfer WHERE kind IN {_RELEVANT}"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS observatory_rebuild_contrib")
        cursor.execute(
            "CREATE TEMPORARY TABLE observatory_rebuild_contrib ("
            "tbl text, issuer bigint, fund bigint, origin text, call bigint, merchant bigint, "
            "town bigint, merchant_kind text, category text, month date, wallet_kind text, "
            "flow text, person bigint, amount bigint, cnt bigint) ON COMMIT DROP"
        )
        cursor.execute(
            "INSERT INTO observatory_rebuild_contrib " + contributions_query(scope),
            [settings.TIME_ZONE],
        )
        cursor.execute(f"SELECT count(*) FROM ledger_transfer WHERE kind IN {_RELEVANT}")  # noqa: S608
        counted = cursor.fetchone()[0]
        for table, cell_table, member_table, keys, join, count in _MEMBER_TABLES:
            cursor.execute(
                f"""
                INSERT INTO {cell_table} ({", ".join(c for c, _ in keys)}, amount, {count},
                    persons)
                SELECT {", ".join(k for _, k in keys)}, sum(amount), sum(cnt),
                       count(*) FILTER (WHERE cnt > 0)
                FROM observatory_rebuild_contrib WHERE tbl = '{table}'
                GROUP BY {", ".join(k for _, k in keys)}
                """  # noqa: S608
            )
            cursor.execute(
                f"""
                INSERT INTO {member_table} (cell_id, person_id, amount, {count})
                SELECT c.id, o.person, o.amount, o.cnt
                FROM observatory_rebuild_contrib o JOIN {cell_table} c ON {join}
                WHERE o.tbl = '{table}'
                """  # noqa: S608
            )
        cursor.execute(
            f"""
            INSERT INTO observatory_flowcell (issuer_id, fund_id, origin, call_id, merchant_id,
                merchant_municipality_id, merchant_kind, category, month, wallet_kind, flow,
                amount, count)
            SELECT issuer, fund, origin, call, merchant, town, merchant_kind, category, month,
                   wallet_kind, flow, amount, cnt
            FROM observatory_rebuild_contrib WHERE tbl = '{FLOWS}'
            """  # noqa: S608
        )
        cursor.execute("DROP TABLE observatory_rebuild_contrib")
    return counted

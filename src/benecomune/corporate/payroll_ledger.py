"""What plan wallets spent in a time range, read from the ledger (read-only), by wallet account,
legal basis and, for reimbursements, the year of the expense.

Spent = PAYMENT (purchases captured at the checkout, bookings, shops) and REIMBURSEMENT (claims
accepted, payroll requests passed) transfers debiting a plan wallet, less what came back: a
REFUND of such a payment or a REVERSAL of either (a reversal of a refund counts again). The
legal basis is the one the hold was counted under (`PlanSpend`, written by the ledger's hold
hooks for purchases, claims and payroll requests); a payment without one can only come from the
till's one-statement path, i.e. a voucher-circuit shop: c.3 goods. Sums are computed by the
database (GROUP BY), so memory does not grow with the number of transactions."""

import datetime
from collections import defaultdict

from django.db.models import OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from benecomune.corporate.models import PlanClaimDetail, PlanSpend
from benecomune.corporate.plan_wallets import SOURCE_TYPE
from benecomune.corporate.spending import C3_GOODS
from benecomune.ledger.models import REFUND_OBJECT, Account, Transfer, TransferKind, WalletSource

SPEND_KINDS = (TransferKind.PAYMENT, TransferKind.REIMBURSEMENT)
GIVE_BACK_KINDS = (TransferKind.REFUND, TransferKind.REVERSAL)
CHUNK = 500


def plan_wallet_filter(side: str, company_id: int, version_ids=None) -> Q:
    """Transfers whose `side` account ("debit_account" / "credit_account") is a plan wallet of
    the company (of those versions, when given)."""
    prefix = f"{side}__wallet__"
    q = Q(
        **{
            f"{prefix}organization_id": company_id,
            f"{prefix}source_kind": WalletSource.COMPANY_PLAN,
            f"{prefix}source_type": SOURCE_TYPE,
        }
    )
    if version_ids is not None:
        q &= Q(**{f"{prefix}source_id__in": [str(v) for v in version_ids]})
    return q


def _basis_of_hold(ref: str):
    return Coalesce(
        Subquery(
            PlanSpend.objects_unscoped.filter(hold_id=OuterRef(ref)).values("legal_basis__code")[:1]
        ),
        Value(C3_GOODS),
    )


def _claim_year(ref: str):
    return Subquery(
        PlanClaimDetail.objects_unscoped.filter(hold_id=OuterRef(ref)).values(
            "claim__expense_date__year"
        )[:1]
    )


def spent(
    company_id: int, start: datetime.datetime, end: datetime.datetime, version_ids=None, bases=None
):
    """Yield (wallet account id, basis code, expense year or None, cents) of what plan wallets
    spent in [start, end), net of what came back in that range."""
    rows = (
        Transfer.objects_unscoped.filter(
            plan_wallet_filter("debit_account", company_id, version_ids),
            kind__in=SPEND_KINDS,
            created_at__gte=start,
            created_at__lt=end,
        )
        .annotate(basis=_basis_of_hold("reservation_id"), year=_claim_year("reservation_id"))
        .values("debit_account_id", "basis", "year")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    if bases is not None:
        rows = rows.filter(basis__in=bases)
    sums = defaultdict(int)
    for row in rows.iterator(chunk_size=2000):
        sums[(row["debit_account_id"], row["basis"], row["year"])] += row["total"]
    for key, amount in _given_back(company_id, start, end, version_ids):
        if bases is None or key[1] in bases:
            sums[key] += amount
    for (account_id, basis, year), total in sums.items():
        if total:
            yield account_id, basis, year, total


def _given_back(company_id, start, end, version_ids):
    """((account, basis, year), signed cents) of refunds and reversals touching plan wallets.
    Rare: read row by row, their originals fetched in chunks."""
    rows = (
        Transfer.objects_unscoped.filter(
            plan_wallet_filter("credit_account", company_id, version_ids)
            | plan_wallet_filter("debit_account", company_id, version_ids),
            kind__in=GIVE_BACK_KINDS,
            created_at__gte=start,
            created_at__lt=end,
        )
        .values("pk", "kind", "amount", "object_type", "object_id", "reversal_of_id")
        .order_by("pk")
    )
    batch = []
    for row in rows.iterator(chunk_size=CHUNK):
        batch.append(row)
        if len(batch) >= CHUNK:
            yield from _resolve(batch)
            batch = []
    if batch:
        yield from _resolve(batch)


def _original_id(row) -> int | None:
    if row["kind"] == TransferKind.REVERSAL:
        return row["reversal_of_id"]
    if row["object_type"] == REFUND_OBJECT and str(row["object_id"]).isdigit():
        return int(row["object_id"])
    return None


def _originals(ids):
    return {
        t["pk"]: t
        for t in Transfer.objects_unscoped.filter(pk__in=ids)
        .annotate(basis=_basis_of_hold("reservation_id"), year=_claim_year("reservation_id"))
        .values(
            "pk",
            "kind",
            "debit_account_id",
            "basis",
            "year",
            "object_type",
            "object_id",
            "reversal_of_id",
        )
    }


def _resolve(batch):
    first = _originals({i for i in map(_original_id, batch) if i})
    second = _originals({i for o in first.values() if (i := _original_id(o))})
    for row in batch:
        original = first.get(_original_id(row))
        if original is None:
            continue
        if original["kind"] in SPEND_KINDS:
            sign = -1  # money back to the wallet
        elif original["kind"] == TransferKind.REFUND:
            sign, original = 1, second.get(_original_id(original))  # a refund undone
            if original is None or original["kind"] not in SPEND_KINDS:
                continue
        else:
            continue  # an award or expiry reversed: not spending
        key = (original["debit_account_id"], original["basis"], original["year"])
        yield key, sign * row["amount"]


def spent_by_person(
    company_id: int, start: datetime.datetime, end: datetime.datetime, bases
) -> dict[tuple[int, str], int]:
    """(person id, basis) -> cents spent in [start, end) under `bases` (for yearly limits)."""
    by_account = defaultdict(int)
    for account_id, basis, _year, total in spent(company_id, start, end, bases=bases):
        by_account[(account_id, basis)] += total
    persons = {}
    ids = list({account_id for account_id, _basis in by_account})
    for index in range(0, len(ids), CHUNK):
        persons.update(
            Account.objects_unscoped.filter(pk__in=ids[index : index + CHUNK]).values_list(
                "pk", "person_id"
            )
        )
    out = defaultdict(int)
    for (account_id, basis), total in by_account.items():
        out[(persons.get(account_id), basis)] += total
    return out

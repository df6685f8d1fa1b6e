"""What each ledger transfer adds to the rollups: one function shared by the incremental
upkeep and the full recomputation, so that both count by the same definitions
(docs/observatory.md, "Figures").

- PAYMENT (wallet -> merchant): spending, +amount, +1 transaction, in the cell of the
  merchant's Comune, the merchant's category, the payment's month (Europe/Rome) and the
  wallet's kind; the person is the wallet's owner.
- REFUND of a payment: -amount in the payment's cell (same person), the transaction stays.
- REVERSAL (a void): the opposite of what the original added (a voided payment: -amount and
  -1 transaction; a voided award: -amount, -1 award), in the original's cell.
- AWARD (fund -> wallet): +amount, +1 award, for the call the wallet comes from (a wallet
  opened by a call names its application), or no call.
Other kinds (contributions, top-ups, expiries, settlements, payouts, ...) add nothing.
"""

import dataclasses

from django.utils import timezone

from benecomune.ledger.models import REFUND_OBJECT, Account, Transfer, TransferKind, Wallet

SPENDING = "spending"
AWARDS = "awards"
RELEVANT = (TransferKind.PAYMENT, TransferKind.REFUND, TransferKind.REVERSAL, TransferKind.AWARD)
FIELDS = (
    "id",
    "kind",
    "debit_account_id",
    "credit_account_id",
    "amount",
    "object_type",
    "object_id",
    "reversal_of_id",
    "created_at",
)
APPLICATION_SOURCE = "calls.application"


@dataclasses.dataclass(frozen=True)
class Contribution:
    table: str  # SPENDING or AWARDS
    key: tuple  # spending: (municipality id, category, month, wallet kind); awards: (call id,)
    person_id: int
    amount: int
    count: int


def _original_id(row) -> int | None:
    if row["kind"] == TransferKind.REVERSAL:
        return row["reversal_of_id"]
    if row["kind"] == TransferKind.REFUND and row["object_type"] == REFUND_OBJECT:
        return int(row["object_id"])
    return None


def month_of(when) -> "datetime.date":  # noqa: F821
    return timezone.localtime(when).date().replace(day=1)


class _Context:
    """The accounts, wallets, merchants and calls the rows need, read in a few queries."""

    def __init__(self, rows: dict[int, dict]):
        from benecomune.calls.models import Application
        from benecomune.core.models import Provider

        account_ids = {
            r[f] for r in rows.values() for f in ("debit_account_id", "credit_account_id")
        }
        self.accounts = {
            a["id"]: a
            for a in Account.objects_unscoped.filter(pk__in=account_ids).values(
                "id", "kind", "organization_id", "person_id"
            )
        }
        self.wallets = {
            w["account_id"]: w
            for w in Wallet.objects_unscoped.filter(account_id__in=account_ids).values(
                "account_id", "person_id", "source_kind", "source_type", "source_id"
            )
        }
        org_ids = {a["organization_id"] for a in self.accounts.values() if a["kind"] == "merchant"}
        self.providers = {
            p["pk"]: p
            for p in Provider.objects.filter(pk__in=org_ids).values(
                "pk", "category", "municipality_id"
            )
        }
        application_ids = {
            int(w["source_id"])
            for w in self.wallets.values()
            if w["source_type"] == APPLICATION_SOURCE and w["source_id"].isdigit()
        }
        self.calls = dict(
            Application.objects_unscoped.filter(pk__in=application_ids).values_list("pk", "call_id")
        )

    def spending_key(self, row) -> tuple[tuple, int] | None:
        wallet = self.wallets.get(row["debit_account_id"])
        merchant = self.accounts.get(row["credit_account_id"])
        if wallet is None or merchant is None:
            return None
        provider = self.providers.get(merchant["organization_id"], {})
        key = (
            provider.get("municipality_id"),
            provider.get("category", "other"),
            month_of(row["created_at"]),
            wallet["source_kind"],
        )
        return key, wallet["person_id"]

    def award_key(self, row) -> tuple[tuple, int] | None:
        wallet = self.wallets.get(row["credit_account_id"])
        if wallet is None:
            return None
        call_id = None
        if wallet["source_type"] == APPLICATION_SOURCE and wallet["source_id"].isdigit():
            call_id = self.calls.get(int(wallet["source_id"]))
        return (call_id,), wallet["person_id"]


def _with_originals(rows: dict[int, dict]) -> dict[int, dict]:
    """The rows plus the transfers they refund or reverse (and theirs: a void of a refund)."""
    everything = dict(rows)
    missing = {_original_id(r) for r in rows.values()} - {None} - everything.keys()
    while missing:
        for row in Transfer.objects_unscoped.filter(pk__in=missing).values(*FIELDS):
            everything[row["id"]] = row
        missing = {_original_id(r) for r in everything.values()} - {None} - everything.keys()
    return everything


def contributions(rows: list[dict]) -> list[Contribution]:
    """What the transfer rows (dicts of FIELDS) add to the rollups, in row order."""
    rows_by_id = {r["id"]: r for r in rows if r["kind"] in RELEVANT}
    if not rows_by_id:
        return []
    everything = _with_originals(rows_by_id)
    context = _Context(everything)

    def of(row) -> Contribution | None:
        kind = row["kind"]
        if kind == TransferKind.PAYMENT:
            found = context.spending_key(row)
            return found and Contribution(SPENDING, found[0], found[1], row["amount"], 1)
        if kind == TransferKind.AWARD:
            found = context.award_key(row)
            return found and Contribution(AWARDS, found[0], found[1], row["amount"], 1)
        original_id = _original_id(row)
        original = everything.get(original_id) if original_id else None
        if original is None:
            return None
        base = of(original)
        if base is None:
            return None
        if kind == TransferKind.REFUND:
            if original["kind"] != TransferKind.PAYMENT:
                return None  # a top-up given back to the provider: not spending
            return dataclasses.replace(base, amount=-row["amount"], count=0)
        return dataclasses.replace(base, amount=-base.amount, count=-base.count)

    return [c for c in (of(r) for r in rows_by_id.values()) if c is not None]

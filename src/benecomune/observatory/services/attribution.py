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
- EXPIRY (wallet -> fund): dashboards only (FLOWS), +amount, +1, the unspent money returned.
Every PAYMENT, AWARD and EXPIRY also adds to FLOWS (models/flows.py), the dashboards' table,
keyed by the wallet's issuer, fund (and its origin), call, merchant, category, month and wallet
kind; corrections count there against the original as well.
Other kinds (contributions, top-ups, settlements, payouts, ...) add nothing.
"""

import dataclasses

from django.db.models import Q
from django.utils import timezone

from benecomune.ledger.models import REFUND_OBJECT, Account, Transfer, TransferKind, Wallet

SPENDING = "spending"
AWARDS = "awards"
FLOWS = "flows"
RELEVANT = (
    TransferKind.PAYMENT,
    TransferKind.REFUND,
    TransferKind.REVERSAL,
    TransferKind.AWARD,
    TransferKind.EXPIRY,
)
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
    table: str  # SPENDING, AWARDS or FLOWS
    # spending: (municipality id, category, month, wallet kind); awards: (call id,);
    # flows: FlowCell.KEY
    key: tuple
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
        from benecomune.ledger.models import Fund

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
                "account_id",
                "person_id",
                "source_kind",
                "source_type",
                "source_id",
                "organization_id",
                "fund_id",
            )
        }
        fund_accounts = {a for a, v in self.accounts.items() if v["kind"] == "fund"}
        fund_ids = {w["fund_id"] for w in self.wallets.values() if w["fund_id"]}
        self.funds = {}  # fund id -> (fund id, origin); also by account id in fund_by_account
        self.fund_by_account = {}
        for f in Fund.objects_unscoped.filter(
            Q(pk__in=fund_ids) | Q(account_id__in=fund_accounts)
        ).values("pk", "account_id", "origin"):
            self.funds[f["pk"]] = (f["pk"], f["origin"])
            self.fund_by_account[f["account_id"]] = (f["pk"], f["origin"])
        org_ids = {a["organization_id"] for a in self.accounts.values() if a["kind"] == "merchant"}
        self.providers = {
            p["pk"]: p
            for p in Provider.objects.filter(pk__in=org_ids).values(
                "pk", "category", "municipality_id", "provider_kind"
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
        provider = self.provider_of(merchant)
        key = (
            provider.get("municipality_id"),
            provider.get("category", "other"),
            month_of(row["created_at"]),
            wallet["source_kind"],
        )
        return key, wallet["person_id"]

    def provider_of(self, account) -> dict:
        """The provider behind a merchant account ({} for any other account)."""
        if account.get("kind") != "merchant":
            return {}
        return self.providers.get(account["organization_id"], {})

    def call_of(self, wallet) -> int | None:
        if wallet["source_type"] == APPLICATION_SOURCE and wallet["source_id"].isdigit():
            return self.calls.get(int(wallet["source_id"]))
        return None

    def flow_key(self, row, flow: str) -> tuple | None:
        """FlowCell.KEY for a payment ("spend"), an award or an expiry."""
        if flow == "award":
            wallet = self.wallets.get(row["credit_account_id"])
            fund = self.fund_by_account.get(row["debit_account_id"])
        else:
            wallet = self.wallets.get(row["debit_account_id"])
            fund = self.funds.get(wallet["fund_id"]) if wallet else None
        if wallet is None:
            return None
        fund_id, origin = fund or (0, "")
        merchant_id, town, kind, category = 0, 0, "", ""
        if flow == "spend":
            merchant = self.accounts.get(row["credit_account_id"]) or {}
            merchant_id = merchant.get("organization_id") or 0
            provider = self.provider_of(merchant)
            town = provider.get("municipality_id") or 0
            kind = provider.get("provider_kind", "")
            category = provider.get("category", "other")
        return (
            wallet["organization_id"],
            fund_id,
            origin,
            self.call_of(wallet) or 0,
            merchant_id,
            town,
            kind,
            category,
            month_of(row["created_at"]),
            wallet["source_kind"],
            flow,
        )

    def award_key(self, row) -> tuple[tuple, int] | None:
        wallet = self.wallets.get(row["credit_account_id"])
        if wallet is None:
            return None
        return (self.call_of(wallet),), wallet["person_id"]


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

    def flow(row, name) -> list[Contribution]:
        key = context.flow_key(row, name)
        return [Contribution(FLOWS, key, 0, row["amount"], 1)] if key else []

    def of(row) -> list[Contribution]:
        kind = row["kind"]
        if kind == TransferKind.PAYMENT:
            found = context.spending_key(row)
            if found is None:
                return []
            return [
                Contribution(SPENDING, found[0], found[1], row["amount"], 1),
                *flow(row, "spend"),
            ]
        if kind == TransferKind.AWARD:
            found = context.award_key(row)
            if found is None:
                return []
            return [Contribution(AWARDS, found[0], found[1], row["amount"], 1), *flow(row, "award")]
        if kind == TransferKind.EXPIRY:
            return flow(row, "expire")
        original_id = _original_id(row)
        original = everything.get(original_id) if original_id else None
        if original is None:
            return []
        base = of(original)
        if kind == TransferKind.REFUND:
            if original["kind"] != TransferKind.PAYMENT:
                return []  # a top-up given back to the provider: not spending
            return [dataclasses.replace(b, amount=-row["amount"], count=0) for b in base]
        return [dataclasses.replace(b, amount=-b.amount, count=-b.count) for b in base]

    return [c for r in rows_by_id.values() for c in of(r)]

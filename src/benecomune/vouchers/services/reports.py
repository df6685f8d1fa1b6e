"""What the Comune sees of its vouchers, read from the ledger (the truth, whatever the till):
spending by shop and by category, the share spent in the Comune's own shops, unspent balances
and what expiry returned to the funds. Payments are counted net of their reversals and refunds."""

import datetime
from dataclasses import dataclass

from django.db.models import CharField, Count, Q, Sum
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone

from benecomune.core.models import MerchantCategory, Provider
from benecomune.ledger.models import (
    REFUND_OBJECT,
    Account,
    AccountKind,
    Transfer,
    TransferKind,
    Wallet,
)
from benecomune.ledger.services.statements import with_balances


@dataclass
class Period:
    start: datetime.date | None = None
    end: datetime.date | None = None

    def filter(self, qs, field="created_at"):
        if self.start:
            qs = qs.filter(
                **{
                    f"{field}__gte": timezone.make_aware(
                        datetime.datetime.combine(self.start, datetime.time.min)
                    )
                }
            )
        if self.end:
            qs = qs.filter(
                **{
                    f"{field}__lt": timezone.make_aware(
                        datetime.datetime.combine(
                            self.end + datetime.timedelta(days=1), datetime.time.min
                        )
                    )
                }
            )
        return qs


def _payments(issuer_ids, period: Period):
    return period.filter(
        Transfer.objects_unscoped.filter(
            kind=TransferKind.PAYMENT,
            debit_account__kind=AccountKind.WALLET,
            debit_account__organization_id__in=list(issuer_ids),
        )
    )


def _reversals(issuer_ids, period: Period):
    # A reversal, or a refund, counts in the period of the payment it gives back.
    payments = _payments(issuer_ids, period)
    payment_ids = payments.annotate(pk_text=Cast("pk", CharField())).values("pk_text")
    return Transfer.objects_unscoped.filter(
        Q(kind=TransferKind.REVERSAL, reversal_of__in=payments.values("pk"))
        | Q(kind=TransferKind.REFUND, object_type=REFUND_OBJECT, object_id__in=payment_ids)
    )


def spending_by_merchant(issuer_ids, period: Period) -> list[dict]:
    """[{merchant, category, municipality, payments, gross, reversed, net}], most spent first."""
    gross = {
        row["credit_account__organization_id"]: row
        for row in _payments(issuer_ids, period)
        .values("credit_account__organization_id")
        .annotate(total=Sum("amount"), count=Count("pk"))
    }
    reversed_ = dict(
        _reversals(issuer_ids, period)
        .values("debit_account__organization_id")
        .annotate(total=Sum("amount"))
        .values_list("debit_account__organization_id", "total")
    )
    merchants = Provider.objects.select_related("municipality").in_bulk(list(gross))
    rows = []
    for merchant_id, row in gross.items():
        merchant = merchants.get(merchant_id)
        back = reversed_.get(merchant_id, 0)
        rows.append(
            {
                "merchant": merchant,
                "category": merchant.category if merchant else "",
                "category_label": MerchantCategory(merchant.category).label if merchant else "",
                "municipality": merchant.municipality if merchant else None,
                "payments": row["count"],
                "gross": row["total"],
                "reversed": back,
                "net": row["total"] - back,
            }
        )
    return sorted(rows, key=lambda r: (-r["net"], r["merchant"].name if r["merchant"] else ""))


def spending_by_category(rows: list[dict]) -> list[dict]:
    totals: dict[str, dict] = {}
    for row in rows:
        item = totals.setdefault(
            row["category"], {"category": row["category_label"], "net": 0, "payments": 0}
        )
        item["net"] += row["net"]
        item["payments"] += row["payments"]
    return sorted(totals.values(), key=lambda r: -r["net"])


def local_share(rows: list[dict], local_municipality_ids) -> dict:
    """Spent in shops whose seat is in the given Comuni, and elsewhere."""
    local_ids = set(local_municipality_ids)
    local = sum(r["net"] for r in rows if r["municipality"] and r["municipality"].pk in local_ids)
    total = sum(r["net"] for r in rows)
    return {
        "local": local,
        "elsewhere": total - local,
        "total": total,
        "percent": round(100 * local / total, 1) if total else None,
    }


def _balance_of(wallets) -> int:
    accounts = with_balances(Account.objects_unscoped.filter(pk__in=wallets.values("account_id")))
    return accounts.aggregate(total=Coalesce(Sum("current_balance"), 0))["total"]


def unspent(issuer_ids) -> dict:
    """Money still on the issuers' wallets: live wallets, and expired ones not yet swept."""
    today = timezone.localdate()
    wallets = Wallet.objects_unscoped.filter(organization_id__in=list(issuer_ids))
    live = wallets.filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today), expired_at=None)
    past = wallets.filter(valid_until__lt=today, fund__isnull=False)
    with_money = with_balances(
        Account.objects_unscoped.filter(pk__in=past.values("account_id"))
    ).filter(current_balance__gt=0)
    returned = Transfer.objects_unscoped.filter(
        kind=TransferKind.EXPIRY, debit_account__in=wallets.values("account_id")
    ).aggregate(total=Coalesce(Sum("amount"), 0), count=Count("pk"))
    return {
        "wallets": live.count(),
        "live": _balance_of(live),
        "expiring_soon": _balance_of(
            live.filter(valid_until__lte=today + datetime.timedelta(days=30))
        ),
        "to_sweep": _balance_of(past),
        "wallets_to_sweep": past.filter(
            Q(expired_at=None) | Q(account_id__in=with_money.values("pk"))
        ).count(),
        "returned": returned["total"],
        "returned_count": returned["count"],
    }

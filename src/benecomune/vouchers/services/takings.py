"""The shop's takings ("Incassi"): receipt numbers, the sales of a period, the days' totals.

Receipt numbers are *derived*, never stored: the number of a sale is its rank among the
shop's redemptions ordered by (created_at, id). A stored per-shop counter would be a row every
payment of the shop locks and updates, on the till's hot path (one statement, see
docs/vouchers.md §8); the rank costs the hot path nothing and has no gaps by construction,
because a redemption row is written only with its payment (a refused attempt writes none) and
is never deleted (a void updates it, so a voided sale keeps its number). Every page, export,
day close and debit note numbers sales through `receipt_numbers`, so they always agree.

A number is final once the shop's concurrent payments have committed: two tills of one shop
paying in the same millisecond may commit in the opposite order of their `created_at`, and
the later commit then takes the lower number (docs/vouchers.md, "Numeri degli scontrini").
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from benecomune.ledger.models import Transfer
from benecomune.ledger.services.statements import balance
from benecomune.vouchers.models import Redemption


def _count_before(shop, created_at, pk) -> int:
    """How many of the shop's sales come before (created_at, pk): the earlier ones, an
    index-only count on (merchant, created_at) (measured: 10 ms for 100,000 earlier sales, 46 ms
    when the ties' id test is in the same scan), plus the ties of that very instant."""
    earlier = shop.filter(created_at__lt=created_at).count()
    return earlier + shop.filter(created_at=created_at, pk__lt=pk).count()


def _between(shop, first, last):
    """The shop's sales from `first` to `last` (both (created_at, pk), included)."""
    return (
        shop.filter(created_at__gte=first[0], created_at__lte=last[0])
        .exclude(created_at=first[0], pk__lt=first[1])
        .exclude(created_at=last[0], pk__gt=last[1])
    )


def receipt_numbers(redemptions: Iterable[Redemption]) -> dict[int, int]:
    """{redemption id: receipt number} for these redemptions (of one shop or several).

    Per shop: one count of the sales before the first one asked (index on (merchant,
    created_at)), then the ids of the span from the first to the last, in order."""
    by_shop = defaultdict(set)
    for redemption in redemptions:
        by_shop[redemption.merchant_id].add((redemption.created_at, redemption.pk))
    numbers = {}
    for merchant_id, keys in by_shop.items():
        first, last = min(keys), max(keys)
        shop = Redemption.objects_unscoped.filter(merchant_id=merchant_id)
        before = _count_before(shop, *first)
        wanted = {pk for _created, pk in keys}
        span = _between(shop, first, last).order_by("created_at", "pk").values_list("pk", flat=True)
        for number, pk in enumerate(span.iterator(chunk_size=2000), start=before + 1):
            if pk in wanted:
                numbers[pk] = number
    return numbers


def receipt_number(redemption: Redemption) -> int:
    return receipt_numbers([redemption])[redemption.pk]


def numbered(redemptions: Iterable[Redemption]) -> list[Redemption]:
    """The redemptions with `.number` set (a list: the page, export or note iterates it)."""
    rows = list(redemptions)
    numbers = receipt_numbers(rows)
    for row in rows:
        row.number = numbers[row.pk]
    return rows


@dataclass(frozen=True)
class TransferReceipt:
    """The till sale a ledger transfer belongs to: its payment (or its void, `is_void`)."""

    number: int
    created_at: datetime.datetime
    is_void: bool


def receipts_for_transfers(merchant_id: int, transfer_ids) -> dict[int, TransferReceipt]:
    """{transfer id: the shop's receipt} for payments and their reversals (a debit note's
    lines are ledger transfers; the shop knows its receipt numbers). Transfers without a till
    sale are left out."""
    transfer_ids = list(transfer_ids)
    reversals = dict(
        Transfer.objects_unscoped.filter(
            pk__in=transfer_ids, reversal_of__isnull=False
        ).values_list("pk", "reversal_of_id")
    )
    payments = [pk for pk in transfer_ids if pk not in reversals] + list(reversals.values())
    sales = list(
        Redemption.objects_unscoped.filter(merchant_id=merchant_id, transfer_id__in=payments).only(
            "pk", "merchant_id", "created_at", "transfer_id"
        )
    )
    numbers = receipt_numbers(sales)
    by_payment = {sale.transfer_id: sale for sale in sales}
    result = {}
    for pk in transfer_ids:
        sale = by_payment.get(reversals.get(pk, pk))
        if sale is not None:
            result[pk] = TransferReceipt(numbers[sale.pk], sale.created_at, pk in reversals)
    return result


def balance_after_void(redemption: Redemption) -> int | None:
    """The voucher's balance right after the void (the ledger's entries up to the reversal),
    printed on a voided receipt; None when the sale stands."""
    if redemption.void_transfer_id is None:
        return None
    reversal = Transfer.objects_unscoped.only("created_at").get(pk=redemption.void_transfer_id)
    return balance(redemption.wallet.account_id, at=reversal.created_at)


# --- A period's sales and the days' totals ----------------------------------------------------


def day_bounds(start: datetime.date, end: datetime.date) -> tuple[datetime.datetime, ...]:
    """[start 00:00, the day after end 00:00) in the local time zone."""
    tz = timezone.get_current_timezone()
    since = datetime.datetime.combine(start, datetime.time.min, tzinfo=tz)
    until = datetime.datetime.combine(
        end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz
    )
    return since, until


def sales(merchant_id: int, start: datetime.date, end: datetime.date):
    """The shop's redemptions made from `start` to `end` (local days), oldest first."""
    since, until = day_bounds(start, end)
    return (
        Redemption.objects_unscoped.filter(
            merchant_id=merchant_id, created_at__gte=since, created_at__lt=until
        )
        .select_related("wallet")
        .order_by("created_at", "pk")
    )


@dataclass
class DayTotals:
    day: datetime.date | None
    count: int = 0
    gross: int = 0
    voided_count: int = 0
    voided: int = 0
    first_number: int | None = None
    last_number: int | None = None

    @property
    def net(self) -> int:
        return self.gross - self.voided

    @property
    def net_count(self) -> int:
        return self.count - self.voided_count


def day_totals(merchant_id: int, start: datetime.date, end: datetime.date) -> list[DayTotals]:
    """Per local day with sales, newest first: sales (voided ones too), gross, voided, net,
    and the range of receipt numbers (from the count of the shop's earlier sales, so the
    numbers agree with `receipt_numbers` without numbering every row)."""
    since, _until = day_bounds(start, end)
    voided = Q(voided_at__isnull=False)
    rows = (
        sales(merchant_id, start, end)
        .select_related(None)
        .annotate(day=TruncDate("created_at"))
        .order_by()
        .values("day")
        .annotate(
            count=Count("pk"),
            gross=Sum("amount"),
            voided_count=Count("pk", filter=voided),
            voided=Coalesce(Sum("amount", filter=voided), 0),
        )
        .order_by("day")
    )
    before = Redemption.objects_unscoped.filter(
        merchant_id=merchant_id, created_at__lt=since
    ).count()
    days = []
    for row in rows:
        days.append(
            DayTotals(
                day=row["day"],
                count=row["count"],
                gross=row["gross"],
                voided_count=row["voided_count"],
                voided=row["voided"],
                first_number=before + 1,
                last_number=before + row["count"],
            )
        )
        before += row["count"]
    return days[::-1]


def overall(days: list[DayTotals]) -> DayTotals:
    """The period's totals (day = None)."""
    total = DayTotals(day=None)
    for day in days:
        total.count += day.count
        total.gross += day.gross
        total.voided_count += day.voided_count
        total.voided += day.voided
    return total

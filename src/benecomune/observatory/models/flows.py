"""The dashboards' rollup: money flowing through welfare wallets, per issuer, fund, call,
merchant, category, month and wallet kind (docs/observatory.md, "Dashboards").

Kept by the same upkeep as the open-data rollups (services/upkeep.py), from the same
attribution (services/attribution.py), rebuilt and checked with them. Keys are plain ids with
0 for "none" (a unique constraint treats 0 as a value, NULL would not): a cell is a statistic,
not a link the database must guard. No persons here: dashboards show money and counts, the
person counts of open data live in SpendingCell/AwardCell.
"""

from django.db import models


class Flow(models.TextChoices):
    AWARD = "award", "award"  # fund -> wallet
    SPEND = "spend", "spend"  # wallet -> merchant (net of refunds and voids)
    EXPIRE = "expire", "expire"  # wallet -> fund at expiry


class FlowCell(models.Model):
    issuer_id = models.BigIntegerField()  # the wallet's organisation: Comune, company
    fund_id = models.BigIntegerField(default=0)
    origin = models.CharField(max_length=20, blank=True)  # the fund's FundOrigin
    call_id = models.BigIntegerField(default=0)
    merchant_id = models.BigIntegerField(default=0)
    merchant_municipality_id = models.BigIntegerField(default=0)
    merchant_kind = models.CharField(max_length=30, blank=True)  # Provider.provider_kind
    category = models.CharField(max_length=30, blank=True)  # Provider.category
    month = models.DateField()
    wallet_kind = models.CharField(max_length=20)
    flow = models.CharField(max_length=10, choices=Flow.choices)
    amount = models.BigIntegerField(default=0)
    count = models.IntegerField(default=0)

    KEY = (
        "issuer_id",
        "fund_id",
        "origin",
        "call_id",
        "merchant_id",
        "merchant_municipality_id",
        "merchant_kind",
        "category",
        "month",
        "wallet_kind",
        "flow",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "issuer_id",
                    "fund_id",
                    "origin",
                    "call_id",
                    "merchant_id",
                    "merchant_municipality_id",
                    "merchant_kind",
                    "category",
                    "month",
                    "wallet_kind",
                    "flow",
                ],
                name="observatory_flow_cell_unique",
            )
        ]
        indexes = [
            models.Index(fields=["issuer_id", "month"], name="observatory_flow_issuer"),
            models.Index(fields=["merchant_id", "month"], name="observatory_flow_merchant"),
        ]

    def __str__(self) -> str:
        return f"{self.flow} {self.key()}"

    def key(self) -> tuple:
        return tuple(getattr(self, name) for name in self.KEY)

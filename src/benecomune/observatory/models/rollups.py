"""Aggregate tables of the observatory: the figures dashboards and open data read, kept up to
date from the ledger by services/upkeep.py, never by scanning it at read time.

A cell's `persons` is exact: the `*Member` table holds one row per person with activity in
the cell, and a person counts while their net number of transactions there is above zero.
Member rows are statistical internals (not shown to anyone, rebuilt from the ledger).
"""

from django.db import models
from django.db.models import Q


class SpendingCell(models.Model):
    """Welfare money spent at merchants: per merchant's Comune, merchant category, month (of
    the payment) and wallet kind. Voids and refunds count against the payment they correct."""

    municipality = models.ForeignKey(
        "core.Municipality", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    category = models.CharField(max_length=30)
    month = models.DateField()
    wallet_kind = models.CharField(max_length=20)
    amount = models.BigIntegerField(default=0)
    transactions = models.IntegerField(default=0)
    persons = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "category", "month", "wallet_kind"],
                name="observatory_spending_cell_unique",
            ),
            models.UniqueConstraint(
                fields=["category", "month", "wallet_kind"],
                condition=Q(municipality__isnull=True),
                name="observatory_spending_cell_unique_nowhere",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key()}"

    def key(self) -> tuple:
        return (self.municipality_id, self.category, self.month, self.wallet_kind)


class SpendingMember(models.Model):
    cell = models.ForeignKey(SpendingCell, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey("core.Person", on_delete=models.PROTECT, related_name="+")
    amount = models.BigIntegerField(default=0)
    transactions = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["cell", "person"], name="observatory_spending_member")
        ]

    def __str__(self) -> str:
        return f"{self.cell_id}/{self.person_id}"


class AwardCell(models.Model):
    """Money awarded to wallets, per call (null: awards that come from no call)."""

    call = models.ForeignKey(
        "calls.Call", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    amount = models.BigIntegerField(default=0)
    awards = models.IntegerField(default=0)
    persons = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["call"], name="observatory_award_cell_unique"),
        ]

    def __str__(self) -> str:
        return f"call {self.call_id}"

    def key(self) -> tuple:
        return (self.call_id,)


class AwardMember(models.Model):
    cell = models.ForeignKey(AwardCell, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey("core.Person", on_delete=models.PROTECT, related_name="+")
    amount = models.BigIntegerField(default=0)
    awards = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["cell", "person"], name="observatory_award_member")
        ]

    def __str__(self) -> str:
        return f"{self.cell_id}/{self.person_id}"

"""The dashboards' rollup of the marketplace's use: bookings per status and services used,
per Comune of the person served, company plan that paid, provider, user area, service type and
month (docs/observatory.md, "Bookings and services used").

Bookings and orders change after they are made (a booking is confirmed, completed, cancelled,
moved to another month), so a cell cannot be kept by adding new rows past an id. `UsageEntry`
remembers, for each booking or delivered order, the one cell it is counted in: the upkeep
(services/usage.py) reads the rows changed since its watermark, compares each row's cell now
with its entry and moves it (-1 there, +1 here). Entries are statistical internals, never shown
and rebuilt from the bookings and orders. Keys are plain ids with 0 for "none", like FlowCell.
"""

from django.db import models


class UsageKind(models.TextChoices):
    BOOKING = "booking", "booking"
    ORDER = "order", "order"  # a delivered order without a booking (a booking's order is not)


# The cell's key, in the order of the unique constraint and of the upkeep's rows.
KEY = (
    "comune_id",
    "company_id",
    "provider_id",
    "user_area",
    "service_type",
    "month",
    "kind",
    "status",
)


class UsageCell(models.Model):
    comune_id = models.BigIntegerField()  # residence of the person served (booking) or buyer
    company_id = models.BigIntegerField(default=0)  # the company whose plan paid, 0 if none
    provider_id = models.BigIntegerField()
    user_area = models.CharField(max_length=20)  # marketplace UserArea of the service
    service_type = models.CharField(max_length=20)  # marketplace ServiceType
    month = models.DateField()  # of the appointment (booking), of the delivery (order)
    kind = models.CharField(max_length=10, choices=UsageKind.choices)
    status = models.CharField(max_length=20)  # BookingStatus, or "delivered" for orders
    count = models.IntegerField(default=0)

    KEY = KEY

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=list(KEY),
                name="observatory_usage_cell_unique",
            )
        ]
        indexes = [
            models.Index(fields=["comune_id", "month"], name="observatory_usage_comune"),
            models.Index(fields=["provider_id", "month"], name="observatory_usage_provider"),
            models.Index(fields=["company_id", "month"], name="observatory_usage_company"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.key()}"

    def key(self) -> tuple:
        return tuple(getattr(self, name) for name in self.KEY)


class UsageEntry(models.Model):
    """The cell one booking (or delivered order) is counted in now."""

    kind = models.CharField(max_length=10, choices=UsageKind.choices)
    source_id = models.BigIntegerField()
    cell = models.ForeignKey(UsageCell, on_delete=models.CASCADE, related_name="entries")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "source_id"], name="observatory_usage_entry")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.source_id} -> {self.cell_id}"

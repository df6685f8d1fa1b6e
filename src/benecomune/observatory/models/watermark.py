"""Where the incremental upkeep of the rollups stands in the ledger (see docs/observatory.md).

`Watermark.last_id`: every transfer with an id up to it has been counted, except the ids in
`PendingGap`. A gap is an id below a counted transfer that was not visible when counted: its
transaction may still be running (ids are taken before commit, so commits arrive out of id
order) or may have rolled back (the id is then never used). Gaps are looked at again on every
run until their transfer shows up or no transaction that could hold it is still open.
"""

from django.db import models


class Watermark(models.Model):
    name = models.CharField(max_length=40, unique=True)
    last_id = models.BigIntegerField(default=0)
    # For tables read by time rather than id (the bookings' `updated_at`, services/usage.py):
    # every row changed before it has been counted; None: nothing counted yet.
    since = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "watermark"

    def __str__(self) -> str:
        return f"{self.name}@{self.last_id}"


class PendingGap(models.Model):
    transfer_id = models.BigIntegerField(unique=True)
    first_seen = models.DateTimeField()

    def __str__(self) -> str:
        return str(self.transfer_id)

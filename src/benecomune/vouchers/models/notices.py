"""The till notices' outbox: payments waiting for their notice to the citizen.

`vouchers_redeem_at_till()` (the POS API's one-statement payment, vouchers/sql/) writes a row
here in the same statement as the payment, so the hot path publishes nothing; Celery beat's
`vouchers.send_till_notices` sends the notices and deletes the rows (services/notices.py).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TillNotice(models.Model):
    # notices.PAYMENT, VOID, HOLD or RELEASE; object_id is the redemption's or the
    # authorisation's id (no foreign key: the function writes it, the drain reads it once).
    kind = models.CharField(max_length=10)
    object_id = models.BigIntegerField()
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("avviso di cassa da inviare")
        verbose_name_plural = _("avvisi di cassa da inviare")

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id}"

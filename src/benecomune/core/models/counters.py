"""Counters shared by every worker process (login throttling, token revocation version).

Kept in the database so that a deployment without Redis still has one count for all
gunicorn workers; with `CACHE_URL=redis://...` the same counters live in Redis instead
(see core/shared_counters.py)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SharedCounter(models.Model):
    key = models.CharField(max_length=100, primary_key=True)
    value = models.BigIntegerField(default=0)
    # Null for counters that never expire (the token revocation version).
    expires_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("contatore condiviso")
        verbose_name_plural = _("contatori condivisi")

    def __str__(self) -> str:
        return f"{self.key}={self.value}"

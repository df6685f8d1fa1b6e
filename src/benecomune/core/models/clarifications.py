"""Clarification requests (soccorso istruttorio): the office asks the person concerned to
complete a request (an application, an expense claim) and they answer. One abstract model,
made concrete by each app with the foreign key to its own request."""

import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _


class ClarificationStatus(models.TextChoices):
    OPEN = "open", _("In attesa di risposta")
    ANSWERED = "answered", _("Risposta ricevuta")
    EXPIRED = "expired", _("Scaduta senza risposta")


class Clarification(models.Model):
    """A question to the person concerned, open until answered or expired. Concrete models add
    the foreign key to their request and set `audit_key`, the name under which the row's id
    goes in the audit events' payload."""

    audit_key = "clarification"

    message = models.TextField(_("richiesta"))
    # Without a date the request stays open until answered (no expiry).
    due_date = models.DateField(_("entro il"), null=True, blank=True)
    status = models.CharField(
        max_length=20, choices=ClarificationStatus.choices, default=ClarificationStatus.OPEN
    )
    requested_by = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    answer = models.TextField(_("risposta"), blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        abstract = True
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return self.message[:60]

    @property
    def is_open(self) -> bool:
        return self.status == ClarificationStatus.OPEN

    def is_overdue(self, today: datetime.date) -> bool:
        """Still open after its due date (the due day itself still counts)."""
        return self.is_open and self.due_date is not None and self.due_date < today

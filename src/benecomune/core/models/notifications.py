"""In-app messages for a person (the inbox); e-mail copies are sent on commit."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    person = models.ForeignKey(
        "core.Person", on_delete=models.CASCADE, related_name="notifications"
    )
    subject = models.CharField(_("oggetto"), max_length=200)
    body = models.TextField(_("testo"))
    link = models.CharField(_("collegamento"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("messaggio")
        verbose_name_plural = _("messaggi")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.subject

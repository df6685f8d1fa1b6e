"""In-app messages for a person (the inbox), and the outbox of e-mails sent after commit."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager


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


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("Da inviare")
    SENT = "sent", _("Inviato")
    FAILED = "failed", _("Non inviato")
    # Stopped by staff from the outbox page (a message that must not go): never sent again.
    CANCELLED = "cancelled", _("Annullato")


class OutboxMessage(models.Model):
    """An e-mail to send, written in the same transaction as what it tells (so it exists only
    if that happened) and sent by a task after the commit. A failed send is retried and its
    error kept here: a message is never silently dropped."""

    # The tenant the message is about, when there is one (null: a system message).
    organization = models.ForeignKey(
        "core.Organization", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    person = models.ForeignKey(
        "core.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    template_key = models.CharField(max_length=80, blank=True)
    to = models.EmailField(_("destinatario"), max_length=254)
    subject = models.CharField(_("oggetto"), max_length=300)
    body = models.TextField(_("testo"))
    status = models.CharField(
        max_length=10, choices=OutboxStatus.choices, default=OutboxStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedManager(tenant="organization_id")
    objects_unscoped = models.Manager()

    class Meta:
        verbose_name = _("e-mail in uscita")
        verbose_name_plural = _("e-mail in uscita")
        ordering = ["-created_at"]
        base_manager_name = "objects_unscoped"
        indexes = [
            models.Index(
                fields=["created_at"],
                name="core_outbox_pending",
                condition=models.Q(status="pending"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.to}: {self.subject}"

"""Direct contact between a citizen and a provider: a thread about a subject (a service, a
booking, an order, or just the provider), its messages with attachments, and abuse reports.

Only the thread's two parties read it: the citizen (their own person) and the provider's
staff (`objects`, scoped by the provider). A Welfare Point's desk acting for the citizen reads
through `for_desk` (scoped by the citizen's Comune of residence). The network's administrators
see a reported message only, through its `AbuseReport` (scoped by the network).

Unread markers are message ids, not timestamps: `citizen_read_upto` and `provider_read_upto`
hold the last message each side has seen, so two messages in the same instant never hide one.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from benecomune.core.uploads import StoredDocument


class ThreadStatus(models.TextChoices):
    OPEN = "open", _("Aperta")
    CLOSED = "closed", _("Chiusa")


class Side(models.TextChoices):
    CITIZEN = "citizen", _("Cittadino")
    PROVIDER = "provider", _("Fornitore")


class Thread(models.Model):
    provider = models.ForeignKey("core.Provider", on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey("core.Person", on_delete=models.PROTECT, related_name="+")
    # What the thread is about, e.g. ("marketplace.service", 12); empty: the provider itself.
    about_type = models.CharField(max_length=60, blank=True)
    about_id = models.PositiveBigIntegerField(null=True, blank=True)
    subject = models.CharField(_("oggetto"), max_length=200)
    status = models.CharField(
        _("stato"), max_length=10, choices=ThreadStatus.choices, default=ThreadStatus.OPEN
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_message_at = models.DateTimeField(db_index=True)
    # The provider's first answer, and how long after the thread began (the response-time
    # indicator; computed once, by services.threads.post_message).
    first_response_at = models.DateTimeField(null=True, blank=True)
    first_response_seconds = models.PositiveIntegerField(null=True, blank=True)
    citizen_read_upto = models.PositiveBigIntegerField(default=0)
    provider_read_upto = models.PositiveBigIntegerField(default=0)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = ScopedManager(tenant="provider_id")
    for_desk = ScopedManager(tenant="person__residence_id")
    objects_unscoped = models.Manager()

    class Meta:
        verbose_name = _("conversazione")
        verbose_name_plural = _("conversazioni")
        base_manager_name = "objects_unscoped"
        ordering = ["-last_message_at"]
        indexes = [
            models.Index(fields=["provider", "status", "-last_message_at"]),
            models.Index(fields=["person", "-last_message_at"]),
        ]

    def __str__(self) -> str:
        # Not the subject: the audit log keeps str(obj), and a thread's words stay between
        # its two parties.
        return _("Conversazione n. %(n)s") % {"n": self.pk}

    @property
    def is_open(self) -> bool:
        return self.status == ThreadStatus.OPEN


class Message(models.Model):
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="messages")
    side = models.CharField(max_length=10, choices=Side.choices)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # Written by a desk operator for the citizen (the audit event holds the consent).
    on_behalf = models.BooleanField(default=False)
    # Plain text as typed (control characters removed); always rendered escaped.
    text = models.TextField(_("testo"))
    created_at = models.DateTimeField(auto_now_add=True)
    # Hidden by the network's administrators after an abuse report.
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = ScopedManager(tenant="thread__provider_id")
    for_desk = ScopedManager(tenant="thread__person__residence_id")
    objects_unscoped = models.Manager()

    class Meta:
        verbose_name = _("messaggio al fornitore")
        verbose_name_plural = _("messaggi ai fornitori")
        base_manager_name = "objects_unscoped"
        ordering = ["pk"]

    def __str__(self) -> str:
        return _("Messaggio n. %(n)s") % {"n": self.pk}


class MessageAttachment(StoredDocument):
    file = models.FileField(_("file"), upload_to="marketplace/messages/%Y/%m/")
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")

    objects = ScopedManager(tenant="message__thread__provider_id")
    objects_unscoped = models.Manager()

    class Meta(StoredDocument.Meta):
        verbose_name = _("allegato di un messaggio")
        verbose_name_plural = _("allegati dei messaggi")
        base_manager_name = "objects_unscoped"


class AbuseStatus(models.TextChoices):
    OPEN = "open", _("Da esaminare")
    DISMISSED = "dismissed", _("Archiviata")
    HIDDEN = "hidden", _("Messaggio nascosto")


class AbuseReport(models.Model):
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="reports")
    # The provider's network, whose administrators handle the report.
    network = models.ForeignKey("core.Network", on_delete=models.PROTECT, related_name="+")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reporter_side = models.CharField(max_length=10, choices=Side.choices)
    reason = models.TextField(_("motivo"))
    status = models.CharField(
        _("stato"), max_length=10, choices=AbuseStatus.choices, default=AbuseStatus.OPEN
    )
    created_at = models.DateTimeField(auto_now_add=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    handled_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(_("nota della decisione"), blank=True)

    objects = ScopedManager(tenant="network_id")
    objects_unscoped = models.Manager()

    class Meta:
        verbose_name = _("segnalazione di abuso")
        verbose_name_plural = _("segnalazioni di abuso")
        base_manager_name = "objects_unscoped"
        ordering = ["-created_at"]
        constraints = [
            # One open report per message and reporter: a second click adds nothing.
            models.UniqueConstraint(
                fields=["message", "reporter"],
                condition=models.Q(status="open"),
                name="marketplace_one_open_report",
            )
        ]

    def __str__(self) -> str:
        return _("Segnalazione n. %(n)s") % {"n": self.pk}

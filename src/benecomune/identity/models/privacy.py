"""The citizen's requests to rectify or erase their data (GDPR art. 16 and 17), handled by
their Comune's staff: received -> in progress -> done / refused with a reason, within the
legal deadline (one month, art. 12(3): 30 days here)."""

import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

DEADLINE_DAYS = 30


class DataRequestKind(models.TextChoices):
    RECTIFICATION = "rectification", _("Rettifica dei dati")
    ERASURE = "erasure", _("Cancellazione dei dati")


class DataRequestStatus(models.TextChoices):
    RECEIVED = "received", _("Ricevuta")
    IN_PROGRESS = "in_progress", _("In lavorazione")
    DONE = "done", _("Evasa")
    REFUSED = "refused", _("Respinta")


OPEN_REQUEST_STATUSES = (DataRequestStatus.RECEIVED, DataRequestStatus.IN_PROGRESS)


class DataRequest(models.Model):
    # Tenant: the Comune of residence, controller of the person's data on the platform.
    organization = models.ForeignKey(
        "core.Organization", verbose_name=_("Comune"), on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey(
        "core.Person",
        verbose_name=_("richiedente"),
        on_delete=models.PROTECT,
        related_name="data_requests",
    )
    kind = models.CharField(_("tipo di richiesta"), max_length=20, choices=DataRequestKind.choices)
    text = models.TextField(_("che cosa chiede"))
    status = models.CharField(
        _("stato"),
        max_length=20,
        choices=DataRequestStatus.choices,
        default=DataRequestStatus.RECEIVED,
    )
    deadline = models.DateField(_("da evadere entro"))
    outcome = models.TextField(_("esito o motivo"), blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("ricevuta il"), auto_now_add=True)
    closed_at = models.DateTimeField(_("chiusa il"), null=True, blank=True)

    objects = ScopedManager(tenant="organization_id")
    objects_unscoped = models.Manager()

    class Meta:
        verbose_name = _("richiesta sui dati personali")
        verbose_name_plural = _("richieste sui dati personali")
        ordering = ["-created_at", "-id"]
        base_manager_name = "objects_unscoped"
        indexes = [models.Index(fields=["organization", "status", "deadline"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} n. {self.pk}"

    @staticmethod
    def deadline_from(day: datetime.date) -> datetime.date:
        return day + datetime.timedelta(days=DEADLINE_DAYS)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_REQUEST_STATUSES

    def is_late(self, today: datetime.date) -> bool:
        return self.is_open and today > self.deadline


# --- Retention -------------------------------------------------------------------------------


class RetentionCategory(models.TextChoices):
    REJECTED_APPLICATIONS = (
        "rejected_applications",
        _("Domande respinte o ritirate (anni dalla chiusura del bando)"),
    )
    NOTIFICATIONS = "notifications", _("Messaggi nell'area personale (anni dall'invio)")
    EMAILS = "emails", _("E-mail inviate (anni dall'invio)")
    BOOKINGS = "bookings", _("Prenotazioni concluse (anni dalla data del servizio)")
    ORDERS = "orders", _("Ordini di servizi conclusi (anni dall'ordine)")
    EXPENSE_CLAIMS = "expense_claims", _("Richieste di rimborso decise e ricevute (anni)")
    WALLETS = "wallets", _("Buoni scaduti e vuoti: titolare del conto e descrizioni (anni)")
    DATA_REQUESTS = "data_requests", _("Richieste di rettifica e cancellazione chiuse (anni)")
    ACCESS_LOG = "access_log", _("Registro degli accessi ai dati (anni)")
    DESK_CASES = "desk_cases", _("Casi chiusi dei Punti Welfare (anni dalla chiusura)")
    LEDGER = "ledger", _("Movimenti contabili: causali pseudonimizzate (anni)")
    AUDIT = "audit", _("Registro delle attività: riferimenti pseudonimizzati (anni)")


class RetentionRule(models.Model):
    """A Comune's retention period for one category (defaults in identity.retention)."""

    organization = models.ForeignKey(
        "core.Organization", on_delete=models.CASCADE, related_name="+"
    )
    category = models.CharField(_("categoria"), max_length=40, choices=RetentionCategory.choices)
    years = models.PositiveSmallIntegerField(_("anni di conservazione"))

    objects = ScopedManager(tenant="organization_id")
    objects_unscoped = models.Manager()

    class Meta:
        verbose_name = _("periodo di conservazione")
        verbose_name_plural = _("periodi di conservazione")
        base_manager_name = "objects_unscoped"
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "category"], name="identity_one_rule_per_category"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()}: {self.years}"


class RetentionRun(models.Model):
    """One pass of the retention job for a Comune: a dry run (what would go) or a real one."""

    organization = models.ForeignKey(
        "core.Organization", on_delete=models.PROTECT, related_name="+"
    )
    dry_run = models.BooleanField(_("simulazione"))
    summary = models.JSONField(_("riepilogo"), default=dict)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("eseguito il"), auto_now_add=True)

    objects = ScopedManager(tenant="organization_id")
    objects_unscoped = models.Manager()

    class Meta:
        verbose_name = _("esecuzione della conservazione")
        verbose_name_plural = _("esecuzioni della conservazione")
        ordering = ["-created_at", "-id"]
        base_manager_name = "objects_unscoped"

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {'dry run' if self.dry_run else 'run'}"


class PurgeRecord(models.Model):
    """The register of what was purged: the object by type and id, with a pseudonym of the
    person it concerned (never their name or codice fiscale)."""

    run = models.ForeignKey(RetentionRun, on_delete=models.PROTECT, related_name="records")
    organization = models.ForeignKey(
        "core.Organization", on_delete=models.PROTECT, related_name="+"
    )
    category = models.CharField(_("categoria"), max_length=40, choices=RetentionCategory.choices)
    object_type = models.CharField(_("tipo di oggetto"), max_length=80)
    object_id = models.CharField(_("identificativo"), max_length=64)
    action = models.CharField(_("operazione"), max_length=20)  # anonymised|deleted|pseudonymised
    person_pseudonym = models.CharField(_("persona (pseudonimo)"), max_length=16, blank=True)
    created_at = models.DateTimeField(_("quando"), auto_now_add=True)

    objects = ScopedManager(tenant="organization_id")
    objects_unscoped = models.Manager()

    class Meta:
        verbose_name = _("dato eliminato")
        verbose_name_plural = _("registro dei dati eliminati")
        ordering = ["-created_at", "-id"]
        base_manager_name = "objects_unscoped"

    def __str__(self) -> str:
        return f"{self.object_type} {self.object_id} {self.action}"

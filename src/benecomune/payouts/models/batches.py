"""Payout batches: prepared by one person, approved by another, written as SEPA files;
and the bank's reports on them.

Batch lifecycle: preparing (a background job gathers the orders and writes the files) → ready
(waiting for a second person's approval) → approved (the payer's single funding transfer is in
the ledger, the files can go to the bank) → closed (every outcome recorded); preparing/ready →
withdrawn. An order is in at most one live batch item: a partial unique index.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from benecomune.core.identifiers import validate_iban
from benecomune.payouts.models.orders import PayoutOrder
from benecomune.payouts.models.settings import SepaScheme


class BatchStatus(models.TextChoices):
    PREPARING = "preparing", _("In preparazione")
    READY = "ready", _("Da approvare")
    APPROVED = "approved", _("Approvata: file per la banca disponibili")
    CLOSED = "closed", _("Chiusa: esiti registrati")
    WITHDRAWN = "withdrawn", _("Ritirata")


class PayoutBatch(models.Model):
    organization = models.ForeignKey(
        "core.Organization",
        verbose_name=_("ente pagatore"),
        on_delete=models.PROTECT,
        related_name="payout_batches",
    )
    year = models.PositiveSmallIntegerField(_("anno"))
    number = models.PositiveIntegerField(_("numero"))
    # MsgId of the bank file (<= 35 characters); the bank's status report quotes it back.
    message_id = models.CharField(max_length=35, unique=True)
    scheme = models.CharField(
        _("formato del file"),
        max_length=20,
        choices=SepaScheme.choices,
        default=SepaScheme.PAIN_001_001_09,
    )
    execution_date = models.DateField(_("data di esecuzione richiesta"))
    status = models.CharField(
        _("stato"), max_length=20, choices=BatchStatus.choices, default=BatchStatus.PREPARING
    )
    # Orders created up to this moment belong to the batch: a resumed generation picks the
    # same ones even if new orders arrived meanwhile.
    cutoff = models.DateTimeField()
    debtor_name = models.CharField(max_length=70)
    debtor_iban = models.CharField(max_length=34, validators=[validate_iban])
    debtor_bic = models.CharField(max_length=11, blank=True)
    item_count = models.PositiveIntegerField(_("bonifici"), default=0)
    total = models.BigIntegerField(_("totale (centesimi)"), default=0)
    resent_count = models.PositiveIntegerField(_("bonifici ripetuti dopo correzione"), default=0)
    sepa_file = models.FileField(upload_to="payouts/batches/%Y/", blank=True)
    sepa_file_legacy = models.FileField(upload_to="payouts/batches/%Y/", blank=True)
    job = models.ForeignKey(
        "core.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    prepared_at = models.DateTimeField(auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    funding_transfer = models.OneToOneField(
        "ledger.Transfer", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    withdrawn_reason = models.TextField(_("motivo del ritiro"), blank=True)

    objects = ScopedManager(tenant="organization_id")
    objects_unscoped = models.Manager()

    class Meta:
        verbose_name = _("distinta di pagamento")
        verbose_name_plural = _("distinte di pagamento")
        ordering = ["-prepared_at"]
        base_manager_name = "objects_unscoped"
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "year", "number"], name="payouts_batch_number"
            ),
        ]

    def __str__(self) -> str:
        return gettext("Distinta n. %(year)s/%(number)s") % {
            "year": self.year,
            "number": self.number,
        }

    @property
    def display_number(self) -> str:
        return f"{self.year}/{self.number}"


class ItemStatus(models.TextChoices):
    QUEUED = "queued", _("In attesa dell'esito")
    PAID = "paid", _("Pagato")
    REJECTED = "rejected", _("Respinto")
    WITHDRAWN = "withdrawn", _("Ritirato con la distinta")


class BatchItem(models.Model):
    """One credit transfer of a batch: the order as it was sent (IBAN, holder, amount)."""

    batch = models.ForeignKey(PayoutBatch, on_delete=models.PROTECT, related_name="items")
    order = models.ForeignKey(PayoutOrder, on_delete=models.PROTECT, related_name="batch_items")
    organization = models.ForeignKey(
        "core.Organization", on_delete=models.PROTECT, related_name="+"
    )
    end_to_end_id = models.CharField(max_length=35, unique=True)
    amount = models.BigIntegerField()
    iban = models.CharField(max_length=34)
    holder = models.CharField(max_length=70)
    remittance = models.CharField(max_length=140)
    attempt = models.PositiveSmallIntegerField(default=1)
    status = models.CharField(max_length=10, choices=ItemStatus.choices, default=ItemStatus.QUEUED)
    reason_code = models.CharField(max_length=10, blank=True)
    reason = models.CharField(max_length=300, blank=True)
    result_at = models.DateTimeField(null=True, blank=True)
    payout_transfer = models.OneToOneField(
        "ledger.Transfer", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = ScopedManager(tenant="organization_id")
    objects_unscoped = models.Manager()

    class Meta:
        verbose_name = _("bonifico della distinta")
        verbose_name_plural = _("bonifici della distinta")
        base_manager_name = "objects_unscoped"
        constraints = [
            models.UniqueConstraint(fields=["batch", "order"], name="payouts_item_once_per_batch"),
            # The guarantee that nobody is paid twice: an order has at most one live item.
            models.UniqueConstraint(
                fields=["order"],
                condition=Q(status__in=["queued", "paid"]),
                name="payouts_order_in_one_live_batch",
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="payouts_item_positive"),
        ]
        indexes = [models.Index(fields=["batch", "status", "id"], name="payouts_item_batch")]

    def __str__(self) -> str:
        return self.end_to_end_id


class BankReport(models.Model):
    """A file of outcomes received from the bank (pain.002 or CSV) and what it changed."""

    organization = models.ForeignKey(
        "core.Organization", on_delete=models.PROTECT, related_name="+"
    )
    batch = models.ForeignKey(PayoutBatch, on_delete=models.PROTECT, related_name="reports")
    file = models.FileField(upload_to="payouts/reports/%Y/")
    original_name = models.CharField(max_length=200)
    kind = models.CharField(max_length=10)
    sha256 = models.CharField(max_length=64)
    paid = models.PositiveIntegerField(default=0)
    rejected = models.PositiveIntegerField(default=0)
    pending = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    applied_at = models.DateTimeField(null=True, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    job = models.ForeignKey(
        "core.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ScopedManager(tenant="organization_id")
    objects_unscoped = models.Manager()

    class Meta:
        verbose_name = _("esito della banca")
        verbose_name_plural = _("esiti della banca")
        ordering = ["-uploaded_at"]
        base_manager_name = "objects_unscoped"

    def __str__(self) -> str:
        return self.original_name

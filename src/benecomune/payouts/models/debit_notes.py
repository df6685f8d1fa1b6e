"""Debit notes: a merchant's statement of the voucher payments it received from one payer's
wallets (nota di debito fuori campo IVA), approved by the payer and then paid by bank transfer.

Lifecycle: draft → issued → approved → in batch → paid; issued → rejected (the lines are
freed for a later note). A payment (or its reversal) is in at most one live note: a partial
unique index on the line's transfer.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from benecomune.core.scoping import visible_to


class DebitNoteStatus(models.TextChoices):
    DRAFT = "draft", _("Bozza")
    ISSUED = "issued", _("Emessa, in attesa di approvazione")
    APPROVED = "approved", _("Approvata, in attesa di pagamento")
    IN_BATCH = "in_batch", _("In distinta di pagamento")
    PAID = "paid", _("Pagata")
    REJECTED = "rejected", _("Respinta dal Comune")


class SettlementKind(models.TextChoices):
    """Which wallets a note settles: each kind is its own note, so a payer reads (and approves)
    public vouchers, a company plan's spending and own money collected online apart."""

    PUBLIC = "public", _("Buoni e contributi pubblici")
    CORPORATE = "corporate", _("Welfare aziendale")
    OWN_MONEY = "own_money", _("Denaro proprio incassato online dalla piattaforma")


class DebitNote(models.Model):
    merchant = models.ForeignKey(
        "core.Provider",
        verbose_name=_("esercente"),
        on_delete=models.PROTECT,
        related_name="debit_notes",
    )
    # Who owes the money: the organisation that issued the wallets the payments came from.
    payer = models.ForeignKey(
        "core.Organization",
        verbose_name=_("ente debitore"),
        on_delete=models.PROTECT,
        related_name="debit_notes_received",
    )
    kind = models.CharField(
        _("tipo di portafoglio"),
        max_length=20,
        choices=SettlementKind.choices,
        default=SettlementKind.PUBLIC,
    )
    year = models.PositiveSmallIntegerField(_("anno"), null=True, blank=True)
    number = models.PositiveIntegerField(_("numero"), null=True, blank=True)
    period_start = models.DateField(_("dal"))
    period_end = models.DateField(_("al"))
    total = models.BigIntegerField(_("totale (centesimi)"), default=0)
    line_count = models.PositiveIntegerField(_("operazioni"), default=0)
    status = models.CharField(
        _("stato"), max_length=20, choices=DebitNoteStatus.choices, default=DebitNoteStatus.DRAFT
    )
    pdf = models.FileField(_("PDF"), upload_to="payouts/debit-notes/%Y/", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    issued_at = models.DateTimeField(_("emessa il"), null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("decisa il"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    rejection_reason = models.TextField(_("motivo del rifiuto"), blank=True)
    paid_at = models.DateTimeField(_("pagata il"), null=True, blank=True)
    settlement_transfer = models.OneToOneField(
        "ledger.Transfer", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    # Two tenants see a note: the payer's staff (objects) and the merchant's (for_merchant).
    objects = ScopedManager(tenant="payer_id")
    for_merchant = ScopedManager(tenant="merchant_id")
    objects_unscoped = models.Manager()

    @classmethod
    def visible_to(cls, actor):
        """Notes the actor's organisation owes (payer) or issued (merchant)."""
        return visible_to(cls.objects_unscoped.all(), actor, ("payer_id", "merchant_id"))

    class Meta:
        verbose_name = _("nota di debito")
        verbose_name_plural = _("note di debito")
        ordering = ["-created_at"]
        base_manager_name = "objects_unscoped"
        constraints = [
            models.UniqueConstraint(
                fields=["merchant", "year", "number"],
                condition=Q(number__isnull=False),
                name="payouts_debit_note_number",
            ),
            # One open draft per merchant, payer and wallet kind: new payments are added to it.
            models.UniqueConstraint(
                fields=["merchant", "payer", "kind"],
                condition=Q(status="draft"),
                name="payouts_one_draft_per_payer_kind",
            ),
            models.CheckConstraint(condition=Q(total__gte=0), name="payouts_debit_note_total"),
        ]
        indexes = [models.Index(fields=["payer", "status"], name="payouts_note_payer_status")]

    def __str__(self) -> str:
        if self.number:
            return gettext("Nota di debito n. %(year)s/%(number)s") % {
                "year": self.year,
                "number": f"{self.number:04d}",
            }
        return gettext("Nota di debito in bozza")

    @property
    def display_number(self) -> str:
        return f"{self.year}/{self.number:04d}" if self.number else ""


class DebitNoteLine(models.Model):
    """A voucher payment to the merchant (+) or the reversal of one (-)."""

    note = models.ForeignKey(DebitNote, on_delete=models.CASCADE, related_name="lines")
    transfer = models.ForeignKey("ledger.Transfer", on_delete=models.PROTECT, related_name="+")
    amount = models.BigIntegerField(_("importo (centesimi)"))
    occurred_at = models.DateTimeField(_("data dell'operazione"))
    # The wallet the voucher payment came from (its number appears on the note, not the name).
    wallet_account_id = models.BigIntegerField()
    # False once the note is rejected: the payment may then go into a later note.
    live = models.BooleanField(default=True)

    # Reached through the (scoped) note.
    objects = models.Manager()

    class Meta:
        verbose_name = _("riga della nota di debito")
        verbose_name_plural = _("righe della nota di debito")
        ordering = ["occurred_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["transfer"], condition=Q(live=True), name="payouts_payment_in_one_note"
            ),
            models.CheckConstraint(condition=~Q(amount=0), name="payouts_line_nonzero"),
        ]

    def __str__(self) -> str:
        return f"{self.note_id}:{self.transfer_id}"


class DebitNoteCounter(models.Model):
    """The last number given to a merchant's notes in a year (locked while numbering)."""

    merchant = models.ForeignKey("core.Provider", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    objects = models.Manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["merchant", "year"], name="payouts_counter_unique")
        ]

    def __str__(self) -> str:
        return f"{self.merchant_id}/{self.year}: {self.last}"

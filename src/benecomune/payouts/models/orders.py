"""Payout orders: one per beneficiary and obligation (an approved debit note, an accepted
expense claim), with the payment data it goes to.

Lifecycle: on hold (payment data missing) / ready → in batch → paid; in batch → rejected by
the bank → (IBAN corrected) ready → in a follow-up batch → paid.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from benecomune.core.identifiers import validate_iban
from benecomune.core.scoping import visible_to


class BeneficiaryKind(models.TextChoices):
    MERCHANT = "merchant", _("Esercente")
    PERSON = "person", _("Cittadino")


class PayoutStatus(models.TextChoices):
    ON_HOLD = "on_hold", _("In attesa dei dati di pagamento")
    READY = "ready", _("Da pagare")
    IN_BATCH = "in_batch", _("In distinta")
    PAID = "paid", _("Pagato")
    REJECTED = "rejected", _("Respinto dalla banca: da correggere")


class PayoutOrder(models.Model):
    # The payer (tenant): the Comune (or network) whose money this is.
    organization = models.ForeignKey(
        "core.Organization",
        verbose_name=_("ente pagatore"),
        on_delete=models.PROTECT,
        related_name="payout_orders",
    )
    beneficiary_kind = models.CharField(
        _("tipo di beneficiario"), max_length=10, choices=BeneficiaryKind.choices
    )
    provider = models.ForeignKey(
        "core.Provider",
        verbose_name=_("esercente"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="payouts_received",
    )
    person = models.ForeignKey(
        "core.Person",
        verbose_name=_("cittadino"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="payout_orders",
    )
    beneficiary_name = models.CharField(_("beneficiario"), max_length=200)
    iban = models.CharField(_("IBAN"), max_length=34, blank=True, validators=[validate_iban])
    holder = models.CharField(_("intestatario del conto"), max_length=70, blank=True)
    amount = models.BigIntegerField(_("importo (centesimi)"))
    remittance = models.CharField(_("causale"), max_length=140)
    # What is being paid ("payouts.debitnote", "payouts.expenseclaim"), for lists and reports.
    source_type = models.CharField(max_length=80)
    source_id = models.CharField(max_length=64)
    debit_note = models.OneToOneField(
        "payouts.DebitNote",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="payout_order",
    )
    claim = models.OneToOneField(
        "payouts.ExpenseClaim",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="payout_order",
    )
    # The call the money belongs to, when there is one (reports per call).
    call_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    fund = models.ForeignKey(
        "ledger.Fund", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The movement that put the money on the payer's payable account.
    source_transfer = models.OneToOneField(
        "ledger.Transfer", on_delete=models.PROTECT, related_name="payout_order"
    )
    status = models.CharField(
        _("stato"), max_length=20, choices=PayoutStatus.choices, default=PayoutStatus.READY
    )
    rejection_reason = models.CharField(_("motivo del rifiuto"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    paid_at = models.DateTimeField(_("pagato il"), null=True, blank=True)

    # Two parties read an order: the payer (objects) and the shop it pays (for_provider); a
    # citizen reads the orders paying them through `visible_to`.
    objects = ScopedManager(tenant="organization_id")
    for_provider = ScopedManager(tenant="provider_id")
    objects_unscoped = models.Manager()

    class Meta:
        verbose_name = _("ordine di pagamento")
        verbose_name_plural = _("ordini di pagamento")
        ordering = ["-created_at"]
        base_manager_name = "objects_unscoped"
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payouts_order_positive"),
            models.CheckConstraint(
                condition=(
                    Q(beneficiary_kind="merchant", provider__isnull=False, person__isnull=True)
                    | Q(beneficiary_kind="person", person__isnull=False, provider__isnull=True)
                ),
                name="payouts_order_one_beneficiary",
            ),
            models.CheckConstraint(
                condition=Q(status="on_hold") | ~Q(iban=""), name="payouts_order_iban_when_ready"
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "status", "id"], name="payouts_order_queue"),
        ]

    def __str__(self) -> str:
        return f"{self.beneficiary_name} · {self.remittance[:40]}"

    @classmethod
    def visible_to(cls, actor):
        return visible_to(
            cls.objects_unscoped.all(),
            actor,
            ("organization_id", "provider_id"),
            ("person_id", "claim__person_id"),
        )

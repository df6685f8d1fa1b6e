"""What plan wallets spend, by legal basis, and the fringe-benefit cap of art. 51 c.3 TUIR.

- `FringeCap`: the yearly cap per employee as data rows by tax year (2025-2027: EUR 1,000, or
  EUR 2,000 with fiscally dependent children, L. 207/2024 c. 390).
- `FringeUsage`: one counter row per employee and tax year, locked (SELECT ... FOR UPDATE) in
  the same transaction as the hold that spends under c.3, so two parallel purchases cannot both
  pass the cap.
- `PlanSpend`: what one hold (a purchase or a claim) set aside, or one direct payment (the
  till) paid, under which legal basis of the plan; it shrinks when part of the hold is released
  or the payment is refunded or reversed. Per-category limits and the fringe counter
  are checked against it.
- `PayrollRequest`: a contribution to a health or pension fund (lett. a, …) that HR passes to
  payroll; the credit is held on the plan wallet until HR marks it passed.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager


class FringeCap(models.Model):
    tax_year = models.PositiveSmallIntegerField(_("anno d'imposta"), unique=True)
    cap = models.PositiveBigIntegerField(_("soglia (centesimi)"))
    cap_with_children = models.PositiveBigIntegerField(_("soglia con figli a carico (centesimi)"))
    reference = models.CharField(_("riferimento normativo"), max_length=200)

    class Meta:
        verbose_name = _("soglia dei fringe benefit")
        verbose_name_plural = _("soglie dei fringe benefit")
        ordering = ["tax_year"]

    def __str__(self) -> str:
        return str(self.tax_year)


class FringeUsage(models.Model):
    company = models.ForeignKey("core.Company", on_delete=models.PROTECT, related_name="+")
    employee = models.ForeignKey(
        "corporate.Employee", on_delete=models.PROTECT, related_name="fringe_usages"
    )
    tax_year = models.PositiveSmallIntegerField(_("anno d'imposta"))
    # Cents held or spent on the platform under c.3 (declared fringe from others is added when
    # checking: it is the employee's declaration, not platform money).
    used = models.BigIntegerField(_("usato sulla piattaforma"), default=0)

    objects = ScopedManager(tenant="company_id")
    objects_unscoped = models.Manager()

    class Meta:
        verbose_name = _("fringe benefit usati nell'anno")
        verbose_name_plural = _("fringe benefit usati nell'anno")
        base_manager_name = "objects_unscoped"
        constraints = [
            models.UniqueConstraint(fields=["employee", "tax_year"], name="unique_fringe_usage"),
            models.CheckConstraint(condition=Q(used__gte=0), name="fringe_usage_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.employee_id} {self.tax_year}: {self.used}"


class PlanSpend(models.Model):
    company = models.ForeignKey("core.Company", on_delete=models.PROTECT, related_name="+")
    employee = models.ForeignKey("corporate.Employee", on_delete=models.PROTECT, related_name="+")
    version = models.ForeignKey("corporate.PlanVersion", on_delete=models.PROTECT, related_name="+")
    wallet = models.ForeignKey("ledger.Wallet", on_delete=models.PROTECT, related_name="+")
    legal_basis = models.ForeignKey(
        "corporate.LegalBasis", on_delete=models.PROTECT, related_name="+"
    )
    # A hold (checkout, claims, payroll requests) or a direct payment (the till).
    hold = models.OneToOneField(
        "ledger.Reservation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="plan_spend",
    )
    transfer = models.OneToOneField(
        "ledger.Transfer",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="plan_spend",
    )
    tax_year = models.PositiveSmallIntegerField(_("anno d'imposta"))
    is_fringe_benefit = models.BooleanField(default=False)
    # Held or spent, cents: the hold's amount less what was released.
    amount = models.BigIntegerField(_("importo"))
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(tenant="company_id")
    objects_unscoped = models.Manager()

    class Meta:
        verbose_name = _("spesa sul piano")
        verbose_name_plural = _("spese sul piano")
        base_manager_name = "objects_unscoped"
        indexes = [models.Index(fields=["wallet", "legal_basis"], name="corporate_spend_basis")]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="plan_spend_not_negative"),
            models.CheckConstraint(
                condition=Q(hold__isnull=False) | Q(transfer__isnull=False),
                name="plan_spend_hold_or_payment",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.legal_basis_id} {self.amount}"


class PlanClaimDetail(models.Model):
    """What a company-plan claim (payouts' ExpenseClaim of kind `corporate_plan`) needs besides
    the claim itself: the plan, the basis, who benefits and the document's figures."""

    claim = models.OneToOneField(
        "payouts.ExpenseClaim", on_delete=models.CASCADE, related_name="plan_detail"
    )
    company = models.ForeignKey("core.Company", on_delete=models.PROTECT, related_name="+")
    employee = models.ForeignKey("corporate.Employee", on_delete=models.PROTECT, related_name="+")
    version = models.ForeignKey("corporate.PlanVersion", on_delete=models.PROTECT, related_name="+")
    wallet = models.ForeignKey("ledger.Wallet", on_delete=models.PROTECT, related_name="+")
    legal_basis = models.ForeignKey(
        "corporate.LegalBasis", on_delete=models.PROTECT, related_name="+"
    )
    hold = models.OneToOneField("ledger.Reservation", on_delete=models.PROTECT, related_name="+")
    beneficiary = models.CharField(_("beneficiario"), max_length=20)
    beneficiary_name = models.CharField(_("nome del beneficiario"), max_length=200, blank=True)
    beneficiary_fiscal_code = models.CharField(_("codice fiscale"), max_length=16, blank=True)
    document_type = models.CharField(_("tipo di documento"), max_length=30)
    document_amount = models.BigIntegerField(_("importo del documento"))
    payment_method = models.CharField(_("modalità di pagamento"), max_length=20)

    objects = ScopedManager(tenant="company_id")
    objects_unscoped = models.Manager()

    class Meta:
        verbose_name = _("dettagli del rimborso welfare")
        verbose_name_plural = _("dettagli dei rimborsi welfare")
        base_manager_name = "objects_unscoped"

    def __str__(self) -> str:
        return f"{self.claim_id}"


class PayrollRequestStatus(models.TextChoices):
    REQUESTED = "requested", _("Richiesta, da passare al cedolino")
    PASSED = "passed", _("Passata al cedolino")


class PayrollRequest(models.Model):
    company = models.ForeignKey("core.Company", on_delete=models.PROTECT, related_name="+")
    employee = models.ForeignKey(
        "corporate.Employee", on_delete=models.PROTECT, related_name="payroll_requests"
    )
    version = models.ForeignKey("corporate.PlanVersion", on_delete=models.PROTECT, related_name="+")
    wallet = models.ForeignKey("ledger.Wallet", on_delete=models.PROTECT, related_name="+")
    legal_basis = models.ForeignKey(
        "corporate.LegalBasis", on_delete=models.PROTECT, related_name="+"
    )
    hold = models.OneToOneField("ledger.Reservation", on_delete=models.PROTECT, related_name="+")
    amount = models.PositiveBigIntegerField(_("importo (centesimi)"))
    fund_name = models.CharField(_("fondo o cassa"), max_length=200)
    status = models.CharField(
        _("stato"),
        max_length=20,
        choices=PayrollRequestStatus.choices,
        default=PayrollRequestStatus.REQUESTED,
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    passed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    passed_at = models.DateTimeField(null=True, blank=True)
    transfer = models.OneToOneField(
        "ledger.Transfer", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = ScopedManager(tenant="company_id")
    objects_unscoped = models.Manager()

    class Meta:
        verbose_name = _("versamento da passare al cedolino")
        verbose_name_plural = _("versamenti da passare al cedolino")
        base_manager_name = "objects_unscoped"
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return f"{self.fund_name} {self.amount}"

    @classmethod
    def visible_to(cls, actor):
        from benecomune.core.scoping import visible_to

        return visible_to(
            cls.objects_unscoped.all(), actor, ["company_id"], ["employee__person_id"]
        )

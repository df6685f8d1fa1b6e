"""Funding a plan version and allocating its credit (issue 17, point 3).

Each approved version has its own ledger fund (`PlanFund`), owned by the company: the
company's bank transfers enter it as contributions recorded against a `FundingRequest`
(a pro-forma with a payment reference, or one instalment of a monthly schedule); allocation
runs (`AllocationRun`) pay employees' plan wallets from it, and each payment is a
`CreditAllocation` row, so a re-run knows who already has what. Unspent credit at the end of
the period goes back to this fund (ledger expiry) and, when the plan carries it over, from
here into the next version's wallets (`CarryOver`).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager


class PlanFund(models.Model):
    version = models.OneToOneField(
        "corporate.PlanVersion", on_delete=models.PROTECT, related_name="funding"
    )
    company = models.ForeignKey("core.Company", on_delete=models.PROTECT, related_name="+")
    fund = models.OneToOneField("ledger.Fund", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(tenant="company_id")
    objects_unscoped = models.Manager()

    class Meta:
        verbose_name = _("fondo del piano")
        verbose_name_plural = _("fondi dei piani")
        base_manager_name = "objects_unscoped"

    def __str__(self) -> str:
        return f"{self.version_id}:{self.fund_id}"


class FundingKind(models.TextChoices):
    SINGLE = "single", _("Unico versamento")
    INSTALMENT = "instalment", _("Rata mensile")


class FundingStatus(models.TextChoices):
    OPEN = "open", _("Da pagare")
    PARTLY_PAID = "partly_paid", _("Pagata in parte")
    PAID = "paid", _("Pagata")
    CANCELLED = "cancelled", _("Annullata")


class FundingRequest(models.Model):
    """A pro-forma asking the company to pay `amount` with `reference` as the transfer's
    description (causale). `received` is the sum of its payments (kept by the service that
    records them, checked by `funding.check_requests`)."""

    version = models.ForeignKey(
        "corporate.PlanVersion", on_delete=models.PROTECT, related_name="funding_requests"
    )
    company = models.ForeignKey("core.Company", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("tipo"), max_length=20, choices=FundingKind.choices)
    number = models.PositiveSmallIntegerField(_("numero"))
    reference = models.CharField(_("causale del bonifico"), max_length=40, unique=True)
    amount = models.PositiveBigIntegerField(_("importo richiesto (centesimi)"))
    received = models.PositiveBigIntegerField(_("importo ricevuto (centesimi)"), default=0)
    due_on = models.DateField(_("scadenza"))
    status = models.CharField(
        _("stato"), max_length=20, choices=FundingStatus.choices, default=FundingStatus.OPEN
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(tenant="company_id")
    objects_unscoped = models.Manager()

    class Meta:
        verbose_name = _("richiesta di finanziamento")
        verbose_name_plural = _("richieste di finanziamento")
        base_manager_name = "objects_unscoped"
        ordering = ["version", "number"]
        constraints = [
            models.UniqueConstraint(fields=["version", "number"], name="unique_funding_number")
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def outstanding(self) -> int:
        return max(self.amount - self.received, 0)


class FundingPayment(models.Model):
    """An incoming bank transfer recorded against a request: its amount may differ from the
    request's (partial or larger payment); the money is a contribution to the plan's fund."""

    request = models.ForeignKey(FundingRequest, on_delete=models.PROTECT, related_name="payments")
    company = models.ForeignKey("core.Company", on_delete=models.PROTECT, related_name="+")
    amount = models.PositiveBigIntegerField(_("importo ricevuto (centesimi)"))
    received_on = models.DateField(_("data di accredito"))
    # The bank's identifier of the transfer (CRO/TRN): one transfer is recorded once.
    bank_reference = models.CharField(_("riferimento del bonifico (CRO/TRN)"), max_length=60)
    transfer_id = models.BigIntegerField(editable=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(tenant="company_id")
    objects_unscoped = models.Manager()

    class Meta:
        verbose_name = _("bonifico ricevuto")
        verbose_name_plural = _("bonifici ricevuti")
        base_manager_name = "objects_unscoped"
        ordering = ["received_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "bank_reference"], name="unique_funding_bank_reference"
            )
        ]

    def __str__(self) -> str:
        return self.bank_reference


class RunStatus(models.TextChoices):
    RUNNING = "running", _("In corso")
    DONE = "done", _("Conclusa")
    FAILED = "failed", _("Interrotta")


class AllocationRun(models.Model):
    """One allocation of a version's credit: planned under the fund's lock with one budget
    reservation for the whole run (all or nothing), then paid in chunks."""

    version = models.ForeignKey(
        "corporate.PlanVersion", on_delete=models.PROTECT, related_name="allocation_runs"
    )
    company = models.ForeignKey("core.Company", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        _("stato"), max_length=20, choices=RunStatus.choices, default=RunStatus.RUNNING
    )
    reservation_id = models.BigIntegerField(null=True, blank=True, editable=False)
    planned_count = models.PositiveIntegerField(default=0)
    planned_total = models.PositiveBigIntegerField(default=0)
    paid_count = models.PositiveIntegerField(default=0)
    paid_total = models.PositiveBigIntegerField(default=0)
    message = models.CharField(max_length=300, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedManager(tenant="company_id")
    objects_unscoped = models.Manager()

    class Meta:
        verbose_name = _("assegnazione del credito")
        verbose_name_plural = _("assegnazioni del credito")
        base_manager_name = "objects_unscoped"
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.version_id}:{self.pk}"


class AllocationKind(models.TextChoices):
    PLAN = "plan", _("Credito del piano")
    BONUS = "bonus", _("Premio di risultato convertito")
    CARRY_OVER = "carry_over", _("Credito riportato dal periodo precedente")


class CreditAllocation(models.Model):
    """Credit paid into an employee's wallet of a version. Plan credit may come in several
    rows (a re-run tops up what the pro-rata now gives); their sum is what the employee got."""

    version = models.ForeignKey(
        "corporate.PlanVersion", on_delete=models.PROTECT, related_name="allocations"
    )
    company = models.ForeignKey("core.Company", on_delete=models.PROTECT, related_name="+")
    employee = models.ForeignKey(
        "corporate.Employee", on_delete=models.PROTECT, related_name="allocations"
    )
    kind = models.CharField(_("tipo"), max_length=20, choices=AllocationKind.choices)
    run = models.ForeignKey(
        AllocationRun, null=True, blank=True, on_delete=models.PROTECT, related_name="rows"
    )
    wallet = models.ForeignKey("ledger.Wallet", on_delete=models.PROTECT, related_name="+")
    amount = models.PositiveBigIntegerField(_("importo (centesimi)"))
    transfer_id = models.BigIntegerField(editable=False)
    # Carry-over: the version whose unspent credit this is (paid from that version's fund).
    carried_from = models.ForeignKey(
        "corporate.PlanVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(tenant="company_id")
    objects_unscoped = models.Manager()

    class Meta:
        verbose_name = _("credito assegnato")
        verbose_name_plural = _("crediti assegnati")
        base_manager_name = "objects_unscoped"
        ordering = ["version", "employee", "pk"]
        indexes = [models.Index(fields=["version", "employee", "kind"])]

    def __str__(self) -> str:
        return f"{self.employee_id}:{self.amount}"

    @classmethod
    def visible_to(cls, actor):
        from benecomune.core.scoping import visible_to

        rows = cls.objects_unscoped.all()
        return visible_to(rows, actor, ["company_id"], ["employee__person_id"])

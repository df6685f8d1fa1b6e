"""Conversion of the productivity bonus into welfare credit (issue 17, point 6).

`BonusRule` rows hold the law's figures per year (cap on the converted amount, income limit
of the year before, legal reference), seeded by a data migration like `LegalBasis`: a change
in the law is a row. HR records each employee's bonus of a year (`ProductivityBonus`); the
employee converts part or all of it, once (`BonusConversion`), declaring last year's income
under the limit. The converted credit is paid by the allocation run into a separate wallet of
the plan version, which the conversion row points at: reports keep it apart.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager


class BonusRule(models.Model):
    year = models.PositiveSmallIntegerField(_("anno"), unique=True)
    cap = models.PositiveBigIntegerField(_("importo massimo convertibile (centesimi)"))
    income_limit = models.PositiveBigIntegerField(
        _("reddito massimo dell'anno precedente (centesimi)")
    )
    reference = models.CharField(_("riferimento normativo"), max_length=200)

    class Meta:
        verbose_name = _("regola del premio di risultato")
        verbose_name_plural = _("regole del premio di risultato")
        ordering = ["year"]

    def __str__(self) -> str:
        return f"{self.year}: {self.reference}"


class ProductivityBonus(models.Model):
    company = models.ForeignKey("core.Company", on_delete=models.PROTECT, related_name="+")
    employee = models.ForeignKey(
        "corporate.Employee", on_delete=models.PROTECT, related_name="productivity_bonuses"
    )
    year = models.PositiveSmallIntegerField(_("anno"))
    amount = models.PositiveBigIntegerField(_("premio (centesimi)"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager(tenant="company_id")
    objects_unscoped = models.Manager()

    class Meta:
        verbose_name = _("premio di risultato")
        verbose_name_plural = _("premi di risultato")
        base_manager_name = "objects_unscoped"
        ordering = ["-year", "employee"]
        constraints = [
            models.UniqueConstraint(fields=["employee", "year"], name="unique_bonus_year")
        ]

    def __str__(self) -> str:
        return f"{self.employee_id} {self.year}"

    @classmethod
    def visible_to(cls, actor):
        from benecomune.core.scoping import visible_to

        rows = cls.objects_unscoped.all()
        return visible_to(rows, actor, ["company_id"], ["employee__person_id"])


class BonusConversion(models.Model):
    """The employee's choice: `amount` of the bonus becomes welfare credit of `version`,
    paid into `wallet` (a plan wallet of its own) by the next allocation run."""

    bonus = models.OneToOneField(
        ProductivityBonus, on_delete=models.PROTECT, related_name="conversion"
    )
    company = models.ForeignKey("core.Company", on_delete=models.PROTECT, related_name="+")
    employee = models.ForeignKey(
        "corporate.Employee", on_delete=models.PROTECT, related_name="bonus_conversions"
    )
    version = models.ForeignKey(
        "corporate.PlanVersion", on_delete=models.PROTECT, related_name="bonus_conversions"
    )
    amount = models.PositiveBigIntegerField(_("importo convertito (centesimi)"))
    # The declaration: income of `income_year` not above the rule's limit.
    income_year = models.PositiveSmallIntegerField(_("anno del reddito dichiarato"))
    income_declared = models.BooleanField(_("reddito sotto il limite dichiarato"))
    rule_reference = models.CharField(max_length=200)
    wallet = models.ForeignKey(
        "ledger.Wallet", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    declared_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(tenant="company_id")
    objects_unscoped = models.Manager()

    class Meta:
        verbose_name = _("conversione del premio di risultato")
        verbose_name_plural = _("conversioni del premio di risultato")
        base_manager_name = "objects_unscoped"
        ordering = ["-declared_at"]

    def __str__(self) -> str:
        return f"{self.employee_id}:{self.amount}"

    @classmethod
    def visible_to(cls, actor):
        from benecomune.core.scoping import visible_to

        rows = cls.objects_unscoped.all()
        return visible_to(rows, actor, ["company_id"], ["employee__person_id"])

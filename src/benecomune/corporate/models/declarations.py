"""What an employee declares to the company: fiscally dependent children (for the higher
fringe-benefit cap of art. 51 c.3 TUIR) and fringe benefits received from other sources in
the same tax year (they count towards the same cap)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager


def _visible(model, actor):
    from benecomune.core.scoping import visible_to

    return visible_to(model.objects_unscoped.all(), actor, ["company_id"], ["employee__person_id"])


class DependentChild(models.Model):
    company = models.ForeignKey("core.Company", on_delete=models.CASCADE, related_name="+")
    employee = models.ForeignKey(
        "corporate.Employee", on_delete=models.CASCADE, related_name="dependent_children"
    )
    tax_year = models.PositiveSmallIntegerField(_("anno d'imposta"))
    fiscal_code = models.CharField(_("codice fiscale del figlio"), max_length=16)
    full_name = models.CharField(_("nome e cognome"), max_length=200)
    declared_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(tenant="company_id")
    objects_unscoped = models.Manager()

    class Meta:
        verbose_name = _("figlio fiscalmente a carico")
        verbose_name_plural = _("figli fiscalmente a carico")
        base_manager_name = "objects_unscoped"
        ordering = ["-tax_year", "full_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["employee", "tax_year", "fiscal_code"], name="unique_dependent_child"
            )
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.tax_year})"

    @classmethod
    def visible_to(cls, actor):
        """HR of the company, or the employee who declared."""
        return _visible(cls, actor)


class OtherFringeBenefit(models.Model):
    company = models.ForeignKey("core.Company", on_delete=models.CASCADE, related_name="+")
    employee = models.ForeignKey(
        "corporate.Employee", on_delete=models.CASCADE, related_name="other_fringe_benefits"
    )
    amount = models.PositiveBigIntegerField(_("importo (centesimi)"))
    source = models.CharField(_("da chi"), max_length=200)
    received_on = models.DateField(_("ricevuto il"))
    declared_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(tenant="company_id")
    objects_unscoped = models.Manager()

    class Meta:
        verbose_name = _("fringe benefit da altri")
        verbose_name_plural = _("fringe benefit da altri")
        base_manager_name = "objects_unscoped"
        ordering = ["-received_on"]

    def __str__(self) -> str:
        return f"{self.source} {self.amount}"

    @classmethod
    def visible_to(cls, actor):
        return _visible(cls, actor)

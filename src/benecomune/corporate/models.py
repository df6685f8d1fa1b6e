"""Corporate welfare. For now: who works for which company (plans and credit come later)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager


class Employee(models.Model):
    company = models.ForeignKey("core.Company", on_delete=models.PROTECT, related_name="employees")
    person = models.ForeignKey("core.Person", on_delete=models.PROTECT, related_name="employments")
    employee_number = models.CharField(_("matricola"), max_length=30)
    hired_on = models.DateField(_("assunto il"))
    left_on = models.DateField(_("cessato il"), null=True, blank=True)

    objects = ScopedManager(tenant="company_id")
    objects_unscoped = models.Manager()

    class Meta:
        verbose_name = _("dipendente")
        verbose_name_plural = _("dipendenti")
        base_manager_name = "objects_unscoped"
        constraints = [
            models.UniqueConstraint(
                fields=["company", "employee_number"], name="unique_employee_number"
            ),
            models.UniqueConstraint(fields=["company", "person"], name="unique_employee_person"),
        ]

    def __str__(self) -> str:
        return f"{self.employee_number} {self.person}"

"""Who works for which company: one row per person and company, kept by the roster import."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager


class EmployeeCategory(models.TextChoices):
    """The categories of art. 2095 c.c. (plus apprentices): an objective criterion of a
    plan's groups."""

    WORKER = "operaio", _("Operaio")
    CLERK = "impiegato", _("Impiegato")
    MIDDLE_MANAGER = "quadro", _("Quadro")
    EXECUTIVE = "dirigente", _("Dirigente")
    APPRENTICE = "apprendista", _("Apprendista")


class Employee(models.Model):
    company = models.ForeignKey("core.Company", on_delete=models.PROTECT, related_name="employees")
    person = models.ForeignKey("core.Person", on_delete=models.PROTECT, related_name="employments")
    employee_number = models.CharField(_("matricola"), max_length=30)
    hired_on = models.DateField(_("assunto il"))
    left_on = models.DateField(_("cessato il"), null=True, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    category = models.CharField(
        _("categoria"), max_length=20, choices=EmployeeCategory.choices, blank=True
    )
    level = models.CharField(_("livello"), max_length=30, blank=True)
    site = models.CharField(_("sede"), max_length=100, blank=True)
    part_time_percent = models.PositiveSmallIntegerField(
        _("percentuale di tempo parziale"),
        default=100,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    # The e-mail inviting the employee to activate an account (sent once, by the roster
    # import): when, and the hash of its single-use link (core.models.tokens.hash_token).
    invited_at = models.DateTimeField(null=True, blank=True)
    activation_token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    activation_expires_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedManager(tenant="company_id")
    objects_unscoped = models.Manager()

    class Meta:
        verbose_name = _("dipendente")
        verbose_name_plural = _("dipendenti")
        base_manager_name = "objects_unscoped"
        ordering = ["employee_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "employee_number"], name="unique_employee_number"
            ),
            models.UniqueConstraint(fields=["company", "person"], name="unique_employee_person"),
        ]

    def __str__(self) -> str:
        return f"{self.employee_number} {self.person}"

    @classmethod
    def visible_to(cls, actor):
        """HR of the company, or the employee themselves."""
        from benecomune.core.scoping import visible_to

        return visible_to(cls.objects_unscoped.all(), actor, ["company_id"], ["person_id"])

    def is_active_on(self, day) -> bool:
        return self.hired_on <= day and (self.left_on is None or self.left_on >= day)

"""The payroll item codes of a company (issue 17 point 7): what each line of the payroll
export is called in the company's payroll software, per legal basis, exempt or taxable, and
whether the credit came from converting the productivity bonus. A company that has set nothing
gets the defaults of `corporate/payroll_codes.py`; a row here overrides one of them."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager


class PayrollItemCode(models.Model):
    company = models.ForeignKey("core.Company", on_delete=models.PROTECT, related_name="+")
    legal_basis = models.ForeignKey(
        "corporate.LegalBasis", on_delete=models.PROTECT, related_name="+"
    )
    taxable = models.BooleanField(_("imponibile"), default=False)
    from_bonus = models.BooleanField(_("da premio di risultato"), default=False)
    code = models.CharField(_("voce del cedolino"), max_length=20)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager(tenant="company_id")
    objects_unscoped = models.Manager()

    class Meta:
        verbose_name = _("voce del cedolino")
        verbose_name_plural = _("voci del cedolino")
        base_manager_name = "objects_unscoped"
        constraints = [
            models.UniqueConstraint(
                fields=["company", "legal_basis", "taxable", "from_bonus"],
                name="unique_payroll_item_code",
            )
        ]

    def __str__(self) -> str:
        return self.code

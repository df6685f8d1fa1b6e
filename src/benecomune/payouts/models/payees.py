"""Where a merchant (or any organisation paid by the platform) wants its money.

The Provider model has no IBAN; until the merchant circuit keeps one, this small table does.
Every change goes through `services.payees.set_payee_account` (validated, audited, notified)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from benecomune.core.identifiers import validate_iban


class PayeeAccount(models.Model):
    organization = models.OneToOneField(
        "core.Organization",
        verbose_name=_("beneficiario"),
        on_delete=models.PROTECT,
        related_name="payee_account",
    )
    iban = models.CharField(_("IBAN"), max_length=34, validators=[validate_iban])
    holder = models.CharField(_("intestatario del conto"), max_length=70)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = ScopedManager(tenant="organization_id")
    objects_unscoped = models.Manager()

    class Meta:
        verbose_name = _("conto del beneficiario")
        verbose_name_plural = _("conti dei beneficiari")
        base_manager_name = "objects_unscoped"

    def __str__(self) -> str:
        return f"{self.holder} {self.iban[-4:]}"

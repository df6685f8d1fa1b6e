"""Shared value (issue 19, point 1): social projects chosen by a Comune and the agreements by
which a merchant or provider gives them part of its welfare revenue.

A project's money is in its own ledger account (`AccountKind.SHARED_VALUE`, opened with the
project); every captured payment at a merchant with a signed agreement moves the share there
in the same transaction (services/shared_value.py, ledger/services/sharing.py)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from benecomune.core.identifiers import validate_iban


class ProjectStatus(models.TextChoices):
    DRAFT = "draft", _("In preparazione")
    ACTIVE = "active", _("Attivo: raccoglie fondi")
    CLOSED = "closed", _("Concluso")


class SocialProject(models.Model):
    organization = models.ForeignKey(
        "core.Organization",
        verbose_name=_("Comune"),
        on_delete=models.PROTECT,
        related_name="social_projects",
    )
    title = models.CharField(_("titolo"), max_length=200)
    description = models.TextField(_("descrizione"))
    target_amount = models.BigIntegerField(_("obiettivo (centesimi)"))
    # The third-sector body the money goes to, registered on the platform as a provider (a
    # social cooperative, an association): the payout batches pay providers or persons.
    beneficiary = models.ForeignKey(
        "core.Provider",
        verbose_name=_("ente beneficiario"),
        on_delete=models.PROTECT,
        related_name="funded_projects",
    )
    beneficiary_iban = models.CharField(
        _("IBAN dell'ente beneficiario"), max_length=34, blank=True, validators=[validate_iban]
    )
    starts_on = models.DateField(_("inizio"))
    ends_on = models.DateField(_("fine"), null=True, blank=True)
    status = models.CharField(
        _("stato"), max_length=20, choices=ProjectStatus.choices, default=ProjectStatus.DRAFT
    )
    account = models.OneToOneField(
        "ledger.Account", on_delete=models.PROTECT, related_name="social_project"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(tenant="organization_id")
    objects_unscoped = models.Manager()

    class Meta:
        verbose_name = _("progetto sociale")
        verbose_name_plural = _("progetti sociali")
        base_manager_name = "objects_unscoped"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(target_amount__gt=0), name="observatory_project_target_gt_0"
            )
        ]

    def __str__(self) -> str:
        return self.title


class ShareMode(models.TextChoices):
    PERCENT = "percent", _("Percentuale di ogni pagamento")
    FIXED = "fixed", _("Importo fisso per pagamento")


class SharedValueAgreement(models.Model):
    """Values per wallet kind: basis points (1/100 of a percent, 0-10000) in PERCENT mode,
    cents per payment in FIXED mode (never more than the payment). Signed when both the
    Comune (`comune_signed_at`) and the merchant (`merchant_signed_at`) accepted it."""

    organization = models.ForeignKey(
        "core.Organization",
        verbose_name=_("Comune o rete"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    merchant = models.ForeignKey(
        "core.Provider",
        verbose_name=_("esercente o fornitore"),
        on_delete=models.PROTECT,
        related_name="shared_value_agreements",
    )
    project = models.ForeignKey(
        SocialProject,
        verbose_name=_("progetto"),
        on_delete=models.PROTECT,
        related_name="agreements",
    )
    mode = models.CharField(_("modalità"), max_length=10, choices=ShareMode.choices)
    value_public = models.BigIntegerField(_("buoni pubblici"), default=0)
    value_corporate = models.BigIntegerField(_("welfare aziendale"), default=0)
    value_own = models.BigIntegerField(_("denaro proprio"), default=0)
    valid_from = models.DateField(_("valido dal"))
    valid_until = models.DateField(_("valido fino al"))
    named_publicly = models.BooleanField(
        _("nome dell'esercente nelle pagine pubbliche"), default=True
    )
    comune_signed_at = models.DateTimeField(null=True, blank=True)
    comune_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    merchant_signed_at = models.DateTimeField(null=True, blank=True)
    merchant_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(tenant="organization_id")
    objects_unscoped = models.Manager()

    class Meta:
        verbose_name = _("accordo di valore condiviso")
        verbose_name_plural = _("accordi di valore condiviso")
        base_manager_name = "objects_unscoped"
        indexes = [models.Index(fields=["merchant", "valid_from"], name="observ_sva_merchant")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_until__gte=models.F("valid_from")),
                name="observatory_agreement_dates",
            ),
            models.CheckConstraint(
                condition=models.Q(value_public__gte=0, value_corporate__gte=0, value_own__gte=0),
                name="observatory_agreement_values_ge_0",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.merchant_id} → {self.project_id}"

    @property
    def signed(self) -> bool:
        return self.comune_signed_at is not None and self.merchant_signed_at is not None

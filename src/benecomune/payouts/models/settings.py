"""Per-payer setup: how often merchants are settled, the account the bank file debits, and the
three ledger accounts a payer's payouts move through (see docs/payouts.md)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from benecomune.core.identifiers import validate_iban


class SettlementPeriod(models.TextChoices):
    WEEKLY = "weekly", _("Settimanale")
    FORTNIGHTLY = "fortnightly", _("Quindicinale")
    MONTHLY = "monthly", _("Mensile")


class SepaScheme(models.TextChoices):
    PAIN_001_001_09 = "pain.001.001.09", _("SEPA pain.001.001.09 (versione 2019)")
    PAIN_001_001_03 = "pain.001.001.03", _("SEPA pain.001.001.03 (versione 2009)")


class PayoutSettings(models.Model):
    """One row per paying organisation (a Comune, or a network for its joint funds).

    A Comune without its own settlement period uses its network's; the ledger accounts are
    created on first use by `services.accounts.payer_setup`."""

    organization = models.OneToOneField(
        "core.Organization",
        verbose_name=_("ente"),
        on_delete=models.PROTECT,
        related_name="payout_settings",
    )
    settlement_period = models.CharField(
        _("periodicità delle note di debito"),
        max_length=20,
        choices=SettlementPeriod.choices,
        blank=True,
        help_text=_("Vuoto: come la rete (o settimanale)."),
    )
    # The account the SEPA file debits: the platform's dedicated account that receives the
    # Comune's single transfer, or the Comune's own treasury account.
    debtor_name = models.CharField(
        _("intestatario del conto di addebito"), max_length=70, blank=True
    )
    debtor_iban = models.CharField(
        _("IBAN del conto di addebito"), max_length=34, blank=True, validators=[validate_iban]
    )
    debtor_bic = models.CharField(_("BIC della banca (facoltativo)"), max_length=11, blank=True)
    sepa_scheme = models.CharField(
        _("formato preferito dalla banca"),
        max_length=20,
        choices=SepaScheme.choices,
        default=SepaScheme.PAIN_001_001_09,
    )
    # payable: approved debit notes and accepted claims waiting to be paid (the Comune's side);
    # platform: the account the Comune's single transfer funds and the bank pays from;
    # beneficiaries: the outside world the bank transfers go to.
    payable_account = models.OneToOneField(
        "ledger.Account", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    platform_account = models.OneToOneField(
        "ledger.Account", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    beneficiaries_account = models.OneToOneField(
        "ledger.Account", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager(tenant="organization_id")
    objects_unscoped = models.Manager()

    class Meta:
        verbose_name = _("impostazioni dei pagamenti")
        verbose_name_plural = _("impostazioni dei pagamenti")
        base_manager_name = "objects_unscoped"

    def __str__(self) -> str:
        return str(self.organization)

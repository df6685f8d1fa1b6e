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


class AgreementState(models.TextChoices):
    """An agreement's state, read from its dates (`SharedValueAgreement.state`)."""

    PROPOSED = "proposed", _("Proposto, in attesa dell'esercente")
    SIGNED = "signed", _("Firmato da entrambi")
    REFUSED = "refused", _("Rifiutato dall'esercente")
    WITHDRAWN = "withdrawn", _("Ritirato dal proponente")
    ENDED = "ended", _("Terminato in anticipo")


# Agreements that count: neither refused by the merchant nor withdrawn by the proposing party.
# A refused or withdrawn proposal blocks no dates and never routes a share.
LIVE = models.Q(refused_at__isnull=True, withdrawn_at__isnull=True)


class SharedValueAgreement(models.Model):
    """Values per wallet kind: basis points (1/100 of a percent, 0-10000) in PERCENT mode,
    cents per payment in FIXED mode (never more than the payment). Signed when both the
    Comune (`comune_signed_at`) and the merchant (`merchant_signed_at`) accepted it.

    A proposal not yet accepted may be refused by the merchant (`refused_at/by`) or withdrawn
    by the proposing party (`withdrawn_at/by`); a signed agreement may be ended early by either
    party (`ended_at/by`): its `valid_until` becomes the chosen last day, the one signed is kept
    in `signed_until`. `closing_reason` says why (required but for a withdrawal)."""

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
    refused_at = models.DateTimeField(_("rifiutato il"), null=True, blank=True)
    refused_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    withdrawn_at = models.DateTimeField(_("ritirato il"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    ended_at = models.DateTimeField(_("terminato il"), null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The last day as signed, when the agreement was ended early (valid_until is the new one).
    signed_until = models.DateField(_("scadenza firmata"), null=True, blank=True)
    closing_reason = models.TextField(_("motivo"), blank=True)
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
            # Refused, withdrawn, ended: at most one of them.
            models.CheckConstraint(
                condition=models.Q(refused_at__isnull=True, withdrawn_at__isnull=True)
                | models.Q(refused_at__isnull=True, ended_at__isnull=True)
                | models.Q(withdrawn_at__isnull=True, ended_at__isnull=True),
                name="observatory_agreement_closed_once",
            ),
            # Only a proposal the merchant has not accepted is refused or withdrawn; only a
            # signed agreement is ended.
            models.CheckConstraint(
                condition=LIVE | models.Q(merchant_signed_at__isnull=True),
                name="observatory_agreement_refused_unsigned",
            ),
            models.CheckConstraint(
                condition=models.Q(ended_at__isnull=True)
                | models.Q(merchant_signed_at__isnull=False, signed_until__isnull=False),
                name="observatory_agreement_ended_signed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.merchant_id} → {self.project_id}"

    @property
    def signed(self) -> bool:
        return self.comune_signed_at is not None and self.merchant_signed_at is not None

    @property
    def state(self) -> str:
        if self.refused_at is not None:
            return AgreementState.REFUSED
        if self.withdrawn_at is not None:
            return AgreementState.WITHDRAWN
        if self.ended_at is not None:
            return AgreementState.ENDED
        return AgreementState.SIGNED if self.signed else AgreementState.PROPOSED

    @property
    def closed(self) -> bool:
        """Refused or withdrawn: a proposal that will never apply."""
        return self.refused_at is not None or self.withdrawn_at is not None

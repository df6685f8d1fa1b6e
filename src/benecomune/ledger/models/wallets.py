"""A beneficiary's wallet per source (a call's award, a company plan, own top-up), with its
spending rules. Its money lives in `account` (kind wallet)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager


class WalletSource(models.TextChoices):
    CALL_AWARD = "call_award", _("Contributo di un bando")
    COMPANY_PLAN = "company_plan", _("Piano di welfare aziendale")
    TOP_UP = "top_up", _("Ricarica personale")


class Wallet(models.Model):
    # The tenant: the Comune or company that issues the wallet.
    organization = models.ForeignKey(
        "core.Organization",
        verbose_name=_("emesso da"),
        on_delete=models.PROTECT,
        related_name="wallets",
    )
    person = models.ForeignKey(
        "core.Person",
        verbose_name=_("beneficiario"),
        on_delete=models.PROTECT,
        related_name="wallets",
    )
    account = models.OneToOneField(
        "ledger.Account", on_delete=models.PROTECT, related_name="wallet", editable=False
    )
    title = models.CharField(_("nome"), max_length=200)
    source_kind = models.CharField(_("provenienza"), max_length=20, choices=WalletSource.choices)
    # The business object it comes from (e.g. "calls.award", "42"): apps not written yet.
    source_type = models.CharField(max_length=80, blank=True)
    source_id = models.CharField(max_length=64, blank=True)
    # Where unspent money goes back when the wallet expires.
    fund = models.ForeignKey(
        "ledger.Fund",
        verbose_name=_("fondo"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="wallets",
    )
    # Empty list: any category.
    allowed_categories = models.JSONField(_("categorie di esercenti"), default=list, blank=True)
    territory_network = models.ForeignKey(
        "core.Network",
        verbose_name=_("rete"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    territory_municipalities = models.ManyToManyField(
        "core.Municipality", verbose_name=_("Comuni"), blank=True, related_name="+"
    )
    valid_from = models.DateField(_("spendibile dal"), null=True, blank=True)
    valid_until = models.DateField(_("spendibile fino al"), null=True, blank=True)
    nominative = models.BooleanField(_("nominativo"), default=True)
    expired_at = models.DateTimeField(_("scaduto il"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(tenant="organization_id")
    objects_unscoped = models.Manager()

    class Meta:
        verbose_name = _("borsellino")
        verbose_name_plural = _("borsellini")
        ordering = ["-created_at"]
        base_manager_name = "objects_unscoped"
        indexes = [models.Index(fields=["valid_until", "expired_at"])]

    def __str__(self) -> str:
        return self.title

"""A call (bando): rules, budget, dates and its lifecycle.

Lifecycle: draft → published → closed → ranked → awarded → closed out. The rules of a published
call are frozen: a change makes a new version (a new draft linked by `previous_version`), and
publishing the new version withdraws the old one (status `superseded`).
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager


class BenefitType(models.TextChoices):
    VOUCHER = "voucher", _("Buono spesa nominativo")
    REIMBURSEMENT = "reimbursement", _("Rimborso di spese sostenute")
    SERVICE = "service", _("Servizio da un fornitore accreditato")


class CallStatus(models.TextChoices):
    DRAFT = "draft", _("Bozza")
    PUBLISHED = "published", _("Pubblicato")
    CLOSED = "closed", _("Chiuso alle domande")
    RANKED = "ranked", _("Graduatoria pubblicata")
    AWARDED = "awarded", _("Contributi assegnati")
    CLOSED_OUT = "closed_out", _("Concluso")
    SUPERSEDED = "superseded", _("Sostituito da una nuova versione")


class ShareMode(models.TextChoices):
    """How a joint call uses the shares of its Comuni (see calls.services.shares)."""

    NETWORK = "network", _("Graduatoria unica della rete")
    PER_MUNICIPALITY = "per_municipality", _("Quota di ciascun Comune")


class Call(models.Model):
    # Owner: a Comune, or a network for a joint call (its Comuni are the shares).
    organization = models.ForeignKey(
        "core.Organization",
        verbose_name=_("ente titolare"),
        on_delete=models.PROTECT,
        related_name="calls",
    )
    code = models.SlugField(_("codice"), max_length=60)
    version = models.PositiveIntegerField(_("versione"), default=1)
    previous_version = models.OneToOneField(
        "self",
        verbose_name=_("versione precedente"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="next_version",
    )
    title = models.CharField(_("titolo"), max_length=200)
    summary = models.CharField(_("in breve"), max_length=300, blank=True)
    description = models.TextField(_("descrizione"), blank=True)
    benefit_type = models.CharField(
        _("tipo di beneficio"), max_length=20, choices=BenefitType.choices
    )
    status = models.CharField(
        _("stato"), max_length=20, choices=CallStatus.choices, default=CallStatus.DRAFT
    )
    # The budget is paid from this fund (a network fund for a joint call, into which each Comune
    # contributes its share): one reservation per call keeps promises within the fund.
    fund = models.ForeignKey(
        "ledger.Fund", verbose_name=_("fondo"), on_delete=models.PROTECT, related_name="calls"
    )
    budget = models.BigIntegerField(_("budget"))
    # Joint calls: one network ranking (shares only split the cost), or each Comune's residents
    # funded within its share, optionally with what a share leaves unused redistributed.
    share_mode = models.CharField(
        _("uso delle quote dei Comuni"),
        max_length=20,
        choices=ShareMode.choices,
        default=ShareMode.NETWORK,
    )
    redistribute_unused = models.BooleanField(
        _("ridistribuzione delle quote non usate"), default=False
    )
    # Structured rules (eligibility, amount, scoring, tie-breaks, declarations, documents),
    # validated by calls.rules.parse_rules; frozen once published.
    rules = models.JSONField(_("regole"), default=dict)
    opens_at = models.DateTimeField(_("domande dal"))
    closes_at = models.DateTimeField(_("domande fino al"))
    spend_from = models.DateField(_("utilizzo dal"), null=True, blank=True)
    spend_until = models.DateField(_("utilizzo fino al"), null=True, blank=True)
    allowed_categories = models.JSONField(_("categorie di esercenti"), default=list, blank=True)
    appeal_days = models.PositiveSmallIntegerField(_("giorni per i ricorsi"), default=10)
    legal_reference = models.CharField(_("atto di approvazione"), max_length=200, blank=True)
    # Last protocol number given to an application (incremented under the call's row lock).
    protocol_counter = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(_("pubblicato il"), null=True, blank=True)
    closed_at = models.DateTimeField(_("chiuso il"), null=True, blank=True)
    ranked_at = models.DateTimeField(_("graduatoria provvisoria il"), null=True, blank=True)
    appeal_until = models.DateTimeField(_("ricorsi fino al"), null=True, blank=True)
    final_ranking_at = models.DateTimeField(_("graduatoria definitiva il"), null=True, blank=True)
    awarded_at = models.DateTimeField(_("assegnato il"), null=True, blank=True)
    closed_out_at = models.DateTimeField(_("concluso il"), null=True, blank=True)

    objects = ScopedManager(tenant="organization_id")
    objects_unscoped = models.Manager()

    class Meta:
        verbose_name = _("bando")
        verbose_name_plural = _("bandi")
        ordering = ["-created_at"]
        base_manager_name = "objects_unscoped"
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "code", "version"], name="calls_call_code_version"
            ),
            models.CheckConstraint(condition=Q(budget__gt=0), name="calls_call_budget_positive"),
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")), name="calls_call_window"
            ),
        ]

    def __str__(self) -> str:
        return self.title if self.version == 1 else f"{self.title} (v{self.version})"

    @classmethod
    def visible_to(cls, actor):
        """Calls a staff role may see: those of its organisations, and the joint calls its
        Comuni pay into (read only: managing a call stays with its owner, and a Comune sees
        only its own residents' applications, through the scoped Application manager)."""
        ids = list(actor.tenant_ids) if actor is not None else []
        joined = CallShare.objects.filter(municipality_id__in=ids).values("call_id")
        return cls.objects_unscoped.filter(Q(organization_id__in=ids) | Q(pk__in=joined))

    @property
    def is_frozen(self) -> bool:
        return self.status != CallStatus.DRAFT

    def accepts_applications(self, now=None) -> bool:
        now = now or timezone.now()
        return self.status == CallStatus.PUBLISHED and self.opens_at <= now < self.closes_at

    @property
    def is_voucher_like(self) -> bool:
        """Voucher and service calls credit a wallet; reimbursement calls open an entitlement."""
        return self.benefit_type in (BenefitType.VOUCHER, BenefitType.SERVICE)


class CallShare(models.Model):
    """A Comune taking part in a call: its residents may apply, and (in a joint call) the share
    of the budget it pledged to the network fund."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="shares")
    municipality = models.ForeignKey(
        "core.Municipality", verbose_name=_("Comune"), on_delete=models.PROTECT, related_name="+"
    )
    amount = models.BigIntegerField(_("quota del budget"), default=0)

    class Meta:
        verbose_name = _("Comune aderente")
        verbose_name_plural = _("Comuni aderenti")
        constraints = [
            models.UniqueConstraint(fields=["call", "municipality"], name="calls_share_unique"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="calls_share_amount"),
        ]

    def __str__(self) -> str:
        return f"{self.call_id}:{self.municipality_id}"

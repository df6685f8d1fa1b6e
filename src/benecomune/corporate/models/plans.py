"""Welfare plans (regolamenti): a plan has numbered versions; an approved version is frozen.

A version holds its period (any 12 months), origin, whether it is binding, the beneficiary
groups (objective criteria only) with their credit, the pro-rata and unspent rules, and one
category rule per legal basis it allows. Legal bases are reference data (`LegalBasis`, seeded by
a data migration): a change in the law is a new or changed row, not code.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager


class Delivery(models.TextChoices):
    PLATFORM = "platform", _("Solo servizi erogati tramite la piattaforma")
    REIMBURSABLE = "reimbursable", _("Anche a rimborso, con i documenti di spesa")


class LegalBasis(models.Model):
    """One legal basis of art. 51 TUIR a plan's category may rest on."""

    code = models.SlugField(_("codice"), max_length=40, unique=True)
    reference = models.CharField(_("riferimento normativo"), max_length=200)
    title = models.CharField(_("voce"), max_length=200)
    description = models.TextField(_("descrizione"), blank=True)
    # Whether the law lets the employer reimburse documented expenses (f-bis, f-ter), or only
    # provide the works and services directly (lett. f).
    reimbursable = models.BooleanField(_("rimborsabile"), default=False)
    # A fringe benefit of c.3: counts towards the yearly fringe-benefit cap.
    is_fringe_benefit = models.BooleanField(_("fringe benefit (c. 3)"), default=False)
    # The yearly limit the law sets per employee for this basis (cents), if any.
    legal_limit = models.PositiveBigIntegerField(_("limite di legge annuo"), null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(_("in vigore"), default=True)

    class Meta:
        verbose_name = _("base normativa")
        verbose_name_plural = _("basi normative")
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return f"{self.reference} — {self.title}"


class WelfarePlan(models.Model):
    company = models.ForeignKey(
        "core.Company", on_delete=models.PROTECT, related_name="welfare_plans"
    )
    name = models.CharField(_("nome del piano"), max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(tenant="company_id")
    objects_unscoped = models.Manager()

    class Meta:
        verbose_name = _("piano di welfare")
        verbose_name_plural = _("piani di welfare")
        base_manager_name = "objects_unscoped"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Bozza")
    SUBMITTED = "submitted", _("Presentata per l'approvazione")
    APPROVED = "approved", _("Approvata")
    CLOSED = "closed", _("Chiusa")


class PlanOrigin(models.TextChoices):
    ON_TOP = "on_top", _("In aggiunta alla retribuzione")
    NATIONAL_CONTRACT = "national_contract", _("Contratto collettivo nazionale")
    COMPANY_CONTRACT = "company_contract", _("Contratto aziendale o territoriale")
    PRODUCTIVITY_BONUS = "productivity_bonus", _("Conversione del premio di risultato")


class ProRata(models.TextChoices):
    NONE = "none", _("Nessuno: credito intero")
    MONTHS = "months", _("Per mesi di servizio nel periodo")
    PART_TIME = "part_time", _("Per percentuale di tempo parziale")
    MONTHS_AND_PART_TIME = "months_part_time", _("Per mesi di servizio e tempo parziale")


class UnspentRule(models.TextChoices):
    BACK_TO_COMPANY = "back_to_company", _("Torna all'azienda")
    CARRY_OVER = "carry_over", _("Si riporta al periodo successivo, nei limiti di legge")


class PlanVersion(models.Model):
    plan = models.ForeignKey(WelfarePlan, on_delete=models.PROTECT, related_name="versions")
    company = models.ForeignKey("core.Company", on_delete=models.PROTECT, related_name="+")
    number = models.PositiveSmallIntegerField(_("versione"))
    status = models.CharField(
        _("stato"), max_length=20, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    starts_on = models.DateField(_("inizio del periodo"))
    ends_on = models.DateField(_("fine del periodo"))
    origin = models.CharField(_("origine"), max_length=30, choices=PlanOrigin.choices)
    binding = models.BooleanField(
        _("obbligatorio (da contratto o regolamento vincolante)"), default=True
    )
    pro_rata = models.CharField(
        _("riproporzionamento"), max_length=20, choices=ProRata.choices, default=ProRata.MONTHS
    )
    unspent = models.CharField(
        _("credito non speso"),
        max_length=20,
        choices=UnspentRule.choices,
        default=UnspentRule.BACK_TO_COMPANY,
    )
    notes = models.TextField(_("note"), blank=True)
    based_on = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedManager(tenant="company_id")
    objects_unscoped = models.Manager()

    class Meta:
        verbose_name = _("versione del piano")
        verbose_name_plural = _("versioni del piano")
        base_manager_name = "objects_unscoped"
        ordering = ["plan", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="unique_plan_version")
        ]

    def __str__(self) -> str:
        return f"{self.plan.name} v{self.number}"

    @classmethod
    def visible_to(cls, actor):
        """HR of the company; an employee of the company, its approved or closed versions."""
        from django.db.models import Q

        from benecomune.core.scoping import visible_to

        person_id = getattr(actor.user, "person_id", None)
        rows = visible_to(cls.objects_unscoped.all(), actor, ["company_id"])
        if actor.system or person_id is None:
            return rows
        employer = Q(
            company__employees__person_id=person_id,
            status__in=[PlanStatus.APPROVED, PlanStatus.CLOSED],
        )
        staff = Q(company_id__in=actor.tenant_ids)
        return cls.objects_unscoped.filter(staff | employer).distinct()

    @property
    def is_frozen(self) -> bool:
        return self.status != PlanStatus.DRAFT

    # Related managers would use the scoped default manager: these read within the version,
    # whose tenant the caller has already checked.
    def group_rows(self):
        return PlanGroup.objects_unscoped.filter(version=self).order_by("position", "pk")

    def rule_rows(self):
        return PlanCategoryRule.objects_unscoped.filter(version=self).select_related("legal_basis")


class PlanGroup(models.Model):
    """Beneficiaries by objective criteria: an empty criterion matches everyone."""

    version = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="groups")
    company = models.ForeignKey("core.Company", on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(_("nome del gruppo"), max_length=120)
    category = models.CharField(_("categoria"), max_length=20, blank=True)
    level = models.CharField(_("livello"), max_length=30, blank=True)
    site = models.CharField(_("sede"), max_length=100, blank=True)
    min_seniority_months = models.PositiveSmallIntegerField(
        _("anzianità minima (mesi)"), null=True, blank=True
    )
    credit = models.PositiveBigIntegerField(_("credito annuo (centesimi)"))

    objects = ScopedManager(tenant="company_id")
    objects_unscoped = models.Manager()

    class Meta:
        verbose_name = _("gruppo di beneficiari")
        verbose_name_plural = _("gruppi di beneficiari")
        base_manager_name = "objects_unscoped"
        ordering = ["version", "position", "pk"]

    def __str__(self) -> str:
        return self.name


class PlanCategoryRule(models.Model):
    """One allowed category of a plan version, on its legal basis, with the plan's limit."""

    version = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="rules")
    company = models.ForeignKey("core.Company", on_delete=models.PROTECT, related_name="+")
    legal_basis = models.ForeignKey(LegalBasis, on_delete=models.PROTECT, related_name="+")
    delivery = models.CharField(_("modalità"), max_length=20, choices=Delivery.choices)
    # Per employee and period, cents; None: no limit of the plan's own (the law's still holds).
    limit = models.PositiveBigIntegerField(_("limite per dipendente"), null=True, blank=True)

    objects = ScopedManager(tenant="company_id")
    objects_unscoped = models.Manager()

    class Meta:
        verbose_name = _("categoria ammessa")
        verbose_name_plural = _("categorie ammesse")
        base_manager_name = "objects_unscoped"
        ordering = ["version", "legal_basis__position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "legal_basis"], name="unique_plan_rule")
        ]

    def __str__(self) -> str:
        return str(self.legal_basis)

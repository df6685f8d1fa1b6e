"""A case at a Welfare Point: the person (or an anonymous contact), their household, needs,
urgency, source, consents per purpose, notes and attachments, and its state."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from benecomune.core.uploads import StoredDocument


class CaseStatus(models.TextChoices):
    OPEN = "open", _("Aperto")
    IN_PROGRESS = "in_progress", _("In carico")
    ON_HOLD = "on_hold", _("Sospeso")
    CLOSED = "closed", _("Chiuso")


class Urgency(models.TextChoices):
    LOW = "low", _("Bassa")
    NORMAL = "normal", _("Normale")
    HIGH = "high", _("Alta")
    URGENT = "urgent", _("Urgente")


class Source(models.TextChoices):
    WALK_IN = "walk_in", _("Accesso spontaneo allo sportello")
    PHONE = "phone", _("Telefonata")
    SOCIAL_SERVICES = "social_services", _("Segnalazione dei servizi sociali")
    COMPANY = "company", _("Segnalazione dell'azienda")
    OUTREACH = "outreach", _("Contatto sul territorio")


class Outcome(models.TextChoices):
    ANSWERED = "answered", _("Bisogno affrontato")
    REFERRED = "referred", _("Indirizzato ad altri servizi")
    WITHDRAWN = "withdrawn", _("La persona ha rinunciato")
    UNREACHABLE = "unreachable", _("Persona non più raggiungibile")
    UNANSWERED = "unanswered", _("Nessuna risposta disponibile")


class Case(models.Model):
    point = models.ForeignKey(
        "desk.WelfarePoint", verbose_name=_("Punto Welfare"), on_delete=models.PROTECT
    )
    # The Point's organisation, copied when the case is opened: the tenant of the case.
    organization = models.ForeignKey(
        "core.Organization", on_delete=models.PROTECT, related_name="+"
    )
    protocol = models.CharField(_("protocollo"), max_length=40, unique=True)
    person = models.ForeignKey(
        "core.Person",
        verbose_name=_("persona"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="desk_cases",
    )
    household = models.ForeignKey(
        "core.Household",
        verbose_name=_("nucleo familiare"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="desk_cases",
    )
    # A person who does not want to be identified: how the operator recognises them again.
    anonymous_label = models.CharField(_("contatto anonimo"), max_length=120, blank=True)
    anonymous_contact = models.CharField(_("recapito"), max_length=120, blank=True)
    urgency = models.CharField(
        _("urgenza"), max_length=10, choices=Urgency.choices, default=Urgency.NORMAL
    )
    source = models.CharField(_("provenienza"), max_length=20, choices=Source.choices)
    summary = models.TextField(_("sintesi della richiesta"), blank=True)
    needs = models.ManyToManyField("desk.Need", verbose_name=_("bisogni"), related_name="cases")
    status = models.CharField(
        _("stato"), max_length=20, choices=CaseStatus.choices, default=CaseStatus.OPEN
    )
    outcome = models.CharField(_("esito"), max_length=20, choices=Outcome.choices, blank=True)
    outcome_note = models.TextField(_("nota sull'esito"), blank=True)
    assigned_to = models.ForeignKey(
        "core.User",
        verbose_name=_("operatore"),
        on_delete=models.PROTECT,
        related_name="desk_cases",
    )
    opened_by = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")
    next_review_on = models.DateField(_("prossima verifica"), null=True, blank=True)
    # The review date the operator was last reminded of (the reminder runs once per date).
    reminded_for = models.DateField(null=True, blank=True, editable=False)
    opened_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager(tenant="organization_id")
    objects_unscoped = models.Manager()

    class Meta:
        verbose_name = _("caso")
        verbose_name_plural = _("casi")
        ordering = ["-opened_at"]
        base_manager_name = "objects_unscoped"
        indexes = [
            models.Index(fields=["point", "status"], name="desk_case_point_status"),
            models.Index(fields=["assigned_to", "status"], name="desk_case_assignee_status"),
            models.Index(fields=["next_review_on"], name="desk_case_review"),
        ]

    def __str__(self) -> str:
        return self.protocol

    @property
    def display_name(self) -> str:
        if self.person_id:
            return self.person.full_name
        return self.anonymous_label or str(_("Contatto anonimo"))


class ConsentPurpose(models.TextChoices):
    """One consent per purpose, each with its legal basis (GDPR art. 6 and 9)."""

    INTAKE = "intake", _("Presa in carico e orientamento (art. 6 GDPR)")
    SPECIAL = "special", _("Dati sulla salute e altri dati particolari (art. 9 GDPR)")
    SHARING = "sharing", _("Comunicazione dei dati a servizi ed enti della rete (art. 6 GDPR)")
    CONTACT = "contact", _("Promemoria e contatti per e-mail o telefono (art. 6 GDPR)")


class ConsentMethod(models.TextChoices):
    SIGNED = "signed", _("Modulo firmato allo sportello")
    RECORDED = "recorded", _("Accettazione orale registrata dall'operatore")


class CaseConsent(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(_("finalità"), max_length=20, choices=ConsentPurpose.choices)
    method = models.CharField(_("modalità"), max_length=20, choices=ConsentMethod.choices)
    # The version of the informativa shown (desk.consent.INFORMATIVA_VERSION).
    informativa_version = models.CharField(_("versione dell'informativa"), max_length=20)
    note = models.CharField(_("nota"), max_length=200, blank=True)
    recorded_by = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")
    given_at = models.DateTimeField(auto_now_add=True)
    withdrawn_at = models.DateTimeField(_("revocato il"), null=True, blank=True)

    objects = ScopedManager(tenant="case__organization_id")
    objects_unscoped = models.Manager()

    class Meta:
        verbose_name = _("consenso del caso")
        verbose_name_plural = _("consensi del caso")
        ordering = ["given_at"]
        base_manager_name = "objects_unscoped"

    def __str__(self) -> str:
        return f"{self.case} — {self.get_purpose_display()}"


class CaseNote(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("nota"))
    # Confidential: only the case's team reads it (desk.access.can_read_confidential).
    confidential = models.BooleanField(_("riservata"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(tenant="case__organization_id")
    objects_unscoped = models.Manager()

    class Meta:
        verbose_name = _("nota del caso")
        verbose_name_plural = _("note del caso")
        ordering = ["created_at"]
        base_manager_name = "objects_unscoped"

    def __str__(self) -> str:
        return f"{self.case} — {self.created_at:%d/%m/%Y}"


class CaseAttachment(StoredDocument):
    file = models.FileField(_("file"), upload_to="desk/cases/%Y/%m/")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    description = models.CharField(_("descrizione"), max_length=200, blank=True)

    objects = ScopedManager(tenant="case__organization_id")
    objects_unscoped = models.Manager()

    class Meta(StoredDocument.Meta):
        verbose_name = _("allegato del caso")
        verbose_name_plural = _("allegati del caso")
        base_manager_name = "objects_unscoped"

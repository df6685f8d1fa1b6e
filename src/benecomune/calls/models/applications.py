"""Applications (domande): the household, the ISEE, declarations, documents, review."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from benecomune.calls.rules import rank_key
from benecomune.core.models.clarifications import Clarification
from benecomune.core.models.clarifications import ClarificationStatus as ClarificationStatus
from benecomune.core.uploads import StoredDocument

# Saving any of these saves the rank key too: the key is derived from score and tie values here,
# in one place, so no save path can store a score with a stale or empty key.
RANK_INPUTS = frozenset({"score", "tie_values", "rank_key"})


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", _("Bozza")
    SUBMITTED = "submitted", _("Presentata")
    CLARIFICATION = "clarification", _("Integrazione richiesta")
    INSTRUCTED = "instructed", _("Istruita, in attesa di decisione")
    ADMITTED = "admitted", _("Ammessa")
    REJECTED = "rejected", _("Respinta")
    WITHDRAWN = "withdrawn", _("Ritirata")


# Statuses in which an application still holds its household's place in the call.
ACTIVE_STATUSES = [
    ApplicationStatus.DRAFT,
    ApplicationStatus.SUBMITTED,
    ApplicationStatus.CLARIFICATION,
    ApplicationStatus.INSTRUCTED,
    ApplicationStatus.ADMITTED,
]
REVIEWABLE_STATUSES = [ApplicationStatus.SUBMITTED, ApplicationStatus.INSTRUCTED]


class Application(models.Model):
    # Tenant: the applicant's Comune of residence (its desk instructs, its validator decides).
    organization = models.ForeignKey(
        "core.Organization",
        verbose_name=_("Comune"),
        on_delete=models.PROTECT,
        related_name="applications",
    )
    call = models.ForeignKey(
        "calls.Call", verbose_name=_("bando"), on_delete=models.PROTECT, related_name="applications"
    )
    applicant = models.ForeignKey(
        "core.Person",
        verbose_name=_("richiedente"),
        on_delete=models.PROTECT,
        related_name="applications",
    )
    household = models.ForeignKey(
        "core.Household",
        verbose_name=_("nucleo familiare"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="applications",
    )
    status = models.CharField(
        _("stato"), max_length=20, choices=ApplicationStatus.choices, default="draft"
    )
    protocol = models.CharField(
        _("numero di protocollo"), max_length=40, unique=True, null=True, blank=True
    )
    # ISEE as declared (DSU protocol and date); valid until 31 December of its year.
    isee_value = models.BigIntegerField(_("valore ISEE"), null=True, blank=True)
    isee_protocol = models.CharField(_("protocollo DSU"), max_length=40, blank=True)
    isee_date = models.DateField(_("data di rilascio dell'ISEE"), null=True, blank=True)
    declarations = models.JSONField(_("dichiarazioni"), default=dict, blank=True)
    contact_phone = models.CharField(_("telefono"), max_length=30, blank=True)
    contact_email = models.EmailField(_("e-mail"), blank=True)
    # Computed by the rules engine at submission (and again after a clarification).
    eligible = models.BooleanField(_("requisiti soddisfatti"), null=True, blank=True)
    eligibility_notes = models.JSONField(default=list, blank=True)
    amount = models.BigIntegerField(_("importo spettante"), default=0)
    score = models.IntegerField(_("punteggio (centesimi di punto)"), default=0)
    # Tie-break values frozen at submission, in the call's order (see calls.rules).
    tie_values = models.JSONField(default=list, blank=True)
    # Score and tie values encoded so that ascending string order is ranking order (the
    # database sorts 100k applications; submission time and id break the remaining ties).
    rank_key = models.CharField(max_length=200, blank=True, db_index=True)
    # Adapter results (ANPR residence, INPS ISEE) and the operator's checklist per criterion.
    checks = models.JSONField(_("verifiche"), default=dict, blank=True)
    checks_mismatch = models.BooleanField(_("difformità rilevate"), default=False)
    checklist = models.JSONField(_("istruttoria"), default=dict, blank=True)
    review_note = models.TextField(_("note istruttorie"), blank=True)
    # Assisted application at the desk: who helped and the citizen's recorded consent.
    assisted_by = models.ForeignKey(
        "core.User",
        verbose_name=_("compilata allo sportello da"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    consent_at = models.DateTimeField(_("consenso raccolto il"), null=True, blank=True)
    consent_note = models.CharField(_("modalità del consenso"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(_("presentata il"), null=True, blank=True, db_index=True)
    instructed_by = models.ForeignKey(
        "core.User",
        verbose_name=_("istruita da"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    instructed_at = models.DateTimeField(_("istruita il"), null=True, blank=True)
    decided_by = models.ForeignKey(
        "core.User",
        verbose_name=_("decisa da"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decisa il"), null=True, blank=True)
    decision_reason = models.TextField(_("motivazione"), blank=True)

    objects = ScopedManager(tenant="organization_id")
    objects_unscoped = models.Manager()

    class Meta:
        verbose_name = _("domanda")
        verbose_name_plural = _("domande")
        ordering = ["-created_at"]
        base_manager_name = "objects_unscoped"
        indexes = [
            models.Index(fields=["call", "status"]),
            models.Index(fields=["organization", "status"]),
        ]

    def __str__(self) -> str:
        return self.protocol or _("Domanda in bozza n. %(pk)s") % {"pk": self.pk}

    def derive_rank_key(self) -> str:
        self.rank_key = rank_key(self.score, tuple(self.tie_values or ()))
        return self.rank_key

    def save(self, **kwargs):
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            update_fields = list(update_fields)  # any iterable, read more than once below
            kwargs["update_fields"] = update_fields
        if update_fields is None or RANK_INPUTS.intersection(update_fields):
            self.derive_rank_key()
        if update_fields:
            # A partial save still moves `updated_at` (auto_now is only written when listed)
            # and carries the key along with its inputs.
            extra = {"updated_at"}
            if RANK_INPUTS.intersection(update_fields):
                extra.add("rank_key")
            kwargs["update_fields"] = [*update_fields, *(extra - set(update_fields))]
        super().save(**kwargs)

    @property
    def is_editable_by_citizen(self) -> bool:
        return self.status in (ApplicationStatus.DRAFT, ApplicationStatus.CLARIFICATION)


class ApplicationMember(models.Model):
    """A person the application is about. One codice fiscale may be in one active application
    per call: the partial unique constraint catches a household applying twice."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="members")
    call = models.ForeignKey("calls.Call", on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(
        "core.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    fiscal_code = models.CharField(_("codice fiscale"), max_length=16)
    full_name = models.CharField(_("nome e cognome"), max_length=200)
    birth_date = models.DateField(_("data di nascita"))
    relationship = models.CharField(_("relazione"), max_length=20, blank=True)
    disability = models.BooleanField(_("disabilità certificata"), default=False)
    active = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("componente")
        verbose_name_plural = _("componenti")
        constraints = [
            models.UniqueConstraint(
                fields=["call", "fiscal_code"],
                condition=Q(active=True),
                name="calls_one_active_application_per_person",
            )
        ]

    def __str__(self) -> str:
        return self.full_name


class ApplicationDocument(StoredDocument):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="documents")
    code = models.CharField(_("tipo di documento"), max_length=40)
    file = models.FileField(_("file"), upload_to="applications/%Y/%m/")

    class Meta:
        verbose_name = _("documento")
        verbose_name_plural = _("documenti")
        ordering = ["uploaded_at"]


class ClarificationRequest(Clarification):
    """Soccorso istruttorio: the desk asks the applicant to complete the application."""

    audit_key = "request"

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="clarifications"
    )
    # Always dated here: unanswered requests expire and the instruction goes on.
    due_date = models.DateField(_("entro il"))

    class Meta(Clarification.Meta):
        verbose_name = _("richiesta di integrazione")
        verbose_name_plural = _("richieste di integrazione")

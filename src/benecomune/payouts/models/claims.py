"""Expense claims (richieste di rimborso) under a reimbursement call.

A beneficiary with an active reimbursement award asks for money back for an expense already
paid, with the receipt (or a self-declaration where the call allows it). A desk operator or a
validator accepts it in full or in part with a reason, rejects it, or asks for clarification.
Accepted money moves fund → payer's payable account (consuming the call's reservation) and
becomes a payout order to the beneficiary's IBAN.

Lifecycle: submitted → (clarification ↔ submitted) → accepted / partially accepted / rejected;
accepted → in batch → paid (the payout order's status, told to the citizen as "pagato").
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from benecomune.core.models.clarifications import Clarification
from benecomune.core.scoping import visible_to
from benecomune.core.uploads import StoredDocument


class ClaimCategory(models.TextChoices):
    UTILITIES = "utilities", _("Utenze domestiche (luce, gas, acqua)")
    RENT = "rent", _("Canone di locazione")
    SUMMER_CAMP = "summer_camp", _("Centro estivo")
    WINTER_CAMP = "winter_camp", _("Centro invernale o doposcuola")
    PERSONAL_CARE = "personal_care", _("Assistenza alla persona")
    HEALTH = "health", _("Spese sanitarie")
    SCHOOL = "school", _("Spese scolastiche")
    # Company-plan claims (corporate/claim_rules.py).
    TRANSPORT = "transport", _("Abbonamento al trasporto pubblico")
    MORTGAGE_INTEREST = "mortgage_interest", _("Interessi del mutuo sulla prima casa")
    OTHER = "other", _("Altro")


class ClaimPolicy(models.Model):
    """The claim rules of one reimbursement call, set by the Comune (calls.manage)."""

    call = models.OneToOneField("calls.Call", on_delete=models.CASCADE, related_name="claim_policy")
    organization = models.ForeignKey(
        "core.Organization", on_delete=models.PROTECT, related_name="+"
    )
    # Empty: every category.
    categories = models.JSONField(_("categorie ammesse"), default=list, blank=True)
    # Where a self-declaration may stand in for the receipt (bills, rent).
    self_declaration_categories = models.JSONField(
        _("categorie con autocertificazione"), default=list, blank=True
    )
    max_per_claim = models.BigIntegerField(_("massimo per richiesta"), null=True, blank=True)
    max_per_call = models.BigIntegerField(_("massimo per il bando"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager(tenant="organization_id")
    objects_unscoped = models.Manager()

    class Meta:
        verbose_name = _("regole dei rimborsi")
        verbose_name_plural = _("regole dei rimborsi")
        base_manager_name = "objects_unscoped"

    def __str__(self) -> str:
        return str(self.call)

    def allows(self, category: str) -> bool:
        return not self.categories or category in self.categories

    def allows_self_declaration(self, category: str) -> bool:
        return category in (self.self_declaration_categories or [])


class ClaimStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Presentata, in verifica")
    CLARIFICATION = "clarification", _("Integrazione richiesta")
    ACCEPTED = "accepted", _("Accolta")
    PARTIALLY_ACCEPTED = "partially_accepted", _("Accolta in parte")
    REJECTED = "rejected", _("Respinta")


OPEN_CLAIM_STATUSES = (ClaimStatus.SUBMITTED, ClaimStatus.CLARIFICATION)
ACCEPTED_CLAIM_STATUSES = (ClaimStatus.ACCEPTED, ClaimStatus.PARTIALLY_ACCEPTED)


class ClaimKind(models.TextChoices):
    """Whose money a claim asks for: a Comune's reimbursement call (award and call set), or
    another kind registered in `payouts.claim_kinds` (a company welfare plan)."""

    CALL = "call", _("Bando di rimborso")
    CORPORATE_PLAN = "corporate_plan", _("Piano di welfare aziendale")


class ExpenseClaim(models.Model):
    # Tenant: the Comune of the award (the applicant's residence): its desk reviews. For a
    # company plan: the company, whose HR reviews.
    organization = models.ForeignKey(
        "core.Organization", on_delete=models.PROTECT, related_name="expense_claims"
    )
    kind = models.CharField(
        _("tipo"), max_length=20, choices=ClaimKind.choices, default=ClaimKind.CALL
    )
    # Set for kind `call` only (the check constraint says so).
    award = models.ForeignKey(
        "calls.Award", null=True, blank=True, on_delete=models.PROTECT, related_name="claims"
    )
    call = models.ForeignKey(
        "calls.Call", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey(
        "core.Person", verbose_name=_("beneficiario"), on_delete=models.PROTECT, related_name="+"
    )
    category = models.CharField(_("categoria"), max_length=20, choices=ClaimCategory.choices)
    amount = models.BigIntegerField(_("importo richiesto"))
    expense_date = models.DateField(_("data della spesa"))
    payee = models.CharField(_("pagato a"), max_length=200)
    # Normalised payee for duplicate detection (lower case, single spaces).
    payee_key = models.CharField(max_length=200, db_index=True)
    description = models.CharField(_("descrizione"), max_length=300, blank=True)
    # The receipt is a `ClaimReceipt` row (the newest one counts); without any, a
    # self-declaration: "one or the other" spans two tables, so services.claims enforces it.
    self_declared = models.BooleanField(_("autocertificazione"), default=False)
    status = models.CharField(
        _("stato"), max_length=20, choices=ClaimStatus.choices, default=ClaimStatus.SUBMITTED
    )
    accepted_amount = models.BigIntegerField(_("importo riconosciuto"), default=0)
    decision_reason = models.TextField(_("motivazione"), blank=True)
    # Another claim with the same payee, date and amount (for the reviewer to look at).
    possible_duplicate = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(auto_now_add=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reimbursement_transfer = models.OneToOneField(
        "ledger.Transfer", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = ScopedManager(tenant="organization_id")
    objects_unscoped = models.Manager()

    @classmethod
    def visible_to(cls, actor):
        """Claims the actor's Comune reviews, or (for the citizen) their own."""
        return visible_to(cls.objects_unscoped.all(), actor, ("organization_id",), ("person_id",))

    class Meta:
        verbose_name = _("richiesta di rimborso")
        verbose_name_plural = _("richieste di rimborso")
        ordering = ["-submitted_at"]
        base_manager_name = "objects_unscoped"
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payouts_claim_positive"),
            models.CheckConstraint(
                condition=Q(accepted_amount__gte=0, accepted_amount__lte=F("amount")),
                name="payouts_claim_accepted_within_amount",
            ),
            models.CheckConstraint(
                condition=~Q(kind="call") | Q(award__isnull=False, call__isnull=False),
                name="payouts_claim_call_has_award",
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "status"], name="payouts_claim_queue"),
            models.Index(fields=["call", "status"], name="payouts_claim_call"),
        ]

    def __str__(self) -> str:
        return gettext("Richiesta di rimborso n. %(pk)s") % {"pk": self.pk}

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_CLAIM_STATUSES

    # -- the receipt: the newest ClaimReceipt (earlier ones, replaced when answering a
    # clarification, stay as history). Read-only names the claim had when it kept the file.
    @property
    def receipt(self):
        """The current receipt (None for a self-declaration); uses prefetched `receipts`."""
        return max(self.receipts.all(), key=lambda receipt: receipt.pk, default=None)

    @property
    def earlier_receipts(self) -> list:
        """The receipts replaced by a newer one, oldest first (the reviewer's history)."""
        return sorted(self.receipts.all(), key=lambda receipt: receipt.pk)[:-1]

    def _from_receipt(self, attribute: str, empty=""):
        receipt = self.receipt
        return getattr(receipt, attribute) if receipt else empty

    document = property(lambda self: self._from_receipt("file", None))
    document_name = property(lambda self: self._from_receipt("original_name"))
    document_type = property(lambda self: self._from_receipt("content_type"))
    sha256 = property(lambda self: self._from_receipt("sha256"))

    @property
    def latest_clarification(self):
        """The last clarification asked on this claim (None if none): earlier ones stay as
        the claim's history."""
        return self.clarifications.order_by("-requested_at", "-pk").first()

    # Read-only views of the latest clarification, as the claim showed them before they
    # became rows (templates, exports).
    @property
    def clarification_question(self) -> str:
        latest = self.latest_clarification
        return latest.message if latest else ""

    @property
    def clarification_answer(self) -> str:
        latest = self.latest_clarification
        return latest.answer if latest else ""


class ClaimClarification(Clarification):
    """Soccorso istruttorio on an expense claim: the reviewer asks, the beneficiary answers
    (with a new receipt if needed). Undated: it stays open until answered or decided."""

    claim = models.ForeignKey(ExpenseClaim, on_delete=models.CASCADE, related_name="clarifications")

    class Meta(Clarification.Meta):
        verbose_name = _("integrazione su un rimborso")
        verbose_name_plural = _("integrazioni sui rimborsi")


class ClaimReceipt(StoredDocument):
    """The receipt of an expense claim, checked by core.uploads. A claim gets a new one when
    the beneficiary answers a clarification with another document: the newest is current,
    the earlier ones stay for the reviewer's history. Reached only through its claim (the
    claim's scoped manager and `visible_to`), like the documents of an application."""

    claim = models.ForeignKey(ExpenseClaim, on_delete=models.CASCADE, related_name="receipts")
    file = models.FileField(_("ricevuta"), upload_to="payouts/claims/%Y/%m/")
    # Duplicate detection looks receipts up by their digest.
    sha256 = models.CharField(max_length=64, db_index=True)

    class Meta(StoredDocument.Meta):
        verbose_name = _("ricevuta di un rimborso")
        verbose_name_plural = _("ricevute dei rimborsi")
        ordering = ["uploaded_at", "pk"]

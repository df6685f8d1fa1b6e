"""Accreditation of a provider by a network, per service area (UNI/PdR 58:2019), against a
checklist of evidence the network configures in the practice's five requirement groups.

Two parties read these rows: the provider (`objects`, scoped by the provider) and the
accrediting network (`for_network`, scoped by the network). Each view uses its own manager.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from benecomune.core.uploads import StoredDocument


class ServiceArea(models.TextChoices):
    """The five areas of welfare services of UNI/PdR 58:2019."""

    FAMILY = "family", _("Famiglia")
    WELLBEING = "wellbeing", _("Benessere e salute")
    QUALITY_OF_LIFE = "quality_of_life", _("Qualità della vita")
    HOME = "home", _("Casa")
    INTERMEDIATION = "intermediation", _("Intermediazione")


class RequirementGroup(models.TextChoices):
    """The practice's five groups of requirements."""

    LEGAL = "legal", _("Requisiti giuridico-amministrativi")
    ECONOMIC = "economic", _("Requisiti economico-finanziari")
    AUTHORISATIONS = "authorisations", _("Autorizzazioni amministrative")
    QUALITY = "quality", _("Procedure di misurazione della qualità")
    TECHNICAL = "technical", _("Requisiti tecnico-professionali")


class AccreditationRequirement(models.Model):
    """One item of a network's checklist: the document a provider uploads."""

    network = models.ForeignKey(
        "core.Network", on_delete=models.CASCADE, related_name="accreditation_requirements"
    )
    # Stable name of a default item (ensure_default_checklist adds only the missing ones).
    key = models.SlugField(max_length=60)
    group = models.CharField(_("gruppo"), max_length=20, choices=RequirementGroup.choices)
    # The areas it applies to; empty: every area.
    areas = models.JSONField(_("aree di servizio"), default=list, blank=True)
    title = models.CharField(_("documento"), max_length=200)
    description = models.TextField(_("spiegazione"), blank=True)
    required = models.BooleanField(_("obbligatorio"), default=True)
    needs_expiry = models.BooleanField(_("ha una scadenza"), default=False)
    position = models.PositiveIntegerField(default=0)
    is_active = models.BooleanField(_("in uso"), default=True)

    objects = ScopedManager(tenant="network_id")
    objects_unscoped = models.Manager()

    class Meta:
        verbose_name = _("requisito di accreditamento")
        verbose_name_plural = _("requisiti di accreditamento")
        base_manager_name = "objects_unscoped"
        ordering = ["group", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["network", "key"], name="marketplace_requirement_key")
        ]

    def __str__(self) -> str:
        return self.title

    def applies_to(self, area: str) -> bool:
        return not self.areas or area in self.areas


class AccreditationStatus(models.TextChoices):
    DRAFT = "draft", _("Bozza")
    SUBMITTED = "submitted", _("Presentata")
    IN_REVIEW = "in_review", _("In esame")
    ACCREDITED = "accredited", _("Accreditato")
    REJECTED = "rejected", _("Respinta")
    SUSPENDED = "suspended", _("Sospeso")
    EXPIRED = "expired", _("Scaduto")
    REVOKED = "revoked", _("Revocato")


# A provider has at most one accreditation per network and area that is not closed.
CLOSED_STATUSES = (
    AccreditationStatus.REJECTED,
    AccreditationStatus.EXPIRED,
    AccreditationStatus.REVOKED,
)


class Accreditation(models.Model):
    provider = models.ForeignKey(
        "core.Provider", on_delete=models.PROTECT, related_name="accreditations"
    )
    network = models.ForeignKey("core.Network", on_delete=models.PROTECT, related_name="+")
    area = models.CharField(_("area di servizio"), max_length=20, choices=ServiceArea.choices)
    status = models.CharField(
        _("stato"),
        max_length=20,
        choices=AccreditationStatus.choices,
        default=AccreditationStatus.DRAFT,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    # The maker: who took it in review (the checker who decides must be someone else).
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    review_started_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    valid_from = models.DateField(_("accreditato dal"), null=True, blank=True)
    valid_until = models.DateField(_("accreditato fino al"), null=True, blank=True)
    # The reason of the last rejection, suspension or revocation, shown to the provider.
    reason = models.TextField(_("motivazione"), blank=True)

    objects = ScopedManager(tenant="provider_id")
    for_network = ScopedManager(tenant="network_id")
    objects_unscoped = models.Manager()

    class Meta:
        verbose_name = _("accreditamento")
        verbose_name_plural = _("accreditamenti")
        base_manager_name = "objects_unscoped"
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "network", "area"],
                condition=~Q(status__in=["rejected", "expired", "revoked"]),
                name="marketplace_one_open_accreditation",
            )
        ]
        indexes = [models.Index(fields=["provider", "status"])]

    def __str__(self) -> str:
        return f"{self.provider} — {self.get_area_display()}"


class AccreditationEvidence(StoredDocument):
    """A document uploaded for one requirement of an accreditation. A new upload for the same
    requirement replaces the current one (`is_current`), which stays for the record."""

    file = models.FileField(_("file"), upload_to="marketplace/evidence/%Y/%m/")
    accreditation = models.ForeignKey(
        Accreditation, on_delete=models.CASCADE, related_name="evidence"
    )
    requirement = models.ForeignKey(
        AccreditationRequirement, on_delete=models.PROTECT, related_name="+"
    )
    issued_on = models.DateField(_("rilasciato il"), null=True, blank=True)
    expires_on = models.DateField(_("scade il"), null=True, blank=True)
    is_current = models.BooleanField(default=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    verified_at = models.DateTimeField(null=True, blank=True)
    # Reminders before the expiry, sent once each.
    reminder_60_sent_at = models.DateTimeField(null=True, blank=True)
    reminder_15_sent_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedManager(tenant="accreditation__provider_id")
    for_network = ScopedManager(tenant="accreditation__network_id")
    objects_unscoped = models.Manager()

    class Meta(StoredDocument.Meta):
        verbose_name = _("documento per l'accreditamento")
        verbose_name_plural = _("documenti per l'accreditamento")
        base_manager_name = "objects_unscoped"
        constraints = [
            models.UniqueConstraint(
                fields=["accreditation", "requirement"],
                condition=Q(is_current=True),
                name="marketplace_one_current_evidence",
            )
        ]
        indexes = [models.Index(fields=["expires_on", "is_current"])]

    def is_valid_on(self, day) -> bool:
        return self.expires_on is None or self.expires_on >= day

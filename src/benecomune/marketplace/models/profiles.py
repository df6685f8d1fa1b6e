"""A provider's marketplace profile: one-to-one with `core.Provider` (a shop of the voucher
circuit is the same organisation, never a second one), its staff roles and its images.

Legal name, kind, partita IVA, seat and contacts stay on the Provider row (core); the profile
adds what the marketplace needs: the entity's codice fiscale, the RUNTS / cooperative register
number, the IBAN shown to payers, a plain-text description, the Comuni served, the points of
service, the publication state and, for a self sign-up, the network's approval.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from benecomune.core.uploads import StoredDocument


class PublicationStatus(models.TextChoices):
    DRAFT = "draft", _("Non pubblicato")
    PUBLISHED = "published", _("Pubblicato")


class RegistrationStatus(models.TextChoices):
    """A provider that signed up by itself waits for the network's approval."""

    PENDING = "pending", _("In attesa di approvazione")
    APPROVED = "approved", _("Approvato")
    REFUSED = "refused", _("Respinto")


class ProviderProfile(models.Model):
    provider = models.OneToOneField(
        "core.Provider",
        verbose_name=_("fornitore"),
        on_delete=models.CASCADE,
        related_name="marketplace_profile",
    )
    fiscal_code = models.CharField(_("codice fiscale dell'ente"), max_length=16, blank=True)
    register_number = models.CharField(
        _("numero di iscrizione al RUNTS o all'Albo delle cooperative"), max_length=40, blank=True
    )
    iban = models.CharField(_("IBAN"), max_length=34, blank=True)
    iban_holder = models.CharField(_("intestatario del conto"), max_length=200, blank=True)
    # Plain text: always rendered escaped, never as markup.
    description = models.TextField(_("descrizione"), max_length=4000, blank=True)
    website = models.URLField(_("sito web"), blank=True)
    contact_name = models.CharField(_("referente"), max_length=200, blank=True)
    contact_email = models.EmailField(_("e-mail del referente"), blank=True)
    contact_phone = models.CharField(_("telefono del referente"), max_length=30, blank=True)
    # One point of service per line ("Sede operativa, via Roma 1, Limena").
    service_points = models.TextField(_("punti di servizio"), max_length=4000, blank=True)
    municipalities_served = models.ManyToManyField(
        "core.Municipality", verbose_name=_("Comuni serviti"), blank=True, related_name="+"
    )
    # The provider sells marketplace services: the accreditation rule applies to what public
    # and company wallets pay it (today's voucher shops leave it off and keep working).
    sells_services = models.BooleanField(_("offre servizi sul mercato"), default=False)
    publication = models.CharField(
        _("pubblicazione"),
        max_length=20,
        choices=PublicationStatus.choices,
        default=PublicationStatus.DRAFT,
    )
    registration = models.CharField(
        _("iscrizione"),
        max_length=20,
        choices=RegistrationStatus.choices,
        default=RegistrationStatus.APPROVED,
    )
    # Who signed up (becomes the owner once approved) and the network's decision.
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    refusal_reason = models.TextField(_("motivo del rifiuto"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager(tenant="provider_id")
    objects_unscoped = models.Manager()

    class Meta:
        verbose_name = _("profilo del fornitore")
        verbose_name_plural = _("profili dei fornitori")
        base_manager_name = "objects_unscoped"

    def __str__(self) -> str:
        return str(self.provider)

    @property
    def service_point_list(self) -> list[str]:
        return [line for line in self.service_points.splitlines() if line.strip()]


class StaffRole(models.TextChoices):
    OWNER = "owner", _("Titolare")
    OPERATOR = "operator", _("Operatore")


class ProviderStaffRole(models.Model):
    """Owner or operator, for a provider's staff membership (core's Role has one provider
    role only). A membership without a row is an owner while the provider has no owner row
    (providers set up before the marketplace), an operator otherwise."""

    membership = models.OneToOneField(
        "core.Membership", on_delete=models.CASCADE, related_name="marketplace_role"
    )
    provider = models.ForeignKey("core.Provider", on_delete=models.CASCADE, related_name="+")
    role = models.CharField(_("ruolo"), max_length=20, choices=StaffRole.choices)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager(tenant="provider_id")
    objects_unscoped = models.Manager()

    class Meta:
        verbose_name = _("ruolo nel fornitore")
        verbose_name_plural = _("ruoli nei fornitori")
        base_manager_name = "objects_unscoped"

    def __str__(self) -> str:
        return f"{self.membership} — {self.get_role_display()}"


class ImageKind(models.TextChoices):
    LOGO = "logo", _("Logo")
    PHOTO = "photo", _("Foto")


class ProviderImage(StoredDocument):
    """A logo or a photo: checked by its first bytes and by Pillow, re-encoded at most
    `MAX_EDGE` pixels on its longest side (which also drops metadata such as GPS)."""

    file = models.FileField(_("file"), upload_to="marketplace/images/%Y/%m/")
    provider = models.ForeignKey("core.Provider", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("tipo"), max_length=10, choices=ImageKind.choices)
    alt_text = models.CharField(_("descrizione dell'immagine"), max_length=200, blank=True)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)

    objects = ScopedManager(tenant="provider_id")
    objects_unscoped = models.Manager()

    class Meta(StoredDocument.Meta):
        verbose_name = _("immagine del fornitore")
        verbose_name_plural = _("immagini del fornitore")
        base_manager_name = "objects_unscoped"

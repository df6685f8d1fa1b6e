"""A delegation to act for a citizen, modelled on the national delegation system (deleghe
digitali): the delegator, the delegate (a Welfare Point, optionally one named operator of it),
the actions in scope, the validity, the channel (given digitally by the citizen in their
area, or on paper at the desk with an identity document) and its revocation."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from benecomune.core.uploads import StoredDocument


class DelegationScope(models.TextChoices):
    APPLY = "apply", _("Presentare domande ai bandi")
    BOOK_PAY = "book_pay", _("Prenotare e pagare servizi dai suoi portafogli")
    CLAIMS = "claims", _("Presentare richieste di rimborso")
    VOUCHER_CARDS = "voucher_cards", _("Stampare le tessere dei buoni")


class DelegationChannel(models.TextChoices):
    DIGITAL = "digital", _("Data dal cittadino nella sua area personale")
    DESK = "desk", _("Su carta allo sportello, con documento d'identità")


class IdDocumentType(models.TextChoices):
    IDENTITY_CARD = "identity_card", _("Carta d'identità")
    PASSPORT = "passport", _("Passaporto")
    DRIVING_LICENCE = "driving_licence", _("Patente di guida")
    RESIDENCE_PERMIT = "residence_permit", _("Permesso di soggiorno")


class Delegation(models.Model):
    person = models.ForeignKey(
        "core.Person",
        verbose_name=_("delegante"),
        on_delete=models.PROTECT,
        related_name="delegations",
    )
    point = models.ForeignKey(
        "desk.WelfarePoint",
        verbose_name=_("Punto Welfare delegato"),
        on_delete=models.PROTECT,
        related_name="delegations",
    )
    # A named operator of the Point; empty: any operator of the Point.
    delegate_user = models.ForeignKey(
        "core.User",
        verbose_name=_("operatore delegato"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The Point's organisation: the tenant.
    organization = models.ForeignKey(
        "core.Organization", on_delete=models.PROTECT, related_name="+"
    )
    scopes = models.JSONField(_("azioni delegate"), default=list)
    valid_from = models.DateField(_("valida dal"))
    valid_until = models.DateField(_("valida fino al"))
    channel = models.CharField(_("modalità"), max_length=20, choices=DelegationChannel.choices)
    id_document_type = models.CharField(
        _("tipo di documento"), max_length=20, choices=IdDocumentType.choices, blank=True
    )
    id_document_number = models.CharField(_("numero del documento"), max_length=40, blank=True)
    id_document_expiry = models.DateField(_("scadenza del documento"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(_("revocata il"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        "core.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    revoke_channel = models.CharField(
        _("revocata"), max_length=20, choices=DelegationChannel.choices, blank=True
    )

    objects = ScopedManager(tenant="organization_id")
    objects_unscoped = models.Manager()

    class Meta:
        verbose_name = _("delega")
        verbose_name_plural = _("deleghe")
        ordering = ["-created_at"]
        base_manager_name = "objects_unscoped"
        indexes = [models.Index(fields=["person", "point"], name="desk_delegation_person")]

    def __str__(self) -> str:
        return f"{self.person} → {self.point}"

    def scope_labels(self) -> list[str]:
        labels = dict(DelegationScope.choices)
        return [str(labels.get(code, code)) for code in self.scopes]


class DelegationDocument(StoredDocument):
    """The scanned identity document of a paper delegation."""

    file = models.FileField(_("file"), upload_to="desk/delegations/%Y/%m/")
    delegation = models.OneToOneField(Delegation, on_delete=models.CASCADE, related_name="document")

    objects = ScopedManager(tenant="delegation__organization_id")
    objects_unscoped = models.Manager()

    class Meta(StoredDocument.Meta):
        verbose_name = _("documento della delega")
        verbose_name_plural = _("documenti delle deleghe")
        base_manager_name = "objects_unscoped"

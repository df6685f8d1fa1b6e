"""The merchant circuit of a Comune (or of a network): which shops take its vouchers.

A shop (a `core.Provider`) asks to join with its partita IVA, IBAN, category, address and points
of sale; the Comune approves, rejects or suspends; the shop accepts the convention. Only an
approved membership with the convention accepted lets a shop redeem the vouchers that Comune
(or the network) issued.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from benecomune.core.models import MerchantCategory
from benecomune.core.scoping import visible_to


class Circuit(models.Model):
    """One per Comune or network, created on first use, with the convention shops accept."""

    organization = models.OneToOneField(
        "core.Organization",
        verbose_name=_("Comune o rete"),
        on_delete=models.PROTECT,
        related_name="voucher_circuit",
    )
    name = models.CharField(_("nome"), max_length=200)
    convention_text = models.TextField(_("testo della convenzione"))
    convention_version = models.PositiveIntegerField(_("versione della convenzione"), default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(tenant="organization_id")
    objects_unscoped = models.Manager()

    class Meta:
        verbose_name = _("circuito degli esercenti")
        verbose_name_plural = _("circuiti degli esercenti")
        base_manager_name = "objects_unscoped"

    def __str__(self) -> str:
        return self.name


class MembershipStatus(models.TextChoices):
    PENDING = "pending", _("In attesa di approvazione")
    APPROVED = "approved", _("Approvata")
    REJECTED = "rejected", _("Respinta")
    SUSPENDED = "suspended", _("Sospesa")


class CircuitMembership(models.Model):
    """A shop's request to join a circuit, and its state. The data the shop declared (partita
    IVA, IBAN, category, address) are kept here as requested; approval copies category, address
    and seat to the shop, so what the spending rules check is what the Comune approved."""

    circuit = models.ForeignKey(Circuit, on_delete=models.PROTECT, related_name="memberships")
    # The circuit's Comune or network: the tenant (denormalised from the circuit for scoping).
    organization = models.ForeignKey(
        "core.Organization", on_delete=models.PROTECT, related_name="+", editable=False
    )
    merchant = models.ForeignKey(
        "core.Provider",
        verbose_name=_("esercente"),
        on_delete=models.PROTECT,
        related_name="circuit_memberships",
    )
    status = models.CharField(
        _("stato"),
        max_length=20,
        choices=MembershipStatus.choices,
        default=MembershipStatus.PENDING,
    )
    category = models.CharField(_("categoria"), max_length=30, choices=MerchantCategory.choices)
    vat_number = models.CharField(_("partita IVA"), max_length=11)
    iban = models.CharField(_("IBAN per i rimborsi"), max_length=34)
    iban_holder = models.CharField(_("intestatario del conto"), max_length=200)
    address = models.CharField(_("indirizzo della sede"), max_length=200)
    municipality = models.ForeignKey(
        "core.Municipality",
        verbose_name=_("Comune della sede"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    contact_name = models.CharField(_("referente"), max_length=200, blank=True)
    contact_email = models.EmailField(_("e-mail del referente"), blank=True)
    contact_phone = models.CharField(_("telefono"), max_length=30, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("richiesta il"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("decisa il"), null=True, blank=True)
    decision_reason = models.TextField(_("motivazione"), blank=True)
    convention_version = models.PositiveIntegerField(null=True, blank=True)
    convention_accepted_at = models.DateTimeField(
        _("convenzione accettata il"), null=True, blank=True
    )
    convention_accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    # Two parties read a membership: the circuit's organisation (objects) and the shop
    # (for_merchant).
    objects = ScopedManager(tenant="organization_id")
    for_merchant = ScopedManager(tenant="merchant_id")
    objects_unscoped = models.Manager()

    @classmethod
    def visible_to(cls, actor):
        return visible_to(cls.objects_unscoped.all(), actor, ("organization_id", "merchant_id"))

    class Meta:
        verbose_name = _("adesione al circuito")
        verbose_name_plural = _("adesioni al circuito")
        base_manager_name = "objects_unscoped"
        ordering = ["merchant__name"]
        constraints = [
            models.UniqueConstraint(fields=["circuit", "merchant"], name="vouchers_one_membership")
        ]
        indexes = [models.Index(fields=["merchant", "status"], name="vouchers_member_merchant")]

    def __str__(self) -> str:
        return f"{self.merchant} — {self.circuit}"

    @property
    def convention_accepted(self) -> bool:
        return self.convention_accepted_at is not None

    @property
    def is_active(self) -> bool:
        """May redeem: approved by the Comune and convention accepted by the shop."""
        return self.status == MembershipStatus.APPROVED and self.convention_accepted


class PointOfSale(models.Model):
    """Where a shop takes vouchers: shown to citizens in the list of shops."""

    merchant = models.ForeignKey(
        "core.Provider", on_delete=models.CASCADE, related_name="points_of_sale"
    )
    name = models.CharField(_("nome"), max_length=200)
    address = models.CharField(_("indirizzo"), max_length=200)
    is_active = models.BooleanField(_("attivo"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(tenant="merchant_id")
    objects_unscoped = models.Manager()

    class Meta:
        verbose_name = _("punto vendita")
        verbose_name_plural = _("punti vendita")
        base_manager_name = "objects_unscoped"
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return f"{self.name}, {self.address}"

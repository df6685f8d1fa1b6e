"""Redemptions at the till (the receipt of a voucher payment) and two-phase authorisations.

The money is in the ledger: a redemption points at its PAYMENT transfer (one-to-one, so a
replayed request finds the first redemption) and, when voided, at the REVERSAL. An
authorisation points at the ledger `Reservation` (the hold) on the wallet.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from benecomune.core.scoping import visible_to


class Channel(models.TextChoices):
    QR = "qr", _("Codice QR dal telefono")
    CODE = "code", _("Codice digitato")
    CARD = "card", _("Tessera stampata")


def _optional_link(to) -> models.ForeignKey:
    """A nullable foreign key of a redemption, never searched by: no index (hot path), and
    no reverse accessor."""
    return models.ForeignKey(
        to, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )


class TillRecord(models.Model):
    """What a redemption and an authorisation share: a shop's record of a wallet's payment,
    read by two parties, the shop (objects, for_merchant) and the organisation that issued
    the wallet (for_issuer); `visible_to` for a page either may open."""

    objects = ScopedManager(tenant="merchant_id")
    for_merchant = ScopedManager(tenant="merchant_id")
    for_issuer = ScopedManager(tenant="issuer_id")
    objects_unscoped = models.Manager()

    class Meta:
        abstract = True

    @classmethod
    def visible_to(cls, actor):
        """Records the actor's shop made, or paid with wallets its organisation issued,
        or (for a citizen) paid with their own wallets."""
        return visible_to(
            cls.objects_unscoped.all(), actor, ("merchant_id", "issuer_id"), ("wallet__person_id",)
        )


class Redemption(TillRecord):
    """One per payment at a till. Written on the hot path, so it carries few indexes: the
    foreign keys that are never searched by have none (their constraints stay)."""

    # The shop that took the voucher: the tenant (the till and its device see their own).
    merchant = models.ForeignKey(
        "core.Provider",
        verbose_name=_("esercente"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # (merchant, created_at) below
    )
    # Who issued the wallet (Comune, network, company): for the municipality's reports.
    issuer = models.ForeignKey(
        "core.Organization", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    wallet = models.ForeignKey(
        "ledger.Wallet", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    transfer = models.OneToOneField(
        "ledger.Transfer", on_delete=models.PROTECT, related_name="voucher_redemption"
    )
    amount = models.BigIntegerField(_("importo (centesimi)"))
    # The wallet's balance right after this payment, printed on the receipt.
    balance_after = models.BigIntegerField(_("saldo residuo (centesimi)"))
    channel = models.CharField(_("come"), max_length=10, choices=Channel.choices)
    card = _optional_link("vouchers.VoucherCard")
    device = _optional_link("core.ApiToken")
    staff = _optional_link(settings.AUTH_USER_MODEL)
    # Set when the redemption captured an authorisation (at most one: see the constraint).
    authorisation = models.ForeignKey(
        "vouchers.Authorisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="redemptions",
        db_index=False,
    )
    created_at = models.DateTimeField(_("quando"))
    voided_at = models.DateTimeField(_("annullato il"), null=True, blank=True)
    void_transfer = _optional_link("ledger.Transfer")
    voided_by = _optional_link(settings.AUTH_USER_MODEL)
    void_reason = models.CharField(_("motivo dell'annullamento"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("incasso di un buono")
        verbose_name_plural = _("incassi di buoni")
        base_manager_name = "objects_unscoped"
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["merchant", "created_at"], name="vouchers_red_merchant"),
            models.Index(fields=["issuer", "created_at"], name="vouchers_red_issuer"),
        ]
        constraints = [
            # Partial: one-step redemptions (no authorisation) cost this index nothing.
            models.UniqueConstraint(
                fields=["authorisation"],
                condition=Q(authorisation__isnull=False),
                name="vouchers_one_capture",
            )
        ]

    def __str__(self) -> str:
        return _("Scontrino n. %(n)s") % {"n": self.pk}

    @property
    def is_voided(self) -> bool:
        return self.voided_at is not None


class AuthorisationStatus(models.TextChoices):
    AUTHORISED = "authorised", _("Autorizzata")
    CAPTURED = "captured", _("Incassata")
    VOIDED = "voided", _("Annullata")


class Authorisation(TillRecord):
    """Two-phase payment at a till: money held on the wallet, then captured or voided."""

    merchant = models.ForeignKey("core.Provider", on_delete=models.PROTECT, related_name="+")
    issuer = models.ForeignKey("core.Organization", on_delete=models.PROTECT, related_name="+")
    wallet = models.ForeignKey("ledger.Wallet", on_delete=models.PROTECT, related_name="+")
    hold = models.OneToOneField("ledger.Reservation", on_delete=models.PROTECT, related_name="+")
    # The till's key for the authorisation call (unique per shop).
    idempotency_key = models.CharField(max_length=64)
    amount = models.BigIntegerField(_("importo autorizzato (centesimi)"))
    status = models.CharField(
        max_length=20, choices=AuthorisationStatus.choices, default=AuthorisationStatus.AUTHORISED
    )
    channel = models.CharField(max_length=10, choices=Channel.choices)
    card = models.ForeignKey(
        "vouchers.VoucherCard", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    device = models.ForeignKey(
        "core.ApiToken", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(db_index=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    void_key = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("autorizzazione")
        verbose_name_plural = _("autorizzazioni")
        base_manager_name = "objects_unscoped"
        constraints = [
            models.UniqueConstraint(
                fields=["merchant", "idempotency_key"], name="vouchers_auth_key_per_merchant"
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="vouchers_auth_positive"),
        ]

    def __str__(self) -> str:
        return _("Autorizzazione n. %(n)s") % {"n": self.pk}

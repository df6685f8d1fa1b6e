"""How a citizen shows a voucher at the till without the signed QR code: a short typed code
(8 digits, valid a few minutes, one wallet) or a printed card (12 digits, with a PIN)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager


class TypedCode(models.Model):
    """8 digits the citizen reads out when the QR cannot be scanned. Lives a few minutes and
    pays once: the payment (or till authorisation) that uses it sets `used_at` in its own
    transaction, and a used code is refused (`code_used`) until it expires and is purged."""

    code = models.CharField(max_length=8, unique=True)
    wallet = models.ForeignKey("ledger.Wallet", on_delete=models.CASCADE, related_name="+")
    # The wallet's issuer: the tenant.
    organization = models.ForeignKey(
        "core.Organization", on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(db_index=True)
    # Set by the one payment or authorisation the code was good for (a dictated code must
    # not be charged twice); the citizen's page then shows a new code.
    used_at = models.DateTimeField(_("usato il"), null=True, blank=True)

    objects = ScopedManager(tenant="organization_id")
    objects_unscoped = models.Manager()

    class Meta:
        verbose_name = _("codice da digitare")
        verbose_name_plural = _("codici da digitare")
        base_manager_name = "objects_unscoped"

    def __str__(self) -> str:
        return f"{self.code[:4]} {self.code[4:]}"


class CardStatus(models.TextChoices):
    ACTIVE = "active", _("Attiva")
    LOCKED = "locked", _("Bloccata per PIN errati")
    BLOCKED = "blocked", _("Bloccata dal titolare")
    REPLACED = "replaced", _("Sostituita")


class VoucherCard(models.Model):
    """A printed card for a wallet: its number (in the QR too) and a PIN, stored as a keyed
    hash. Five wrong PINs lock it; the holder (or a desk operator) can block it, and reissuing
    replaces it with a new number and PIN, so the old card stops working."""

    wallet = models.ForeignKey("ledger.Wallet", on_delete=models.PROTECT, related_name="cards")
    organization = models.ForeignKey(
        "core.Organization", on_delete=models.PROTECT, related_name="+"
    )
    number = models.CharField(_("numero della tessera"), max_length=12, unique=True)
    pin_hash = models.CharField(max_length=64)
    status = models.CharField(
        _("stato"), max_length=20, choices=CardStatus.choices, default=CardStatus.ACTIVE
    )
    failed_pins = models.PositiveSmallIntegerField(_("PIN errati di fila"), default=0)
    issued_at = models.DateTimeField(_("emessa il"), auto_now_add=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(_("bloccata o sostituita il"), null=True, blank=True)
    close_reason = models.CharField(_("motivo"), max_length=200, blank=True)

    objects = ScopedManager(tenant="organization_id")
    objects_unscoped = models.Manager()

    class Meta:
        verbose_name = _("tessera del buono")
        verbose_name_plural = _("tessere dei buoni")
        base_manager_name = "objects_unscoped"
        ordering = ["-issued_at"]
        constraints = [
            # At most one usable (or PIN-locked) card per wallet: reissuing closes the old one.
            models.UniqueConstraint(
                fields=["wallet"],
                condition=Q(status__in=["active", "locked"]),
                name="vouchers_one_open_card",
            )
        ]

    def __str__(self) -> str:
        return self.display_number

    @property
    def display_number(self) -> str:
        return " ".join(self.number[i : i + 4] for i in range(0, len(self.number), 4))

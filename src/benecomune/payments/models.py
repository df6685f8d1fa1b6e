"""Payment intents: one per purchase, paid by one or more legs (the buyer's wallets, own money
through a payment provider).

The tenant of an intent is its payee (the shop or provider being paid): its staff authorise,
capture and refund it, while its legs may draw on wallets of several issuers (a Comune's
voucher and a company plan in one purchase), so no single issuer could own it. The buyer sees
their own intents through `buyer`.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager


class IntentStatus(models.TextChoices):
    REQUIRES_AUTHORISATION = "requires_authorisation", _("Da autorizzare")
    AUTHORISED = "authorised", _("Autorizzato")
    PARTIALLY_CAPTURED = "partially_captured", _("Incassato in parte")
    CAPTURED = "captured", _("Incassato")
    PARTIALLY_REFUNDED = "partially_refunded", _("Rimborsato in parte")
    REFUNDED = "refunded", _("Rimborsato")
    VOIDED = "voided", _("Annullato")
    FAILED = "failed", _("Non autorizzato")


class LegSource(models.TextChoices):
    WALLET = "wallet", _("Borsellino")
    GATEWAY = "gateway", _("Denaro proprio (pagamento online)")


class LegStatus(models.TextChoices):
    PENDING = "pending", _("In attesa")
    AUTHORISED = "authorised", _("Autorizzata")
    CAPTURED = "captured", _("Incassata")
    RELEASED = "released", _("Liberata")  # nothing of it was captured
    VOIDED = "voided", _("Annullata")
    REFUNDED = "refunded", _("Rimborsata")
    FAILED = "failed", _("Non autorizzata")


def _money(label):
    return models.BigIntegerField(label, default=0)


class PaymentIntent(models.Model):
    organization = models.ForeignKey(
        "core.Organization", on_delete=models.PROTECT, related_name="+", editable=False
    )  # always the payee's organisation row: the tenant
    payee = models.ForeignKey(
        "core.Provider",
        verbose_name=_("esercente"),
        on_delete=models.PROTECT,
        related_name="payment_intents",
    )
    buyer = models.ForeignKey(
        "core.Person",
        verbose_name=_("acquirente"),
        on_delete=models.PROTECT,
        related_name="payment_intents",
    )
    amount = models.BigIntegerField(_("importo (centesimi)"))
    captured = _money(_("incassato (centesimi)"))
    refunded = _money(_("rimborsato (centesimi)"))
    status = models.CharField(
        _("stato"),
        max_length=30,
        choices=IntentStatus.choices,
        default=IntentStatus.REQUIRES_AUTHORISATION,
    )
    idempotency_key = models.CharField(max_length=100)
    # The purchase it pays (e.g. "vouchers.authorisation", "42").
    object_type = models.CharField(max_length=80, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    failure_reason = models.CharField(_("motivo del rifiuto"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by_role = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager(tenant="organization_id")
    objects_unscoped = models.Manager()

    class Meta:
        verbose_name = _("pagamento")
        verbose_name_plural = _("pagamenti")
        ordering = ["-created_at"]
        base_manager_name = "objects_unscoped"
        constraints = [
            models.UniqueConstraint(fields=["idempotency_key"], name="payments_intent_unique_key"),
            models.CheckConstraint(
                condition=Q(amount__gt=0, captured__gte=0, refunded__gte=0)
                & Q(captured__lte=F("amount"), refunded__lte=F("captured")),
                name="payments_intent_bounds",
            ),
        ]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"#{self.pk} {self.amount}"


class PaymentLeg(models.Model):
    """One source of an intent's money, in the order it is drawn on."""

    organization = models.ForeignKey(
        "core.Organization", on_delete=models.PROTECT, related_name="+", editable=False
    )  # the intent's tenant, copied so legs are scoped without a join
    intent = models.ForeignKey(PaymentIntent, on_delete=models.PROTECT, related_name="legs")
    position = models.PositiveSmallIntegerField()
    source = models.CharField(_("fonte"), max_length=20, choices=LegSource.choices)
    wallet = models.ForeignKey(
        "ledger.Wallet", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    gateway = models.CharField(max_length=40, blank=True)
    reference = models.CharField(_("riferimento del gestore"), max_length=100, blank=True)
    amount = models.BigIntegerField(_("importo (centesimi)"))
    captured = _money(_("incassato (centesimi)"))
    refunded = _money(_("rimborsato (centesimi)"))
    hold = models.OneToOneField(
        "ledger.Reservation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("stato"), max_length=20, choices=LegStatus.choices, default=LegStatus.PENDING
    )

    objects = ScopedManager(tenant="organization_id")
    objects_unscoped = models.Manager()

    class Meta:
        verbose_name = _("fonte del pagamento")
        verbose_name_plural = _("fonti del pagamento")
        ordering = ["intent", "position"]
        base_manager_name = "objects_unscoped"
        constraints = [
            models.UniqueConstraint(fields=["intent", "position"], name="payments_leg_position"),
            models.CheckConstraint(
                condition=Q(source=LegSource.WALLET, wallet__isnull=False, gateway="")
                | Q(source=LegSource.GATEWAY, wallet__isnull=True) & ~Q(gateway=""),
                name="payments_leg_source",
            ),
            models.CheckConstraint(
                condition=Q(amount__gt=0, captured__gte=0, refunded__gte=0)
                & Q(captured__lte=F("amount"), refunded__lte=F("captured")),
                name="payments_leg_bounds",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.intent_id}/{self.position} {self.source} {self.amount}"


class LegCapture(models.Model):
    """Money of a leg now with the payee: one PAYMENT transfer (and, for own money, the TOP_UP
    that brought it in). Refunds give back parts of it with REFUND transfers naming the
    PAYMENT (and the TOP_UP); `refunded` once nothing of it is left (services/refunds.py).
    Pieces refunded before REFUND existed were reversed whole (and the kept part paid again
    as a new piece)."""

    organization = models.ForeignKey(
        "core.Organization", on_delete=models.PROTECT, related_name="+", editable=False
    )
    leg = models.ForeignKey(PaymentLeg, on_delete=models.PROTECT, related_name="pieces")
    amount = models.BigIntegerField()
    payment = models.OneToOneField("ledger.Transfer", on_delete=models.PROTECT, related_name="+")
    top_up = models.OneToOneField(
        "ledger.Transfer", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    refunded = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(tenant="organization_id")
    objects_unscoped = models.Manager()

    class Meta:
        base_manager_name = "objects_unscoped"
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payments_piece_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.leg_id} {self.amount}"


class PaymentRefund(models.Model):
    """One refund of an intent, under the caller's idempotency key."""

    organization = models.ForeignKey(
        "core.Organization", on_delete=models.PROTECT, related_name="+", editable=False
    )
    intent = models.ForeignKey(PaymentIntent, on_delete=models.PROTECT, related_name="refunds")
    amount = models.BigIntegerField()
    idempotency_key = models.CharField(max_length=100)
    reason = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(tenant="organization_id")
    objects_unscoped = models.Manager()

    class Meta:
        base_manager_name = "objects_unscoped"
        constraints = [
            models.UniqueConstraint(fields=["idempotency_key"], name="payments_refund_unique_key"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="payments_refund_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.intent_id} -{self.amount}"

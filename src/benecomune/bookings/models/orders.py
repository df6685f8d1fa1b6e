"""Orders: a citizen buys a service of the catalogue (or goods), paid by one payment intent.

The tenant of an order is its provider (the payee of its intent, as in payments): its staff
see, deliver, cancel and refund it; the buyer reaches their own orders through `buyer`.
Money is never stored here but as what the order costs and how it is split: the legs, their
holds, captures and refunds are the intent's (payments), the only record of money moved.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_scopes import ScopedManager

__all__ = ["Order", "OrderPaymentEvent", "OrderStatus", "OwnMoney"]


class OrderStatus(models.TextChoices):
    AWAITING_PAYMENT = "awaiting_payment", _("In attesa del pagamento online")
    CONFIRMED = "confirmed", _("Confermato")
    DELIVERED = "delivered", _("Consegnato")
    REFUNDED = "refunded", _("Rimborsato")
    CANCELLED = "cancelled", pgettext_lazy("order", "Annullato")
    PAYMENT_FAILED = "payment_failed", _("Pagamento non riuscito")
    EXPIRED = "expired", _("Scaduto senza pagamento")


class OwnMoney(models.TextChoices):
    """How the part the wallets do not pay is paid."""

    NONE = "", _("Nessuna: pagano i buoni")
    ONLINE = "online", _("Pagamento online")
    AT_PROVIDER = "at_provider", _("Pagamento presso il fornitore")


class Order(models.Model):
    organization = models.ForeignKey(
        "core.Organization", on_delete=models.PROTECT, related_name="+", editable=False
    )  # the provider's organisation row: the tenant
    provider = models.ForeignKey(
        "core.Provider", verbose_name=_("fornitore"), on_delete=models.PROTECT, related_name="+"
    )
    buyer = models.ForeignKey(
        "core.Person", verbose_name=_("acquirente"), on_delete=models.PROTECT, related_name="+"
    )
    service = models.ForeignKey(
        "marketplace.Service",
        verbose_name=_("servizio"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    variant = models.ForeignKey(
        "marketplace.ServiceVariant",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # What was bought, as it read then (the catalogue may change afterwards).
    title = models.CharField(_("descrizione"), max_length=250)
    unit_price = models.BigIntegerField(_("prezzo unitario (centesimi)"))
    quantity = models.PositiveSmallIntegerField(_("quantità"), default=1)
    amount = models.BigIntegerField(_("totale (centesimi)"))
    own_money = models.CharField(
        _("denaro proprio"), max_length=20, choices=OwnMoney.choices, blank=True
    )
    # Own money the buyer pays at the provider on delivery: not through the platform.
    due_at_provider = models.BigIntegerField(
        _("da pagare presso il fornitore (centesimi)"), default=0
    )
    intent = models.OneToOneField(
        "payments.PaymentIntent",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="order",
    )
    status = models.CharField(
        _("stato"), max_length=20, choices=OrderStatus.choices, default=OrderStatus.CONFIRMED
    )
    idempotency_key = models.CharField(max_length=100)
    payment_due_by = models.DateTimeField(_("pagamento online entro"), null=True, blank=True)
    paid_online_at = models.DateTimeField(null=True, blank=True)
    # A payment confirmed by the provider after the order had expired or been cancelled: the
    # provider was told to give it back (void) when it arrived.
    late_payment_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.CharField(_("motivo dell'annullamento"), max_length=300, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager(tenant="organization_id")
    objects_unscoped = models.Manager()

    class Meta:
        verbose_name = _("ordine")
        verbose_name_plural = _("ordini")
        ordering = ["-created_at", "-pk"]
        base_manager_name = "objects_unscoped"
        constraints = [
            models.UniqueConstraint(fields=["idempotency_key"], name="bookings_order_unique_key"),
            models.CheckConstraint(
                condition=Q(unit_price__gt=0, quantity__gt=0, amount__gt=0)
                & Q(due_at_provider__gte=0, due_at_provider__lte=models.F("amount")),
                name="bookings_order_amounts",
            ),
        ]
        indexes = [
            models.Index(fields=["buyer", "-created_at"]),
            models.Index(fields=["status", "payment_due_by"]),
            # The observatory's upkeep reads the rows changed since its watermark.
            models.Index(fields=["updated_at"], name="bookings_order_updated"),
        ]

    def __str__(self) -> str:
        return _("Ordine n. %(n)s") % {"n": self.pk}

    @property
    def number(self) -> str:
        return f"{self.pk:06d}"


class OrderPaymentEvent(models.Model):
    """A notification of the payment provider (webhook), recorded once by its event id: a
    duplicate is answered without doing anything again."""

    organization = models.ForeignKey(
        "core.Organization", on_delete=models.PROTECT, related_name="+", editable=False
    )
    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="payment_events")
    event_id = models.CharField(max_length=100)
    kind = models.CharField(max_length=40)
    outcome = models.CharField(max_length=40)
    received_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(tenant="organization_id")
    objects_unscoped = models.Manager()

    class Meta:
        base_manager_name = "objects_unscoped"
        constraints = [
            models.UniqueConstraint(fields=["event_id"], name="bookings_order_event_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.order_id} {self.kind}"

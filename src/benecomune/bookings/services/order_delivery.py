"""The provider's side of an order: delivered (the holds captured), cancelled with a reason
(released), refunded in part or in full after delivery (back to the legs it came from).

The provider's staff act (provider.manage or merchant.manage on the order's provider, checked
by the lifecycle table); the money moves through payments as the platform (`payments_actor`),
in the same transaction as the order's move and its audit event.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from benecomune.bookings.models import Order, OrderStatus
from benecomune.bookings.order_lifecycle import ORDER
from benecomune.bookings.services import order_notices
from benecomune.bookings.services.orders import (
    lock,
    not_a_bookings_order,
    payments_actor,
    release,
)
from benecomune.core import audit
from benecomune.core.actors import Actor
from benecomune.ledger.money import format_euro
from benecomune.payments.models import LegSource, PaymentIntent, PaymentLeg, PaymentRefund
from benecomune.payments.services import checkout, refunds

REASON_MAX = 300


@transaction.atomic
def deliver(actor: Actor, order: Order, *, booking_move: bool = False) -> Order:
    """The service was delivered (the goods handed over): every leg is captured."""
    order = lock(order)
    not_a_bookings_order(order, booking_move)
    if order.status == OrderStatus.DELIVERED:
        return order
    ORDER.check(actor, order, OrderStatus.DELIVERED)
    if order.intent_id is not None:
        order.intent = checkout.capture(payments_actor(), order.intent)
    order.delivered_at = timezone.now()
    ORDER.apply(
        actor,
        order,
        OrderStatus.DELIVERED,
        extra_fields=["delivered_at", "updated_at"],
        person=order.buyer_id,
        after={"captured": order.amount - order.due_at_provider},
    )
    return order


@transaction.atomic
def cancel(actor: Actor, order: Order, *, reason: str, booking_move: bool = False) -> Order:
    """The provider cancels an order not delivered yet (or the buyer did not show up), with
    a reason the buyer reads: every hold is released."""
    reason = " ".join((reason or "").split())[:REASON_MAX]
    if not reason:
        raise ValidationError(_("Indichi il motivo dell'annullamento: lo leggerà chi ha ordinato."))
    order = lock(order)
    not_a_bookings_order(order, booking_move)
    ORDER.check(actor, order, OrderStatus.CANCELLED, action="bookings.order_cancelled")
    release(order, reason=reason)
    order.cancel_reason = reason
    order.closed_at = timezone.now()
    ORDER.apply(
        actor,
        order,
        OrderStatus.CANCELLED,
        action="bookings.order_cancelled",
        reason=reason,
        extra_fields=["cancel_reason", "closed_at", "updated_at"],
        person=order.buyer_id,
    )
    order_notices.order_closed(order)
    return order


def refundable(order: Order) -> int:
    """What of the order's captured money may still be given back (cents)."""
    if order.intent_id is None or order.status != OrderStatus.DELIVERED:
        return 0
    intent = order.intent
    return intent.captured - intent.refunded


def refunded_by_source(order: Order) -> dict[str, int]:
    """How much of the order went back so far, by source (wallets, card): compared before and
    after a refund, it tells where that refund's money went."""
    if order.intent_id is None:
        return {}
    totals: dict[str, int] = {}
    for leg in PaymentLeg.objects_unscoped.filter(intent_id=order.intent_id):
        totals[leg.source] = totals.get(leg.source, 0) + leg.refunded
    return totals


def refund_done_message(before: dict[str, int], after: dict[str, int]) -> str:
    """Where the money of the refund just made went: the wallets, the card, or both."""
    moved = {source for source, cents in after.items() if cents > before.get(source, 0)}
    if moved == {LegSource.WALLET}:
        return _("Rimborso fatto: il denaro torna ai buoni da cui era venuto.")
    if moved == {LegSource.GATEWAY}:
        return _("Rimborso fatto: il denaro torna sulla carta con cui era stato pagato.")
    return _("Rimborso fatto: il denaro torna sulla carta e ai buoni da cui era venuto.")


@transaction.atomic
def refund(actor: Actor, order: Order, amount: int, *, reason: str, idempotency_key: str) -> Order:
    """Give back `amount` of a delivered order to the wallets (and card) it came from, the
    last leg first (payments.refunds). Replaying the key gives nothing back twice."""
    reason = " ".join((reason or "").split())[:200]
    if not reason:
        raise ValidationError(_("Indichi il motivo del rimborso."))
    order = lock(order)
    if order.intent_id is None:
        raise ValidationError(
            _("Questo ordine è stato pagato presso il fornitore: nulla da rimborsare qui.")
        )
    intent = PaymentIntent.objects_unscoped.get(pk=order.intent_id)
    key = f"order-refund:{order.pk}:{idempotency_key}"[:100]
    if PaymentRefund.objects_unscoped.filter(idempotency_key=key).exists():
        return order  # a replay: already given back
    left = intent.captured - intent.refunded
    final = amount == left
    # Whoever may refund it all may refund a part (the order stays delivered).
    ORDER.check(actor, order, OrderStatus.REFUNDED)
    if amount <= 0 or amount > left:
        raise ValidationError(
            _("Si possono rimborsare al massimo %(left)s.") % {"left": format_euro(left)}
        )
    refunds.refund(payments_actor(), intent, amount, idempotency_key=key, reason=reason)
    if not final:
        audit.record(
            actor,
            "bookings.order_partially_refunded",
            order,
            organization=order.organization_id,
            person=order.buyer_id,
            after={"status": order.status, "refunded": amount},
            reason=reason,
        )
        return order
    order.closed_at = timezone.now()
    ORDER.apply(
        actor,
        order,
        OrderStatus.REFUNDED,
        reason=reason,
        extra_fields=["closed_at", "updated_at"],
        person=order.buyer_id,
        after={"refunded": amount},
    )
    return order

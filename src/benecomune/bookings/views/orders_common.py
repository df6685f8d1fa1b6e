"""What the buyer's and the provider's order pages share: the receipt (each source of money
with what it paid, what was given back, what is due at the provider)."""

from benecomune.bookings.models import Order
from benecomune.bookings.services.order_delivery import refundable
from benecomune.core.audit import action_label
from benecomune.core.models import AuditEvent
from benecomune.payments.models import PaymentLeg


def legs_of(order: Order) -> list[PaymentLeg]:
    if order.intent_id is None:
        return []
    return list(
        PaymentLeg.objects_unscoped.filter(intent_id=order.intent_id)
        .select_related("wallet")
        .order_by("position")
    )


def history_of(order: Order) -> list[tuple]:
    events = AuditEvent.objects_unscoped.filter(
        object_type="bookings.order", object_id=str(order.pk)
    ).order_by("created_at", "pk")
    return [(e.created_at, action_label(e.action), e.reason) for e in events]


def receipt_context(order: Order) -> dict:
    return {
        "order": order,
        "legs": legs_of(order),
        "intent": order.intent,
        "refundable": refundable(order),
        "history": history_of(order),
    }

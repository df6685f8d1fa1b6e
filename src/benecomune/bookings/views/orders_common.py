"""What the buyer's and the provider's order pages share: the receipt (each source of money
with what it paid, what was given back, what is due at the provider)."""

from benecomune.bookings.models import Order
from benecomune.bookings.order_queries import history_of, legs_of
from benecomune.bookings.services.order_delivery import refundable


def receipt_context(order: Order) -> dict:
    return {
        "order": order,
        "legs": legs_of(order),
        "intent": order.intent,
        "refundable": refundable(order),
        "history": history_of(order),
    }

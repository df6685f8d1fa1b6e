"""Orders paid wholly at the provider as reviewable purchases ("bookings.order").

An order with a payment intent is reviewed through that intent (marketplace's
"payments.intent" source, which sees the money reach the provider). An order paid entirely
at the provider has no intent: it is a completed purchase once the provider marks it
delivered, so it is registered here, or its buyer could never review it."""

from benecomune.bookings.models import Order, OrderStatus
from benecomune.marketplace.purchases import Purchase

ORDER_SOURCE = "bookings.order"


def _purchase(order: Order) -> Purchase:
    return Purchase(
        kind=ORDER_SOURCE,
        source_id=str(order.pk),
        service=order.service,
        buyer_id=order.buyer_id,
        completed=order.status == OrderStatus.DELIVERED,
        when=order.created_at,
        label=order.variant.label if order.variant_id else "",
    )


def _without_intent():
    return Order.objects_unscoped.filter(intent__isnull=True).select_related(
        "service__provider", "variant"
    )


def resolve_order(source_id: str) -> Purchase | None:
    if not source_id.isdigit():
        return None
    order = _without_intent().filter(pk=int(source_id)).first()
    return _purchase(order) if order is not None else None


def orders_of_person(person_id: int) -> list[Purchase]:
    """The person's delivered orders paid at the provider (one query)."""
    rows = _without_intent().filter(buyer_id=person_id, status=OrderStatus.DELIVERED)
    return [_purchase(order) for order in rows.order_by("-created_at", "-pk")]

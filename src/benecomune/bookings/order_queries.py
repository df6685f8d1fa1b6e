"""Reads of the orders' pages that cross tenants on purpose, each after the caller decided who
may see the rows (views stay on scoped managers):

- a citizen's own orders, of providers of any network (a service online may be of another
  network's provider): filtered on the citizen's person;
- a service and its variants for the checkout: `order_options.offer_for` decides whether the
  buyer may order it (published, offered to them);
- an order's legs and history: only for an order the caller already reached;
- the fake provider's page: the leg by its unguessable reference, for the buyer only.
"""

from benecomune.bookings.models import Order
from benecomune.core.audit import action_label
from benecomune.core.compiled_queries import CompiledQuery, first
from benecomune.core.models import AuditEvent
from benecomune.marketplace.models import Service, ServiceVariant
from benecomune.payments import fake_hosted
from benecomune.payments.models import LegSource, PaymentLeg


def _service_with_provider(pk):
    return Service.objects_unscoped.select_related("provider").filter(pk=pk).order_by("pk")[:1]


# Read on every booking and order (core.compiled_queries: compiled once per connection).
SERVICE_WITH_PROVIDER = CompiledQuery("service_for_checkout", _service_with_provider, -7_000_101)


def service_for_checkout(pk) -> Service | None:
    return first(SERVICE_WITH_PROVIDER, int(pk))


def variants_of(service: Service):
    return ServiceVariant.objects_unscoped.filter(service=service).order_by("position", "pk")


def orders_of_person(person_id: int):
    return Order.objects_unscoped.filter(buyer_id=person_id).select_related("provider", "intent")


def order_of_person(person_id: int, pk) -> Order | None:
    return orders_of_person(person_id).filter(pk=pk).first()


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


def hosted_leg(reference: str) -> tuple[PaymentLeg | None, Order | None]:
    leg = PaymentLeg.objects_unscoped.filter(
        source=LegSource.GATEWAY, gateway=fake_hosted.NAME, reference=reference
    ).first()
    order = Order.objects_unscoped.filter(intent_id=leg.intent_id).first() if leg else None
    return leg, order

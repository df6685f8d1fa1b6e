"""The online part of an order: the payment provider's notifications (webhooks) and the
expiry of orders left unpaid.

A notification is believed only with a valid signature (payments/fake_hosted.py `verify`)
and only for the order and the provider reference it names: a bad signature, an unknown order,
a reference or amount of another order change nothing and are answered 400. Each event is
recorded once by its id (`OrderPaymentEvent`); a duplicate, or a second event of a payment
already counted, changes nothing. A payment confirmed after the order expired or was
cancelled ("late") is given back at once: the provider is told to void it.
"""

import json
import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from benecomune.bookings.models import Order, OrderPaymentEvent, OrderStatus
from benecomune.bookings.order_lifecycle import ORDER
from benecomune.bookings.services import order_notices
from benecomune.bookings.services.orders import lock, release
from benecomune.core import audit
from benecomune.core.actors import Actor
from benecomune.payments import fake_hosted
from benecomune.payments.gateways import get_gateway
from benecomune.payments.models import LegSource, PaymentLeg

logger = logging.getLogger(__name__)
NOTIFICATION_ACTOR = "bookings.payment_notification"


class NotificationRefused(Exception):
    """A notification that is not believed: nothing changed (HTTP 400)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def online_leg(order: Order) -> PaymentLeg | None:
    if order.intent_id is None:
        return None
    return PaymentLeg.objects_unscoped.filter(
        intent_id=order.intent_id, source=LegSource.GATEWAY
    ).first()


def _parse(body: bytes, signature: str) -> dict:
    if not fake_hosted.verify(body, signature):
        raise NotificationRefused(_("Firma della notifica non valida: ignorata."))
    try:
        event = json.loads(body)
        fields = (event["id"], event["type"], event["reference"], event["order"], event["amount"])
    except (ValueError, KeyError, TypeError):
        raise NotificationRefused(_("Notifica illeggibile: ignorata.")) from None
    if (
        not all(isinstance(f, str) and 0 < len(f) <= 100 for f in fields[:4])
        or not isinstance(fields[4], int)
        or isinstance(fields[4], bool)
    ):
        raise NotificationRefused(_("Notifica illeggibile: ignorata."))
    return event


def _order_and_leg(event: dict) -> tuple[Order, PaymentLeg]:
    order = None
    if event["order"].isdigit():
        order = Order.objects_unscoped.filter(pk=int(event["order"])).first()
    if order is None:
        raise NotificationRefused(_("La notifica riguarda un ordine inesistente: ignorata."))
    leg = online_leg(order)
    if leg is None or leg.reference != event["reference"] or leg.amount != event["amount"]:
        raise NotificationRefused(
            _("La notifica riguarda un altro ordine o un altro importo: ignorata.")
        )
    return order, leg


def handle_notification(body: bytes, signature: str) -> str:
    """Apply one notification of the payment provider; returns what was done. Raises
    NotificationRefused (nothing changed) when it is not believed."""
    event = _parse(body, signature)
    order, leg = _order_and_leg(event)
    actor = Actor.system_actor(NOTIFICATION_ACTOR)
    with transaction.atomic():
        order = lock(order)
        if OrderPaymentEvent.objects_unscoped.filter(event_id=event["id"]).exists():
            return "duplicate"
        outcome = _apply(actor, order, leg, event["type"])
        OrderPaymentEvent.objects_unscoped.create(
            organization_id=order.organization_id,
            order=order,
            event_id=event["id"],
            kind=event["type"][:40],
            outcome=outcome,
        )
    return outcome


def _bookings():
    """The booking of an order follows its online payment (imported late: it imports us)."""
    from benecomune.bookings.services import booking_moves

    return booking_moves


def _apply(actor: Actor, order: Order, leg: PaymentLeg, kind: str) -> str:
    waiting = order.status == OrderStatus.AWAITING_PAYMENT
    if kind == fake_hosted.SUCCEEDED:
        if waiting:
            order.paid_online_at = timezone.now()
            order.payment_due_by = None
            ORDER.apply(
                actor,
                order,
                OrderStatus.CONFIRMED,
                extra_fields=["paid_online_at", "payment_due_by", "updated_at"],
                person=order.buyer_id,
            )
            order_notices.order_received(order)
            _bookings().order_paid(order)
            return "paid"
        if order.paid_online_at is not None or order.late_payment_at is not None:
            return "already_counted"
        # Late: the order was closed (expired, cancelled) before the provider confirmed.
        get_gateway(leg.gateway).void(leg.reference)
        order.late_payment_at = timezone.now()
        order.save(update_fields=["late_payment_at", "updated_at"])
        audit.record(
            actor,
            "bookings.order_late_payment_voided",
            order,
            organization=order.organization_id,
            person=order.buyer_id,
            after={"status": order.status, "amount": leg.amount},
        )
        return "late_voided"
    if kind == fake_hosted.FAILED:
        if not waiting:
            return "ignored"
        release(order, reason=_("Pagamento online non riuscito."))
        order.closed_at = timezone.now()
        ORDER.apply(
            actor,
            order,
            OrderStatus.PAYMENT_FAILED,
            extra_fields=["closed_at", "updated_at"],
            person=order.buyer_id,
        )
        order_notices.order_closed(order)
        _bookings().order_lapsed(order)
        return "failed"
    return "ignored"


def expire_unpaid(actor: Actor, *, now=None) -> int:
    """Close the orders whose online payment did not arrive in time: their holds are
    released. One transaction per order; returns how many expired."""
    now = now or timezone.now()
    due = Order.objects_unscoped.filter(
        status=OrderStatus.AWAITING_PAYMENT, payment_due_by__lt=now
    ).values_list("pk", flat=True)
    expired = 0
    for pk in list(due[:1000]):
        with transaction.atomic():
            order = lock(Order(pk=pk))
            if order.status != OrderStatus.AWAITING_PAYMENT or order.payment_due_by >= now:
                continue  # paid (or cancelled) meanwhile
            release(order, reason=_("Pagamento online non arrivato in tempo."))
            order.closed_at = now
            ORDER.apply(
                actor,
                order,
                OrderStatus.EXPIRED,
                extra_fields=["closed_at", "updated_at"],
                person=order.buyer_id,
            )
            order_notices.order_closed(order)
            _bookings().order_lapsed(order)
            expired += 1
    return expired

"""What the orders tell people (core notifications, written in the caller's transaction and
sent after commit): the provider of a new order to deliver, the buyer of an order closed
without them (cancelled by the provider, online payment failed, expired unpaid)."""

from django.urls import reverse

from benecomune.bookings.models import Order
from benecomune.core.notifications import EMAIL, INAPP, notify
from benecomune.marketplace.services.threads import provider_address


def order_received(order: Order) -> None:
    notify(
        provider_address(order.provider),
        "bookings_order_received",
        {"number": order.number, "title": order.title},
        organization=order.provider,
        channels=(EMAIL,),
    )


def order_closed(order: Order) -> None:
    notify(
        order.buyer,
        "bookings_order_closed",
        {"number": order.number, "title": order.title, "status": order.get_status_display()},
        organization=order.provider,
        channels=(INAPP, EMAIL),
        link=reverse("bookings:my_order", args=[order.pk]),
    )

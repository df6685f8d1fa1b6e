"""The order's lifecycle (core.lifecycle): who moves an order from which status to which.

The buyer (OWNER: the service checks it is them) places, cancels before delivery; the
payment provider's notification (a system actor) confirms or fails the online payment; the
expiry task (system) closes an order left unpaid; the provider's staff deliver, cancel and
refund. A partial refund keeps the order delivered: not a move, but its own audit event
(`bookings.order_partially_refunded`), allowed to whoever may refund it in full.
"""

from django.utils.translation import gettext_lazy as _

from benecomune.bookings.models import Order, OrderStatus
from benecomune.core.audit import register_actions
from benecomune.core.lifecycle import OWNER, Lifecycle
from benecomune.core.lifecycle import Transition as T

S = OrderStatus
# Staff of the provider; its device tokens (merchant.redeem) deliver and cancel through the API.
PROVIDER = ("provider.manage", "merchant.manage", "merchant.redeem")
SYSTEM = "merchant.redeem"  # the provider's notification and the expiry task: system actors

ORDER = Lifecycle(
    Order,
    initial=(S.AWAITING_PAYMENT, S.CONFIRMED),
    terminal=(S.REFUNDED, S.CANCELLED, S.PAYMENT_FAILED, S.EXPIRED),
    transitions=[
        T(S.AWAITING_PAYMENT, S.CONFIRMED, SYSTEM, "bookings.order_paid_online"),
        T(S.AWAITING_PAYMENT, S.PAYMENT_FAILED, SYSTEM, "bookings.order_payment_failed"),
        T(S.AWAITING_PAYMENT, S.EXPIRED, SYSTEM, "bookings.order_expired"),
        T(S.AWAITING_PAYMENT, S.CANCELLED, OWNER, "bookings.order_cancelled_by_buyer"),
        T(S.CONFIRMED, S.CANCELLED, OWNER, "bookings.order_cancelled_by_buyer"),
        T(S.CONFIRMED, S.CANCELLED, PROVIDER, "bookings.order_cancelled"),
        T(S.CONFIRMED, S.DELIVERED, PROVIDER, "bookings.order_delivered"),
        T(S.DELIVERED, S.REFUNDED, PROVIDER, "bookings.order_refunded"),
    ],
)

LIFECYCLES = {"bookings.Order": ORDER}

register_actions(
    {
        "bookings.order_placed": _("Ordine effettuato"),
        "bookings.order_paid_online": _("Ordine pagato online"),
        "bookings.order_payment_failed": _("Pagamento online dell'ordine non riuscito"),
        "bookings.order_expired": _("Ordine scaduto senza pagamento"),
        "bookings.order_cancelled_by_buyer": _("Ordine annullato da chi lo ha fatto"),
        "bookings.order_cancelled": _("Ordine annullato dal fornitore"),
        "bookings.order_delivered": _("Ordine consegnato"),
        "bookings.order_partially_refunded": _("Ordine rimborsato in parte"),
        "bookings.order_refunded": _("Ordine rimborsato"),
        "bookings.order_late_payment_voided": _("Pagamento online arrivato tardi: annullato"),
    }
)

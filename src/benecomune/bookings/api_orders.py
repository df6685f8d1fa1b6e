"""Orders API, /api/v1/orders/...: a provider's device or integration token lists its orders
(`/received`), reads one, marks it delivered (capture), cancels it with a reason (release) and
refunds part of it. Calls that move money need an `Idempotency-Key` header (1-64 characters).
Errors are JSON `{"code": "...", "message": "..."}` with an Italian message. Another
provider's order is 404, before its body is read.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from ninja import Field, Header, Router, Schema, Status

from benecomune.api.auth import DeviceTokenAuth
from benecomune.api.main import ErrorOut, add_app_router
from benecomune.bookings.models import Order, OrderStatus
from benecomune.bookings.services import order_delivery
from benecomune.core.actors import Actor
from benecomune.core.middleware import client_ip

router = Router(tags=["ordini"], auth=DeviceTokenAuth())


class OrderOut(Schema):
    id: int
    status: str
    title: str
    quantity: int
    amount: int = Field(..., description="Totale in centesimi")
    due_at_provider: int = Field(..., description="Da incassare presso il fornitore, centesimi")
    captured: int
    refunded: int
    created_at: datetime.datetime


# Checked by the services (an Italian 400), after the order is found: another provider's
# order is a 404 whatever the body.
class CancelIn(Schema):
    reason: str = Field("", max_length=300, description="Obbligatorio: lo legge chi ha ordinato")


class RefundIn(Schema):
    amount: int | None = Field(None, description="Centesimi da rimborsare (obbligatorio)")
    reason: str = Field("", max_length=200, description="Obbligatorio")


def _out(order: Order) -> dict:
    intent = order.intent
    return {
        "id": order.pk,
        "status": order.status,
        "title": order.title,
        "quantity": order.quantity,
        "amount": order.amount,
        "due_at_provider": order.due_at_provider,
        "captured": intent.captured if intent else 0,
        "refunded": intent.refunded if intent else 0,
        "created_at": order.created_at,
    }


def _actor(request) -> Actor:
    return Actor.for_device(request.auth, client_ip(request))


def _own(request, pk: str) -> Order | None:
    if not pk.isdigit():
        return None
    return (
        Order.objects.select_related("intent")
        .filter(pk=int(pk), provider_id=request.auth.organization_id)
        .first()
    )


def _error(status: int, code: str, message: str):
    return Status(status, {"code": code, "message": message})


def _act(request, pk: str, key: str, step):
    if not key or len(key) > 64:
        return _error(400, "idempotency_key_missing", _("Manca l'intestazione Idempotency-Key."))
    order = _own(request, pk)
    if order is None:
        return _error(404, "not_found", _("Ordine inesistente."))
    try:
        order = step(_actor(request), order)
    except PermissionDenied:
        return _error(403, "forbidden", _("Il token non permette questa operazione."))
    except ValidationError as exc:
        return _error(400, "refused", " ".join(exc.messages))
    return Status(200, _out(Order.objects.select_related("intent").get(pk=order.pk)))


@router.get("/received", response={200: list[OrderOut], 401: ErrorOut, 403: ErrorOut})
def list_orders(request, status: str = ""):
    """The provider's last 100 orders (newest first), of one status when given."""
    if not _actor(request).has_perm("merchant.redeem", request.auth.organization_id):
        return _error(403, "forbidden", _("Il token non permette questa operazione."))
    rows = Order.objects.select_related("intent").filter(provider_id=request.auth.organization_id)
    if status in OrderStatus.values:
        rows = rows.filter(status=status)
    return Status(200, [_out(o) for o in rows.order_by("-created_at", "-pk")[:100]])


@router.get("/{pk}", response={200: OrderOut, 401: ErrorOut, 404: ErrorOut})
def get_order(request, pk: str):
    order = _own(request, pk)
    if order is None:
        return _error(404, "not_found", _("Ordine inesistente."))
    return Status(200, _out(order))


KEY = Header(None, alias="Idempotency-Key")
RESPONSES = {200: OrderOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut}


@router.post("/{pk}/deliver", response=RESPONSES)
def deliver(request, pk: str, idempotency_key: str | None = KEY):
    return _act(request, pk, idempotency_key, order_delivery.deliver)


@router.post("/{pk}/cancel", response=RESPONSES)
def cancel(request, pk: str, data: CancelIn, idempotency_key: str | None = KEY):
    return _act(
        request, pk, idempotency_key, lambda a, o: order_delivery.cancel(a, o, reason=data.reason)
    )


@router.post("/{pk}/refund", response=RESPONSES)
def refund(request, pk: str, data: RefundIn, idempotency_key: str | None = KEY):
    return _act(
        request,
        pk,
        idempotency_key,
        lambda a, o: order_delivery.refund(
            a, o, data.amount or 0, reason=data.reason, idempotency_key=f"api:{idempotency_key}"
        ),
    )


add_app_router("orders", router)

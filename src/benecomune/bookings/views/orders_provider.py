"""The provider's orders (/gestione/fornitore/ordini/): the list with a status filter and a
CSV export, one order with "Consegnato" (capture), "Annulla" with a reason (release) and a
partial refund after delivery. Another provider's order is not found (404)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from benecomune.bookings.models import Order, OrderStatus
from benecomune.bookings.order_forms import CancelForm, RefundForm
from benecomune.bookings.order_lifecycle import ORDER
from benecomune.bookings.order_receipt_pdf import receipt_pdf
from benecomune.bookings.services import order_delivery
from benecomune.bookings.views.orders_common import receipt_context
from benecomune.core.exports import csv_response
from benecomune.core.files import file_response
from benecomune.core.lists import choice, export, paged
from benecomune.ledger.money import format_decimal
from benecomune.marketplace.views.common import provider_page

PER_PAGE = 25


def _rows(provider, status):
    rows = Order.objects.filter(provider=provider).select_related("buyer", "intent")
    if status:
        rows = rows.filter(status=status)
    return rows.order_by("-created_at", "-pk")


def _csv(rows):
    header = [_("Numero"), _("Data"), _("Descrizione"), _("Quantità"), _("Totale"), _("Stato")]
    lines = (
        [
            order.number,
            order.created_at.date().isoformat(),
            order.title,
            order.quantity,
            format_decimal(order.amount),
            order.get_status_display(),
        ]
        for order in rows.iterator()
    )
    return csv_response(header, lines, "ordini.csv")


@provider_page
def provider_orders(request, provider):
    status = choice(request, "stato", OrderStatus)
    rows = _rows(provider, status)
    if (response := export(request, csv=lambda: _csv(rows))) is not None:
        return response
    listing = paged(request, rows, per_page=PER_PAGE)
    return render(
        request,
        "bookings/order_list_provider.html",
        {
            **listing.context(),
            "provider": provider,
            "status": status,
            "statuses": OrderStatus.choices,
        },
    )


def _own(provider, pk) -> Order:
    order = Order.objects.select_related("intent", "buyer").filter(provider=provider, pk=pk).first()
    if order is None:
        raise Http404
    return order


def _page(request, order, *, cancel_form=None, refund_form=None, status=200):
    return render(
        request,
        "bookings/order_detail_provider.html",
        {
            **receipt_context(order),
            "can_deliver": ORDER.find(order.status, OrderStatus.DELIVERED) is not None,
            "can_cancel": ORDER.find(
                order.status, OrderStatus.CANCELLED, "bookings.order_cancelled"
            )
            is not None,
            "cancel_form": cancel_form or CancelForm(),
            "refund_form": refund_form or RefundForm(),
        },
        status=status,
    )


@provider_page
def provider_order(request, provider, pk):
    return _page(request, _own(provider, pk))


def _run(request, step, success: str) -> bool:
    try:
        step()
    except (ValidationError, PermissionDenied) as exc:
        text = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        messages.error(request, text or _("Non ha i permessi per questa operazione."))
        return False
    messages.success(request, success() if callable(success) else success)
    return True


@provider_page
def provider_order_receipt(request, provider, pk):
    return file_response(receipt_pdf(_own(provider, pk)))


@provider_page
@require_POST
def provider_order_deliver(request, provider, pk):
    order = _own(provider, pk)
    _run(
        request,
        lambda: order_delivery.deliver(request.actor, order),
        _("Ordine segnato come consegnato: il pagamento è incassato."),
    )
    return redirect("bookings:provider_order", pk=order.pk)


@provider_page
@require_POST
def provider_order_cancel(request, provider, pk):
    order = _own(provider, pk)
    form = CancelForm(request.POST)
    if not form.is_valid():
        return _page(request, order, cancel_form=form, status=400)
    reason = form.cleaned_data["reason"]
    if _run(
        request,
        lambda: order_delivery.cancel(request.actor, order, reason=reason),
        _("Ordine annullato: i buoni di chi ha ordinato sono di nuovo disponibili."),
    ):
        return redirect("bookings:provider_order", pk=order.pk)
    return _page(request, _own(provider, pk), cancel_form=form, status=400)


@provider_page
@require_POST
def provider_order_refund(request, provider, pk):
    order = _own(provider, pk)
    form = RefundForm(request.POST)
    if not form.is_valid():
        return _page(request, order, refund_form=form, status=400)
    data = form.cleaned_data
    before = order_delivery.refunded_by_source(order)
    if _run(
        request,
        lambda: order_delivery.refund(
            request.actor,
            order,
            data["amount"],
            reason=data["reason"],
            idempotency_key=data["key"],
        ),
        # Where the money went: the wallets, the card or both, from the refund's legs.
        lambda: order_delivery.refund_done_message(
            before, order_delivery.refunded_by_source(order)
        ),
    ):
        return redirect("bookings:provider_order", pk=order.pk)
    return _page(request, _own(provider, pk), refund_form=form, status=400)

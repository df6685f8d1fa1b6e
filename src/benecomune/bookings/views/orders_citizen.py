"""The citizen's orders: the checkout of a service (/area-personale/ordini/nuovo/<service>/),
"I miei ordini" and the receipt of one order (how much each wallet paid), with its
cancellation while allowed. Another person's order is not found (404)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from benecomune.bookings import order_queries
from benecomune.bookings.models import Order, OrderStatus, OwnMoney
from benecomune.bookings.order_forms import CancelForm, CheckoutForm
from benecomune.bookings.order_lifecycle import ORDER
from benecomune.bookings.order_receipt_pdf import receipt_pdf
from benecomune.bookings.services import order_options, orders
from benecomune.bookings.views.orders_common import receipt_context
from benecomune.core.actors import Actor
from benecomune.core.files import file_response
from benecomune.core.forms_helpers import add_errors
from benecomune.core.lists import choice, paged
from benecomune.core.views.decorators import citizen_required
from benecomune.marketplace.models import Service, ServiceVariant
from benecomune.marketplace.services.public_catalogue import person_of

PER_PAGE = 20


def citizen_actor(request) -> Actor:
    """The citizen themselves, whatever staff role the switcher holds."""
    return Actor(user=request.user, ip_address=getattr(request.actor, "ip_address", None))


def _service(pk) -> Service:
    service = order_queries.service_for_checkout(pk)
    if service is None:
        raise Http404
    return service


def _variant(service, value) -> ServiceVariant | None:
    if not value:
        return None
    if not str(value).isdigit():
        raise Http404
    variant = order_queries.variants_of(service).filter(pk=int(value)).first()
    if variant is None:
        raise Http404
    return variant


def _quantity(value) -> int:
    return int(value) if str(value or "").isdigit() else 1


@citizen_required
def order_new(request, service_pk):
    service = _service(service_pk)
    person = person_of(request.user)
    params = request.POST if request.method == "POST" else request.GET
    if request.method == "POST" and (done := orders.submitted(person, params.get("key"))):
        return _after_placing(request, done)
    variant = _variant(service, params.get("variante"))
    quantity = _quantity(params.get("quantita"))
    try:
        offer = order_options.offer_for(person, service, variant, quantity)
    except ValidationError as exc:
        return render(
            request,
            "bookings/order_refused.html",
            {"service": service, "reasons": exc.messages},
            status=200,
        )
    form = CheckoutForm(request.POST or None, offer=offer)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            order = orders.place_order(
                citizen_actor(request),
                buyer=person,
                service=service,
                variant=variant,
                quantity=quantity,
                split=data["split"],
                own_amount=data["own_cents"],
                own_money=data["own_money"] if data["own_cents"] else OwnMoney.NONE,
                idempotency_key=data["key"],
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            return _after_placing(request, order)
    return render(
        request,
        "bookings/order_checkout.html",
        {
            "service": service,
            "offer": offer,
            "form": form,
            "variants": list(order_queries.variants_of(service)),
            "max_quantity": order_options.MAX_QUANTITY,
        },
    )


def _after_placing(request, order: Order):
    if order.status == OrderStatus.AWAITING_PAYMENT:
        return redirect(payment_page_url(order))
    messages.success(request, _("Ordine confermato."))
    return redirect("bookings:my_order", pk=order.pk)


def payment_page_url(order: Order) -> str:
    from django.urls import reverse

    from benecomune.bookings.services.order_payment import online_leg

    leg = online_leg(order)
    return reverse("bookings:fake_hosted_page", args=[leg.reference])


def _own(request, pk) -> Order:
    order = order_queries.order_of_person(request.user.person_id, pk)
    if order is None:
        raise Http404
    return order


@citizen_required
def my_orders(request):
    status = choice(request, "stato", OrderStatus)
    rows = order_queries.orders_of_person(request.user.person_id)
    if status:
        rows = rows.filter(status=status)
    listing = paged(request, rows.order_by("-created_at", "-pk"), per_page=PER_PAGE)
    return render(
        request,
        "bookings/order_list_citizen.html",
        {**listing.context(), "status": status, "statuses": OrderStatus.choices},
    )


def _can_cancel(order) -> bool:
    return bool(
        ORDER.find(order.status, OrderStatus.CANCELLED, "bookings.order_cancelled_by_buyer")
    )


def _review(order: Order) -> dict:
    """After delivery: the link to review the purchase, or the review already written. An order
    with a payment intent is reviewed through it; one paid at the provider, as the order."""
    if order.status != OrderStatus.DELIVERED:
        return {}
    from benecomune.bookings.purchase_source import ORDER_SOURCE
    from benecomune.marketplace.purchase_sources import INTENT_SOURCE
    from benecomune.marketplace.review_queries import review_of_purchase

    kind, source_id = (
        (INTENT_SOURCE, str(order.intent_id)) if order.intent_id else (ORDER_SOURCE, str(order.pk))
    )
    existing = review_of_purchase(kind, source_id)
    if existing is not None:
        return {"review": existing}
    return {"review_url": reverse("marketplace:my_review_new", args=[kind, source_id])}


@citizen_required
def my_order(request, pk):
    order = _own(request, pk)
    return render(
        request,
        "bookings/order_detail_citizen.html",
        {
            **receipt_context(order),
            **_review(order),
            "can_cancel": _can_cancel(order),
            "cancel_form": CancelForm(),
            "payment_url": payment_page_url(order)
            if order.status == OrderStatus.AWAITING_PAYMENT
            else "",
        },
    )


@citizen_required
def my_order_receipt(request, pk):
    return file_response(receipt_pdf(_own(request, pk)))


@citizen_required
@require_POST
def my_order_cancel(request, pk):
    order = _own(request, pk)
    try:
        orders.cancel_by_buyer(citizen_actor(request), order, reason=request.POST.get("reason", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Ordine annullato: i buoni sono di nuovo disponibili."))
    return redirect("bookings:my_order", pk=order.pk)

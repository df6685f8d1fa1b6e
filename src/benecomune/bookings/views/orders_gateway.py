"""The local fake payment provider's pages (demo and tests): its hosted payment page, where
the buyer pays or gives up, and the platform's webhook endpoint, where the provider's signed
notifications arrive.

The hosted page stands for the provider's site: it signs a notification with the shared
secret and hands it to the same code the webhook endpoint runs (a real provider POSTs it to
/pagamenti/notifiche/prova/), then sends the buyer back to the order (the return address).
"""

import contextlib
import logging
import uuid

from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from benecomune.bookings import order_queries
from benecomune.bookings.models import Order
from benecomune.bookings.services.order_payment import NotificationRefused, handle_notification
from benecomune.payments import fake_hosted
from benecomune.payments.models import PaymentLeg

logger = logging.getLogger(__name__)


def _leg(reference) -> tuple[PaymentLeg, Order]:
    leg, order = order_queries.hosted_leg(reference)
    if order is None:
        raise Http404
    return leg, order


@login_required
def hosted_page(request, reference):
    """The provider's page: amount, "Paga" and "Annulla". Only the buyer's browser reaches it
    (a real provider's page is behind the card holder's own authentication)."""
    leg, order = _leg(reference)
    if order.buyer_id != request.user.person_id:
        raise Http404
    if request.method == "POST":
        kind = fake_hosted.SUCCEEDED if "pay" in request.POST else fake_hosted.FAILED
        body, signature = fake_hosted.signed_event(
            event_id=f"evt_{uuid.uuid4().hex}",
            kind=kind,
            reference=leg.reference,
            order=str(order.pk),
            amount=leg.amount,
        )
        with contextlib.suppress(NotificationRefused):  # the order page says where it stands
            handle_notification(body, signature)
        return redirect("bookings:my_order", pk=order.pk)
    return render(request, "bookings/order_fake_hosted.html", {"leg": leg, "order": order})


@csrf_exempt
@require_POST
def webhook(request):
    """The provider's notifications: 200 when taken (or already taken), 400 when refused."""
    signature = request.META.get(fake_hosted.SIGNATURE_HEADER, "")
    try:
        outcome = handle_notification(request.body, signature)
    except NotificationRefused as exc:
        # Kept for the operators: a wrong secret or someone trying notifications by hand.
        logger.warning("Payment notification refused: %s", exc.message)
        return JsonResponse({"ok": False, "message": exc.message}, status=400)
    return JsonResponse({"ok": True, "outcome": outcome})

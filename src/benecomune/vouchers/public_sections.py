"""The Comune's public page: where its vouchers are spent, and how a shop joins.

For each voucher of a call still in use, the shops where it is valid, from the same service
as the call's page and the beneficiary's "Dove spenderlo" page
(`services.where.shops_where_valid`); with no voucher in use, the circuit's shops."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from benecomune.vouchers.services.where import shops_where_valid


def _voucher_calls(organization) -> list:
    """Voucher calls shown on this page whose vouchers are (or will be) spendable."""
    from benecomune.calls.models import CallStatus
    from benecomune.calls.views.public import public_calls

    today = timezone.localdate()
    calls = public_calls(
        organization,
        [CallStatus.PUBLISHED, CallStatus.CLOSED, CallStatus.RANKED, CallStatus.AWARDED],
    ).select_related("fund", "organization")
    return [
        c
        for c in calls.order_by("-opens_at", "pk")
        if c.is_voucher_like and not (c.spend_until and c.spend_until < today)
    ]


def circuit_shops(request, organization):
    vouchers = [
        {
            "call": call,
            "url": reverse("calls:public_call", args=[organization.slug, call.code]),
            "shops": shops_where_valid(call),
        }
        for call in _voucher_calls(organization)
    ]
    return {
        "title": _("Negozi dove si spendono i buoni"),
        "template": "vouchers/public/_section.html",
        "vouchers": vouchers,
        "shops": [] if vouchers else shops_where_valid(organization),
        "signup_url": reverse("vouchers:signup"),
    }

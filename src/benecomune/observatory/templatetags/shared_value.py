"""Shared value lines for other apps' pages: `{% load shared_value %}` then
`{% redemption_gift redemption %}` (the till's receipt), `{% order_gift order %}` (an order's
receipt), `{% shop_projects provider %}` (a shop's public page). Nothing is shown when no
share was given (or the shop chose not to be named)."""

from django import template

from benecomune.observatory.services import shared_value_display as display

register = template.Library()

GIFT = "observatory/shared_value/_gift.html"


@register.inclusion_tag(GIFT)
def redemption_gift(redemption):
    return {"gifts": display.gifts_of_payments([redemption.transfer_id])}


@register.inclusion_tag(GIFT)
def order_gift(order):
    from benecomune.payments.models import LegCapture

    if order.intent_id is None:
        return {"gifts": []}
    payments = LegCapture.objects_unscoped.filter(leg__intent_id=order.intent_id).values_list(
        "payment_id", flat=True
    )
    return {"gifts": display.gifts_of_payments(payments)}


@register.inclusion_tag("observatory/shared_value/_shop.html")
def shop_projects(provider):
    return {"projects": display.shop_projects(provider)}

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
    return {"gifts": display.gifts_of_redemption(redemption)}


@register.inclusion_tag(GIFT)
def order_gift(order):
    return {"gifts": display.gifts_of_order(order)}


@register.inclusion_tag("observatory/shared_value/_shop.html")
def shop_projects(provider):
    """The projects the shop supports now, then those it supported (shared_value_supporters)."""
    rows = display.shop_projects(provider)
    return {
        "current": [row for row in rows if row["current"]],
        "past": [row for row in rows if not row["current"]],
    }


@register.simple_tag
def party_page(organization):
    """The public page of a project's party: the network's or the Comune's."""
    from django.urls import reverse

    name = "sv_network" if organization.kind == "network" else "sv_comune"
    return reverse(f"observatory:{name}", args=[organization.pk])

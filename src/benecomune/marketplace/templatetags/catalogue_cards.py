"""The result cards of the catalogue (search, home, provider page), built in Python.

Twenty cards through `{% include %}` (each with the price's include and two `{% url %}`) were
about a third of a search page's rendering time; here a list of cards is one tag, with the
two URL prefixes reversed once per list. The markup is the one the pages and their tests read:
an `<article data-testid="service">` with the title linking the service page, the category
and delivery, the price and the provider's link, the first 30 words of the description."""

from django import template
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator

from benecomune.ledger.money import format_euro
from benecomune.marketplace.models import Delivery, PriceKind, PriceUnit, ServiceType, UserArea

register = template.Library()

_CARD = (
    '<article class="border-bottom py-3" data-testid="service">'
    '<h3 class="h5 mb-1"><a href="{}">{}</a></h3>'
    '<p class="mb-1 small">{} · {}</p>'
    '<p class="mb-1">{}{}</p>'
    "{}</article>"
)


def _labels(choices) -> dict:
    """Value -> label in the active language, once per list: a model's `get_FOO_display()`
    hashes every lazy label of the field on each call (a translation lookup each)."""
    return {value: str(label) for value, label in choices.choices}


def price_text(service, labels: dict) -> str:
    if service.price_kind == PriceKind.PRICED:
        unit = labels["unit"].get(service.price_unit, "")
        return f"{format_euro(service.price)} {unit}".strip()
    return labels["kind"].get(service.price_kind, "")


def _card(service, service_prefix: str, provider_prefix: str, labels: dict):
    provider = service.provider
    category = (
        f"{labels['area'].get(service.user_area, '')} — "
        f"{labels['type'].get(service.service_type, '')}"
    )
    provider_link = (
        format_html(' · <a href="{}{}/">{}</a>', provider_prefix, provider.slug, provider.name)
        if provider
        else ""
    )
    description = (
        format_html('<p class="mb-0 small">{}</p>', Truncator(service.description).words(30))
        if service.description
        else ""
    )
    return format_html(
        _CARD,
        f"{service_prefix}{service.pk}/",
        service.title,
        category,
        labels["delivery"].get(service.delivery, ""),
        price_text(service, labels),
        provider_link,
        description,
    )


@register.simple_tag
def service_cards(services, organization):
    """The cards of `services` (with their providers selected) under `organization`'s pages."""
    # The URLs of id 0 and slug "x", cut before it: one reverse per list, not two per card.
    service_prefix = reverse("marketplace:catalogue_service", args=[organization.slug, 0])[:-2]
    provider_prefix = reverse("marketplace:catalogue_provider", args=[organization.slug, "x"])[:-2]
    labels = {
        "area": _labels(UserArea),
        "type": _labels(ServiceType),
        "delivery": _labels(Delivery),
        "unit": _labels(PriceUnit),
        "kind": _labels(PriceKind),
    }
    cards = ((_card(s, service_prefix, provider_prefix, labels),) for s in services)
    return format_html_join("\n", "{}", cards)

"""Sections of a Comune's (or network's) public page: "Servizi del territorio" (how many
services, the link to the catalogue, a few featured services of social cooperatives) and
"Negozi del distretto" (how many shops, a link to the directory and a few current
promotions)."""

from django.utils.translation import gettext as _

from benecomune.core.models import ProviderKind
from benecomune.marketplace.services import directory
from benecomune.marketplace.services.promotions import current
from benecomune.marketplace.services.search import public_services

PROMOTIONS_SHOWN = 3
SERVICES_SHOWN = 3


def catalogue_section(request, organization):
    rows = public_services(organization)
    count = rows.count()
    if not count:
        return None
    featured = list(
        rows.filter(provider__provider_kind=ProviderKind.SOCIAL_COOPERATIVE).order_by(
            "-published_at", "-pk"
        )[:SERVICES_SHOWN]
    )
    return {
        "title": _("Servizi del territorio"),
        "template": "marketplace/catalogue/_section.html",
        "organization": organization,
        "services": count,
        "featured": featured,
    }


def district_section(request, organization):
    shops = directory.district_shops(organization)
    count = shops.count()
    if not count:
        return None
    promotions = list(
        current(shops.values_list("pk", flat=True))
        .select_related("provider", "provider__municipality")
        .order_by("-published_at", "-pk")[:PROMOTIONS_SHOWN]
    )
    return {
        "title": _("Negozi del distretto"),
        "template": "marketplace/district/_section.html",
        "organization": organization,
        "shops": count,
        "promotions": promotions,
    }

"""The section "Negozi del distretto" of a Comune's (or network's) public page: how many shops,
a link to the directory and a few current promotions."""

from django.utils.translation import gettext as _

from benecomune.marketplace.services import directory
from benecomune.marketplace.services.promotions import current

PROMOTIONS_SHOWN = 3


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

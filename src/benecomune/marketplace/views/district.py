"""Public pages of a Comune's commerce district (and of a network's, listing its Comuni's):
the directory of shops by category and a shop's page with address, opening hours, current
promotions and whether it takes the Comune's vouchers. Nothing private shows (no staff, no
IBAN): rows are read unscoped with explicit filters, as the calls' public pages do."""

from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from benecomune.core.lists import choice, paged
from benecomune.core.models import MerchantCategory, Municipality, OrganizationKind
from benecomune.core.views.public import public_organization
from benecomune.marketplace.district_forms import CategoryFilterForm
from benecomune.marketplace.jsonld import json_ld
from benecomune.marketplace.services import directory
from benecomune.marketplace.services.districts import (
    closures_of,
    has_hours,
    is_open,
    local_now,
    week_of,
)
from benecomune.marketplace.services.promotions import current
from benecomune.marketplace.views.common import public_image

PER_PAGE = 20
SCHEMA_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def shop_cards(shops, *, now=None) -> list[dict]:
    """Each shop with its week, closures, "open now", current promotions and vouchers."""
    now = local_now(now)
    ids = [s.pk for s in shops]
    weeks = week_of(ids)
    closures = closures_of(ids, from_day=now.date())
    promotions: dict[int, list] = {}
    for promotion in current(ids, on=now.date()):
        promotions.setdefault(promotion.provider_id, []).append(promotion)
    accepting = directory.accepting_ids(shops)
    return [
        {
            "shop": shop,
            "week": weeks[shop.pk],
            "has_hours": has_hours(weeks[shop.pk]),
            "open": is_open(weeks[shop.pk], closures[shop.pk], now),
            "closures": closures[shop.pk],
            "promotions": promotions.get(shop.pk, []),
            "accepts_vouchers": shop.pk in accepting,
        }
        for shop in shops
    ]


def directory_page(request, slug):
    org = public_organization(slug)
    categories = directory.categories_in(org)
    category = choice(request, "categoria", MerchantCategory)
    form = CategoryFilterForm({"categoria": category}, categories=categories)
    listing = paged(
        request,
        directory.district_shops(org, category),
        per_page=PER_PAGE,
        querystring=f"categoria={category}" if category else "",
        prepare=shop_cards,
    )
    towns = []
    if org.kind == OrganizationKind.NETWORK:
        towns = [
            (town, directory.district_shops(town).count())
            for town in Municipality.objects.filter(
                pk__in=directory.municipality_ids(org)
            ).order_by("name")
        ]
    return render(
        request,
        "marketplace/district/directory.html",
        {
            **listing.context(),
            "organization": org.specific,
            "form": form,
            "category": category,
            "towns": towns,
        },
    )


def _shop(org, shop_slug):
    shop = directory.district_shops(org).filter(slug=shop_slug).first()
    if shop is None:
        raise Http404
    return shop


def structured_data(request, card) -> str:
    """schema.org LocalBusiness with its opening hours, as an escaped JSON-LD script."""
    shop = card["shop"]
    data = {
        "@context": "https://schema.org",
        "@type": "LocalBusiness",
        "name": shop.name,
        "url": request.build_absolute_uri(),
        "address": {
            "@type": "PostalAddress",
            "streetAddress": shop.address,
            "addressLocality": shop.municipality.name if shop.municipality else "",
            "addressRegion": getattr(shop.municipality, "province", ""),
            "addressCountry": "IT",
        },
        "openingHoursSpecification": [
            {
                "@type": "OpeningHoursSpecification",
                "dayOfWeek": f"https://schema.org/{SCHEMA_DAYS[day.weekday]}",
                "opens": f"{opens:%H:%M}",
                "closes": f"{closes:%H:%M}",
            }
            for day in card["week"]
            for opens, closes in day.slots
        ],
    }
    if shop.phone:
        data["telephone"] = shop.phone
    return json_ld(data)


def shop_page(request, slug, shop_slug):
    org = public_organization(slug)
    card = shop_cards([_shop(org, shop_slug)])[0]
    return render(
        request,
        "marketplace/district/shop.html",
        {
            "organization": org.specific,
            "card": card,
            "shop": card["shop"],
            "structured_data": structured_data(request, card),
        },
    )


@require_GET
def promotion_image(request, slug, shop_slug, pk):
    """The image of a promotion the public sees (published, within its dates); else 404."""
    org = public_organization(slug)
    shop = _shop(org, shop_slug)
    promotion = current([shop]).filter(pk=pk).first()
    if promotion is None:
        raise Http404
    return public_image(promotion.image, promotion.image_type)

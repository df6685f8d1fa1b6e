"""schema.org data of the catalogue's public pages: a `Service` (a shop's goods: a `Product`)
with its provider, offer (price in EUR; none when the price is on request) and the Comuni it
serves; a provider as an `Organization` (a shop: `LocalBusiness`); with published reviews,
their `AggregateRating` and `Review`s. Rendered by `jsonld.json_ld`, escaped."""

from decimal import Decimal

from django.urls import reverse

from benecomune.core.models import Municipality
from benecomune.marketplace.jsonld import json_ld
from benecomune.marketplace.models import Delivery, PriceKind, ServiceType
from benecomune.marketplace.queries import network_id_of


def _euro(cents: int) -> str:
    return str((Decimal(cents) / 100).quantize(Decimal("0.01")))


def _address(provider) -> dict:
    municipality = provider.municipality
    return {
        "@type": "PostalAddress",
        "streetAddress": provider.address,
        "addressLocality": municipality.name if municipality else "",
        "addressRegion": getattr(municipality, "province", ""),
        "addressCountry": "IT",
    }


def _provider_ref(request, org, provider) -> dict:
    return {
        "@type": "LocalBusiness" if provider.provider_kind == "shop" else "Organization",
        "name": provider.name,
        "url": request.build_absolute_uri(
            reverse("marketplace:catalogue_provider", args=[org.slug, provider.slug])
        ),
        "address": _address(provider),
    }


def _areas(org, service) -> list[dict]:
    """The Comuni where the service is offered (online: none named, anywhere)."""
    if service.delivery == Delivery.ONLINE:
        return []
    served = list(service.municipalities_served.all())
    if not served:
        served = list(
            Municipality.objects.filter(network_id=network_id_of(org), is_active=True).order_by(
                "name"
            )
        )
    return [{"@type": "City", "name": m.name} for m in served]


def service_dict(request, org, service) -> dict:
    is_product = service.service_type == ServiceType.GOODS
    data = {
        "@context": "https://schema.org",
        "@type": "Product" if is_product else "Service",
        "name": service.title,
        "description": service.description,
        "url": request.build_absolute_uri(
            reverse("marketplace:catalogue_service", args=[org.slug, service.pk])
        ),
        "category": service.category_label,
    }
    provider = _provider_ref(request, org, service.provider)
    if is_product:
        data["brand"] = provider
    else:
        data["provider"] = provider
        areas = _areas(org, service)
        if areas:
            data["areaServed"] = areas
    if service.price_kind in (PriceKind.PRICED, PriceKind.FREE):
        data["offers"] = {
            "@type": "Offer",
            "price": _euro(service.price) if service.price_kind == PriceKind.PRICED else "0.00",
            "priceCurrency": "EUR",
            "availability": "https://schema.org/InStock",
        }
    return data


def rating_dict(rating, reviews) -> dict:
    """`aggregateRating` and `review` of the published reviews; nothing without reviews.
    The author as the page shows them: first name and initial."""
    if not rating.count:
        return {}
    return {
        "aggregateRating": {
            "@type": "AggregateRating",
            "ratingValue": str(rating.average),
            "reviewCount": rating.count,
            "bestRating": 5,
            "worstRating": 1,
        },
        "review": [
            {
                "@type": "Review",
                "author": {"@type": "Person", "name": review.reviewer_name},
                "datePublished": review.created_at.date().isoformat(),
                "reviewRating": {
                    "@type": "Rating",
                    "ratingValue": review.rating,
                    "bestRating": 5,
                    "worstRating": 1,
                },
                **({"reviewBody": review.comment} if review.comment else {}),
            }
            for review in reviews
        ],
    }


def service_data(request, org, service, rating=None, reviews=()):
    data = service_dict(request, org, service)
    if rating is not None:
        data.update(rating_dict(rating, reviews))
    return json_ld(data)


def provider_data(request, org, provider, services, rating=None, reviews=()):
    profile = provider.marketplace_profile
    data = {"@context": "https://schema.org", **_provider_ref(request, org, provider)}
    if profile.description:
        data["description"] = profile.description
    if profile.website:
        data["sameAs"] = [profile.website]
    if profile.contact_email:
        data["email"] = profile.contact_email
    phone = profile.contact_phone or provider.phone
    if phone:
        data["telephone"] = phone
    if services:
        data["makesOffer"] = [
            {
                "@type": "Offer",
                "itemOffered": {"@type": "Service", "name": s.title},
                "url": request.build_absolute_uri(
                    reverse("marketplace:catalogue_service", args=[org.slug, s.pk])
                ),
            }
            for s in services
        ]
    if rating is not None:
        data.update(rating_dict(rating, reviews))
    return json_ld(data)

"""Public pages of the catalogue under a Comune's (or network's) slug: the home with categories
and featured services of social cooperatives, the search, a service's page, a provider's page,
and their public images. Only what `services.search.public_services` shows is reachable:
anything else (a draft, an archived service, a provider whose profile is not published, another
network's) answers 404, images included. Nothing private shows (no IBAN, no staff)."""

from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from benecomune.core.lists import filter_form, paged
from benecomune.core.models import Municipality, ProviderKind
from benecomune.core.page_cache import cache_public_page
from benecomune.core.views.decorators import citizen_required
from benecomune.core.views.public import public_organization
from benecomune.marketplace.models import ImageKind, ServiceType, UserArea
from benecomune.marketplace.page_cache_signals import CATALOGUE_PAGES
from benecomune.marketplace.queries import (
    SERVICE_OBJECT_TYPE,
    accredited,
    is_accredited,
    network_id_of,
)
from benecomune.marketplace.review_queries import provider_reviews, service_reviews
from benecomune.marketplace.search_forms import SearchForm
from benecomune.marketplace.services import public_catalogue as reads
from benecomune.marketplace.services.offer import offer_refusal
from benecomune.marketplace.services.search import public_services, search, spendable_wallets
from benecomune.marketplace.structured import provider_data, service_data
from benecomune.marketplace.views.common import public_image
from benecomune.payments.services.planning import wallet_refusal

PER_PAGE = 20
FEATURED = 6


def _municipalities(org):
    return Municipality.objects.filter(network_id=network_id_of(org), is_active=True).order_by(
        "name"
    )


@require_GET
@cache_public_page(CATALOGUE_PAGES)
def catalogue_home(request, slug):
    org = public_organization(slug, request)
    rows = public_services(org)
    featured = list(
        rows.filter(provider__provider_kind=ProviderKind.SOCIAL_COOPERATIVE)
        .select_related("provider")
        .order_by("-published_at", "-pk")[:FEATURED]
    )
    return render(
        request,
        "marketplace/catalogue/home.html",
        {
            "organization": org.specific,
            "total": rows.count(),
            "areas": reads.category_counts(rows, "user_area", UserArea),
            "types": reads.category_counts(rows, "service_type", ServiceType),
            "featured": featured,
        },
    )


@require_GET
@cache_public_page(CATALOGUE_PAGES)
def catalogue_search(request, slug):
    org = public_organization(slug, request)
    person = reads.person_of(request.user)
    form = filter_form(request, SearchForm, municipalities=_municipalities(org), person=person)
    form.is_valid()  # a wrong field shows its error; the others still filter
    rows = search(org, form.filters()).select_related("provider")
    listing = paged(request, rows, per_page=PER_PAGE, form=form)
    return render(
        request,
        "marketplace/catalogue/search.html",
        {**listing.context(), "organization": org.specific, "person": person},
    )


def _service(org, pk):
    service = reads.public_service(org, pk)
    if service is None:
        raise Http404
    return service


def _provider(org, provider_slug):
    provider = reads.public_provider(org, provider_slug)
    if provider is None:
        raise Http404
    return provider


@require_GET
def service_page(request, slug, pk):
    org = public_organization(slug, request)
    service = _service(org, pk)
    on = timezone.localdate()
    person = reads.person_of(request.user)
    wallets = []
    if person is not None:
        # What the checkout will say: the wallet's own spending policy (a food voucher's
        # merchant categories), then the service's purchase rule.
        wallets = [
            (
                wallet,
                wallet_refusal(wallet, service.provider, on, SERVICE_OBJECT_TYPE, str(service.pk)),
            )
            for wallet in spendable_wallets(person, on=on)
        ]
    area_accredited = bool(service.accreditation_area) and is_accredited(
        service.provider, org, area=service.accreditation_area, on=on
    )
    rating, shown = service_reviews(service)
    return render(
        request,
        "marketplace/catalogue/service.html",
        {
            "organization": org.specific,
            "service": service,
            "provider": service.provider,
            "profile": service.provider.marketplace_profile,
            "photos": reads.photos_of(service),
            "variants": reads.variants_of(service),
            "accredited": area_accredited,
            "payments": reads.payment_lines(service, org, on),
            "person": person,
            "offer_refusal": offer_refusal(service, person) if person else None,
            "wallets": wallets,
            "rating": rating,
            "reviews": shown,
            "structured_data": service_data(request, org, service, rating, shown),
        },
    )


@require_GET
def provider_page(request, slug, provider_slug):
    org = public_organization(slug, request)
    provider = _provider(org, provider_slug)
    images = list(reads.images_of(provider))
    services = list(public_services(org).filter(provider=provider).order_by("title", "pk"))
    rating, shown = provider_reviews(provider)
    return render(
        request,
        "marketplace/catalogue/provider.html",
        {
            "organization": org.specific,
            "provider": provider,
            "profile": provider.marketplace_profile,
            "logo": next((i for i in images if i.kind == ImageKind.LOGO), None),
            "photos": [i for i in images if i.kind == ImageKind.PHOTO],
            "services": services,
            "accreditations": list(accredited(provider, org).order_by("area")),
            "rating": rating,
            "reviews": shown,
            "structured_data": provider_data(request, org, provider, services, rating, shown),
        },
    )


@require_GET
def service_photo(request, slug, pk, photo_pk):
    """A photo of a service the public sees; a draft's, an archived one's: 404."""
    service = _service(public_organization(slug, request), pk)
    photo = reads.photos_of(service).filter(pk=photo_pk).first()
    if photo is None:
        raise Http404
    return public_image(photo.file, photo.content_type)


@require_GET
def provider_image(request, slug, provider_slug, pk):
    """A logo or photo of a published profile (never a document of its accreditation)."""
    provider = _provider(public_organization(slug, request), provider_slug)
    image = reads.images_of(provider).filter(pk=pk).first()
    if image is None:
        raise Http404
    return public_image(image.file, image.content_type)


@citizen_required
def my_catalogue(request):
    """The citizen's entry: the catalogue of the Comune where they live (else the first
    Comune of a network)."""
    person = reads.person_of(request.user)
    residence = getattr(person, "residence", None)
    if residence is not None and residence.network_id:
        return redirect("marketplace:catalogue_home", residence.slug)
    town = Municipality.objects.filter(is_active=True, network__isnull=False).first()
    if town is None:
        raise Http404
    return redirect("marketplace:catalogue_home", town.slug)

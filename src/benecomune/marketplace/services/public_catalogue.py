"""What the catalogue's public pages read, all inside `search.public_services` (published
services of active providers with a published profile, of the page's network): a service, a
provider, their photos, variants and images, the categories with their counts, and who pays a
service in plain Italian. Unscoped reads with explicit filters, as every public page does:
nothing here is a tenant's private row."""

import datetime

from django.db.models import Count
from django.utils.translation import gettext as _

from benecomune.core.models import Person, Provider
from benecomune.marketplace.models import (
    ProviderImage,
    PublicationStatus,
    Service,
    ServicePhoto,
    ServiceVariant,
)
from benecomune.marketplace.queries import is_accredited, network_id_of
from benecomune.marketplace.services.search import public_services


def person_of(user) -> Person | None:
    """The logged-in citizen's person (with their Comune), or None."""
    if not user.is_authenticated or user.person_id is None:
        return None
    return Person.objects_unscoped.select_related("residence").filter(pk=user.person_id).first()


def category_counts(rows, field: str, enum) -> list[dict]:
    """The values of `enum` present in `rows`, in the enum's order, with their counts."""
    counts = dict(rows.order_by().values_list(field).annotate(n=Count("pk")))
    return [
        {"value": value, "label": label, "count": counts[value]}
        for value, label in enum.choices
        if counts.get(value)
    ]


def public_service(organization, pk) -> Service | None:
    return (
        public_services(organization)
        .select_related("provider", "provider__municipality", "provider__marketplace_profile")
        .prefetch_related("municipalities_served")
        .filter(pk=pk)
        .first()
    )


def public_provider(organization, slug: str) -> Provider | None:
    return (
        Provider.objects.filter(
            slug=slug,
            is_active=True,
            network_id=network_id_of(organization),
            marketplace_profile__publication=PublicationStatus.PUBLISHED,
        )
        .select_related("municipality", "marketplace_profile")
        .first()
    )


def photos_of(service: Service):
    return ServicePhoto.objects_unscoped.filter(service=service).order_by("pk")


def variants_of(service: Service):
    return ServiceVariant.objects_unscoped.filter(service=service)


def images_of(provider: Provider):
    return ProviderImage.objects_unscoped.filter(provider=provider).order_by("pk")


def payment_lines(service: Service, organization, on: datetime.date) -> list[dict]:
    """Who pays the service, in plain Italian, and whether it holds today (the rule of
    queries.service_payment_refusal, told for the network rather than for one wallet)."""
    lines = []
    area_ok = bool(service.accreditation_area) and is_accredited(
        service.provider, organization, area=service.accreditation_area, on=on
    )
    if service.accepts_public:
        lines.append(
            {
                "ok": area_ok,
                "text": _("i contributi e i buoni dei Comuni della rete")
                if area_ok
                else _(
                    "i contributi e i buoni dei Comuni: non ora, perché il fornitore non è "
                    "accreditato in quest'area"
                ),
            }
        )
    if service.accepts_company:
        ok = area_ok and bool(service.art51_category)
        lines.append(
            {
                "ok": ok,
                "text": _("il welfare aziendale (%(category)s, art. 51 TUIR)")
                % {"category": service.get_art51_category_display()}
                if ok
                else _("il welfare aziendale: non ora, perché il fornitore non è accreditato"),
            }
        )
    if service.accepts_own:
        lines.append({"ok": True, "text": _("denaro proprio (ricarica o carta di pagamento)")})
    return lines

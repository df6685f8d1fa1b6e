"""A conversation about a service of the catalogue ("Scrivi al fornitore" on the service's
page): the thread registry (subjects.py) resolves `marketplace.service:<id>` here. Only a
service the public pages show can be a new subject; one archived later leaves the thread
without its link."""

from django.urls import reverse

from benecomune.marketplace.services.public_catalogue import public_service
from benecomune.marketplace.subjects import ThreadSubject

SERVICE_SUBJECT = "marketplace.service"


def resolve_service(about_id: int, person) -> ThreadSubject | None:
    from benecomune.marketplace.models import Service

    row = Service.objects_unscoped.filter(pk=about_id).select_related("provider__network").first()
    network = row.provider.network if row else None
    service = public_service(network, about_id) if network else None
    if service is None:
        return None
    return ThreadSubject(
        title=service.title,
        url=reverse("marketplace:catalogue_service", args=[network.slug, service.pk]),
        provider_id=service.provider_id,
    )

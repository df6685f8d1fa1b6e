"""Who the catalogue offers a service to, and the services a public list shows.

Residents only: a service in person (at the provider) or at home is offered to people living
in a Comune of the provider's network (at home, also in one of the Comuni the service lists,
when it lists any: that is where the provider goes); an online service to anyone.

`visible_services` is the one queryset of public lists: published services of active
providers of a network; for a list of what a public or company wallet may pay, only services
accepting that kind of wallet whose provider is accredited today in the service's area (an
expired document suspends the accreditation, and the services disappear from those lists
until it is renewed).
"""

import datetime

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from benecomune.core.compiled_queries import CompiledQuery
from benecomune.core.models import Person
from benecomune.ledger.spending import memoized
from benecomune.marketplace.models import (
    Accreditation,
    AccreditationStatus,
    Delivery,
    PayerKind,
    Service,
    ServiceStatus,
)
from benecomune.marketplace.models.catalogue import PAYER_FIELDS
from benecomune.marketplace.queries import network_id_of


def still_offered(service: Service) -> bool:
    """The service is published by an active provider (the catalogue's rule), read once per
    use case (`ledger.spending.memo_scope`: a booking checks it, then its order)."""
    return memoized(
        ("marketplace.visible", service.pk),
        lambda: _is_offered(network_id_of(service.provider), service.pk),
    )


def offer_refusal(service: Service, person: Person | None) -> str | None:
    """None when `service` is offered to `person`; otherwise why not, in Italian."""
    if service.delivery == Delivery.ONLINE:
        return None
    residence = getattr(person, "residence", None)
    network_id = service.provider.network_id
    if residence is None or network_id is None or residence.network_id != network_id:
        return _(
            "«%(title)s» si svolge in presenza o a domicilio: è riservato ai residenti dei "
            "Comuni della rete."
        ) % {"title": service.title}
    if service.delivery == Delivery.AT_HOME:
        served = set(service.municipalities_served.values_list("pk", flat=True))
        if served and residence.pk not in served:
            return _("«%(title)s» a domicilio non raggiunge il Comune di %(comune)s.") % {
                "title": service.title,
                "comune": residence.name,
            }
    return None


def offered_to(service: Service, person: Person | None) -> bool:
    return offer_refusal(service, person) is None


def accredited_for_service(network_id: int, on: datetime.date):
    """An Exists() over Service rows: its provider accredited in its area on `on`."""
    return Exists(
        Accreditation.objects_unscoped.filter(
            provider_id=OuterRef("provider_id"),
            network_id=network_id,
            area=OuterRef("accreditation_area"),
            status=AccreditationStatus.ACCREDITED,
            valid_from__lte=on,
            valid_until__gte=on,
        )
    )


def _published_in(network_id: int | None) -> QuerySet:
    return Service.objects_unscoped.filter(
        status=ServiceStatus.PUBLISHED,
        provider__is_active=True,
        provider__network_id=network_id,
    ).select_related("provider")


def _offered(network_id: int, service_id: int):
    return _published_in(network_id).filter(pk=service_id).values_list("pk")[:1]


# Checked by every booking and order (core.compiled_queries).
OFFERED = CompiledQuery("service_offered", _offered, -7_010_000, -7_010_001)


def _is_offered(network_id: int | None, service_id: int) -> bool:
    if network_id is None:  # `= NULL` in compiled SQL would never match: the ORM says IS NULL
        return _published_in(None).filter(pk=service_id).exists()
    return bool(OFFERED(network_id, service_id))


def visible_services(
    network, *, payer: str | None = None, on: datetime.date | None = None
) -> QuerySet:
    """Published services of the active providers of `network` (a network or one of its
    members). With `payer` (a PayerKind), only those that kind of wallet may pay today."""
    network_id = network_id_of(network)
    on = on or timezone.localdate()
    rows = _published_in(network_id)
    if payer is None:
        return rows
    rows = rows.filter(**{PAYER_FIELDS[payer]: True})
    if payer in (PayerKind.PUBLIC, PayerKind.COMPANY):
        rows = rows.exclude(accreditation_area="").filter(accredited_for_service(network_id, on))
    if payer == PayerKind.COMPANY:
        rows = rows.exclude(art51_category="")
    return rows

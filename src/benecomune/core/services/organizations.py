"""Creating the organisations of a network: Comuni, companies, providers."""

from django.db import transaction

from benecomune.core import audit
from benecomune.core.actors import Actor
from benecomune.core.models import Company, Municipality, Network, Provider

ORG_FIELDS = ["name", "slug", "kind", "network"]


def _created(actor: Actor, org, extra: dict) -> None:
    audit.record(
        actor,
        f"{org.kind}.created",
        org,
        organization=org,
        after={**audit.snapshot(org, ORG_FIELDS), **extra},
    )


@transaction.atomic
def create_network(actor: Actor, *, name: str, slug: str, description: str = "") -> Network:
    actor.require("members.manage")
    network = Network(name=name, slug=slug, description=description)
    network.full_clean()
    network.save()
    _created(actor, network, {})
    return network


@transaction.atomic
def create_municipality(actor: Actor, network: Network, **fields) -> Municipality:
    actor.require("members.manage", network)
    municipality = Municipality(network=network, **fields)
    municipality.full_clean()
    municipality.save()
    _created(actor, municipality, {"istat_code": municipality.istat_code})
    return municipality


@transaction.atomic
def create_company(actor: Actor, network: Network | None, **fields) -> Company:
    company = Company(network=network, **fields)
    company.full_clean()
    company.save()
    _created(actor, company, {"vat_number": company.vat_number})
    return company


@transaction.atomic
def create_provider(actor: Actor, network: Network | None, **fields) -> Provider:
    provider = Provider(network=network, **fields)
    provider.full_clean()
    provider.save()
    _created(
        actor,
        provider,
        {"vat_number": provider.vat_number, "provider_kind": provider.provider_kind},
    )
    return provider

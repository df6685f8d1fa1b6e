"""Creating the organisations of a network: Comuni, companies, providers."""

from django.db import transaction

from benecomune.core import audit
from benecomune.core.actors import Actor
from benecomune.core.models import Company, Municipality, Network, Provider

ORG_FIELDS = ["name", "slug", "kind", "network"]
# What the audit keeps of a new organisation besides ORG_FIELDS: what identifies it, by kind.
CREATED_FIELDS = {
    "municipality": ["istat_code"],
    "company": ["vat_number"],
    "provider": ["vat_number", "provider_kind"],
}


def record_created(actor: Actor, org, extra: dict | None = None) -> None:
    """The `<kind>.created` event of a new organisation, whichever form or service made it
    (here, the platform admin's pages in onboarding.py, a shop's sign-up)."""
    fields = ORG_FIELDS + CREATED_FIELDS.get(org.kind, [])
    audit.record(
        actor,
        f"{org.kind}.created",
        org,
        organization=org,
        after={**audit.snapshot(org, fields), **(extra or {})},
    )


def _create(actor: Actor, org):
    org.full_clean()
    org.save()
    record_created(actor, org)
    return org


@transaction.atomic
def create_network(actor: Actor, *, name: str, slug: str, description: str = "") -> Network:
    actor.require("members.manage")
    return _create(actor, Network(name=name, slug=slug, description=description))


@transaction.atomic
def create_municipality(actor: Actor, network: Network, **fields) -> Municipality:
    actor.require("members.manage", network)
    return _create(actor, Municipality(network=network, **fields))


@transaction.atomic
def create_company(actor: Actor, network: Network | None, **fields) -> Company:
    return _create(actor, Company(network=network, **fields))


@transaction.atomic
def create_provider(actor: Actor, network: Network | None, **fields) -> Provider:
    return _create(actor, Provider(network=network, **fields))

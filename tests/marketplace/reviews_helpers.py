"""Fixtures of the reviews' tests: purchases made through the real payments services (an
intent paying a catalogue service with own money through the fake payment provider,
authorised and captured), a published provider profile, reviews written through the
services."""

import pytest

from benecomune.core.actors import Actor
from benecomune.core.models import Network, Role
from benecomune.marketplace.queries import SERVICE_OBJECT_TYPE
from benecomune.marketplace.services import reviews as services
from benecomune.payments.services import checkout
from benecomune.payments.services.planning import gateway_leg
from tests.marketplace.test_catalogue import make_service
from tests.marketplace.test_search import publish_profile

PRICE = 1_250
SYSTEM = Actor.system_actor("test")
_keys = {"n": 0}


@pytest.fixture
def coop(make_provider):
    """(provider, owner actor, a published service), the profile published."""
    provider, owner = make_provider(email="coop@example.org")
    publish_profile(owner, provider)
    return provider, owner, make_service(owner, provider)


def buy(person, service, *, capture=True, object_id=None, amount=PRICE):
    """A purchase of `service` by `person`: created, authorised and (by default) captured."""
    _keys["n"] += 1
    intent = checkout.create_intent(
        SYSTEM,
        buyer=person,
        payee=service.provider,
        amount=amount,
        legs=[gateway_leg("fake", amount)],
        idempotency_key=f"review-test-{_keys['n']}",
        object_type=SERVICE_OBJECT_TYPE,
        object_id=object_id or str(service.pk),
    )
    checkout.authorise(SYSTEM, intent)
    if capture:
        intent = checkout.capture(SYSTEM, intent)
    return intent


def review(actor, intent, rating=5, comment="Ottimo servizio.", **kw):
    return services.write_review(
        actor, "payments.intent", intent.pk, rating=rating, comment=comment, **kw
    )


@pytest.fixture
def other_network_admin(make_actor):
    other = Network.objects.create(name="Altra rete", slug="altra-rete")
    return make_actor("altra.rete@example.org", Role.PLATFORM_ADMIN, other)

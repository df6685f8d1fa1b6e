"""Fixtures of the threads' tests: a citizen of the network with an account, providers made
through sign-up and approval, threads started through the services."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from benecomune.core.actors import Actor
from benecomune.core.models import Membership, Role
from benecomune.marketplace.services import threads as services
from tests.helpers import actor_for


@pytest.fixture
def citizen(make_person, make_user, municipality):
    """(person, user, actor): Anna, resident of the network's Comune, with an account."""
    person = make_person(
        municipality, first_name="Anna", last_name="Bianchi", sex="F", email="anna@example.org"
    )
    user = make_user("anna@example.org", person=person)
    return person, user, Actor(user=user)


@pytest.fixture
def other_citizen(make_person, make_user, municipality):
    person = make_person(municipality, first_name="Luca", last_name="Verdi")
    user = make_user("luca@example.org", person=person)
    return person, user, Actor(user=user)


@pytest.fixture
def provider(make_provider):
    """(provider, owner actor)."""
    return make_provider(email="coop@example.org")


@pytest.fixture
def desk(make_user, municipality):
    user = make_user("sportello@example.org", role=Role.DESK_OPERATOR, organization=municipality)
    return actor_for(user, Role.DESK_OPERATOR, municipality)


def start(citizen_actor, provider, person, *, text="Buongiorno, vorrei informazioni.", **kw):
    kw.setdefault("subject", "Assistenza domiciliare")
    return services.start_thread(
        citizen_actor, provider, person, text=text, base_url="http://testserver/", **kw
    )


def pdf(name="preventivo.pdf", body=b"contenuto"):
    return SimpleUploadedFile(
        name, b"%PDF-1.4\n" + body + b"\n%%EOF", content_type="application/pdf"
    )


def membership_of(actor) -> Membership:
    return actor.membership

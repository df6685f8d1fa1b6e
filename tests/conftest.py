"""Shared fixtures: a small network of two Comuni, people, staff with roles, logged-in clients."""

import os

import pytest
from codicefiscale import codicefiscale
from django.db import connection
from django_otp.plugins.otp_totp.models import TOTPDevice

from benecomune.core.actors import Actor
from benecomune.core.models import (
    Company,
    Membership,
    Municipality,
    Network,
    Person,
    Provider,
    User,
)
from benecomune.core.scoping import all_tenants
from tests.helpers import actor_for, login

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
PASSWORD = "Password-di-prova-2026"


def pytest_collection_modifyitems(config, items):
    """PostgreSQL-only tests are skipped on SQLite, visibly."""
    if connection.vendor == "postgresql":
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL: runs in the PostgreSQL pass of make test")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """On SQLite the flush between transactional tests deletes audit rows, which the audit
    trigger refuses unless maintenance is on: switch it on for the test database only
    (tests of the trigger switch it off inside their own transaction)."""
    with django_db_blocker.unblock():
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute("INSERT INTO core_audit_maintenance (enabled) VALUES (1)")


@pytest.fixture
def system_actor():
    return Actor.system_actor("tests")


@pytest.fixture
def network(db):
    return Network.objects.create(name="Rete di prova", slug="rete-prova")


def _municipality(network, name, slug, istat_code, cadastral_code):
    return Municipality.objects.create(
        name=name,
        slug=slug,
        istat_code=istat_code,
        cadastral_code=cadastral_code,
        province="PD",
        network=network,
    )


@pytest.fixture
def municipality(network):
    return _municipality(network, "Piazzola sul Brenta", "piazzola-sul-brenta", "028063", "G587")


@pytest.fixture
def other_municipality(network):
    return _municipality(network, "Limena", "limena", "028045", "E592")


@pytest.fixture
def shop(network, municipality):
    return Provider.objects.create(
        name="Alimentari Da Bepi",
        slug="alimentari-da-bepi",
        provider_kind="shop",
        category="grocery",
        vat_number="04123450282",
        network=network,
        municipality=municipality,
    )


@pytest.fixture
def company(network):
    return Company.objects.create(
        name="Meccanica Brenta", slug="meccanica-brenta", vat_number="04467890283", network=network
    )


_counter = {"n": 0}


@pytest.fixture
def make_person(db):
    def make(
        residence,
        *,
        first_name="Mario",
        last_name="Rossi",
        sex="M",
        birthdate="01/02/1980",
        email="",
    ):
        _counter["n"] += 1
        # A different birth day per person keeps codici fiscali unique within a test.
        day = 1 + _counter["n"] % 28
        month = 1 + (_counter["n"] // 28) % 12
        birth = f"{day:02d}/{month:02d}/{birthdate[-4:]}"
        code = codicefiscale.encode(
            lastname=last_name,
            firstname=first_name,
            gender=sex,
            birthdate=birth,
            birthplace="Padova",
        )
        with all_tenants():
            person = Person(
                fiscal_code=code,
                first_name=first_name,
                last_name=last_name,
                residence=residence,
                email=email,
            )
            person.full_clean()
            person.save()
        return person

    return make


@pytest.fixture
def make_user(db):
    def make(email, *, person=None, role=None, organization=None, totp=True):
        user = User.objects.create_user(
            email, PASSWORD, full_name=email.split("@")[0], person=person
        )
        if role:
            Membership.objects.create(user=user, organization=organization, role=role)
            if totp:
                TOTPDevice.objects.create(user=user, name="test", confirmed=True)
        return user

    return make


@pytest.fixture
def make_actor(make_user):
    """The actor of a new staff user: make_actor(email, role, organization)."""

    def make(email, role, organization):
        user = make_user(email, role=role, organization=organization)
        return actor_for(user, role, organization)

    return make


@pytest.fixture
def staff_client(client, make_user):
    """A client logged in with a staff role: staff_client(role, organization)."""

    def make(role, organization, email=None):
        email = email or f"{role}.{organization.slug}@example.org"
        user = make_user(email, role=role, organization=organization)
        membership = Membership.objects.get(user=user, organization=organization, role=role)
        return login(client, user, membership), user, membership

    return make


@pytest.fixture
def api_client():
    """A test client through the API's own middleware chain, as benecomune.wsgi serves it."""
    from django.test import Client
    from django.test.client import ClientHandler

    from benecomune.api.handler import ApiMiddleware

    class ApiClientHandler(ApiMiddleware, ClientHandler):
        pass

    client = Client()
    client.handler = ApiClientHandler(enforce_csrf_checks=False)
    return client

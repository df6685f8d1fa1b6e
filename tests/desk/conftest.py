"""Welfare Point fixtures: three Points (a Comune's, another Comune's, a company's), their
operators in each desk role, people and cases opened through the real services."""

import datetime

import pytest
from django.utils import timezone

from benecomune.core.models import Membership, Role
from benecomune.core.services import people
from benecomune.desk.models import ConsentMethod, ConsentPurpose, Need, PointKind, Source
from benecomune.desk.services import intake, points
from tests.helpers import actor_for, login

HOURS = "Lunedì 9-12"
# The frozen clock's start (`clock`): a Monday.
MONDAY = datetime.datetime(2026, 3, 2, 8, 0, tzinfo=datetime.UTC)


def make_point(system_actor, organization, municipality, name, kind):
    return points.create_point(
        system_actor,
        organization,
        kind=kind,
        name=name,
        host="",
        address="Via Roma 1",
        municipality=municipality,
        opening_hours=HOURS,
        services="Ascolto e orientamento",
        languages="italiano",
        accessibility="Piano terra",
        phone="",
        email="",
        is_public=True,
        is_active=True,
    )


@pytest.fixture
def point(system_actor, municipality):
    return make_point(system_actor, municipality, municipality, "Punto di Piazzola", "municipal")


@pytest.fixture
def other_point(system_actor, other_municipality):
    return make_point(
        system_actor, other_municipality, other_municipality, "Punto di Limena", "municipal"
    )


@pytest.fixture
def company_point(system_actor, company, municipality):
    return make_point(system_actor, company, municipality, "Punto aziendale", PointKind.COMPANY)


@pytest.fixture
def make_operator(make_user, system_actor):
    """An operator of `point` in `role`: (actor, user, membership)."""

    def make(email, role, point, *, assign=True):
        organization = point.organization
        user = make_user(email, role=role, organization=organization)
        membership = Membership.objects.get(user=user, organization=organization, role=role)
        if assign:
            points.add_operator(system_actor, point, membership)
        return actor_for(user, role, organization), user, membership

    return make


@pytest.fixture
def manager(make_operator, point):
    return make_operator("wm@piazzola.example.org", Role.WELFARE_MANAGER, point)


@pytest.fixture
def colleague(make_operator, point):
    return make_operator("collega@piazzola.example.org", Role.WELFARE_DESK_STAFF, point)


@pytest.fixture
def coordinator(make_operator, point):
    return make_operator("coord@piazzola.example.org", Role.WELFARE_COORDINATOR, point)


@pytest.fixture
def other_manager(make_operator, other_point):
    return make_operator("wm@limena.example.org", Role.WELFARE_MANAGER, other_point)


@pytest.fixture
def elder(make_person, municipality, system_actor):
    person = make_person(
        municipality, first_name="Ada", last_name="Bassi", sex="F", birthdate="01/01/1950"
    )
    people.create_household(system_actor, head=person, address="Via Roma 2")
    return person


def needs(*codes):
    return list(Need.objects.filter(code__in=codes))


def intake_for(person=None, **over):
    data = {
        "source": Source.WALK_IN,
        "needs": needs("assistenza-domiciliare-anziani", "solitudine"),
        "fiscal_code": person.fiscal_code if person else "",
        "consents": [ConsentPurpose.INTAKE] if person else [],
        "consent_method": ConsentMethod.SIGNED if person else "",
        "anonymous_label": "" if person else "Signora al mercato",
    }
    data.update(over)
    return intake.Intake(**data)


@pytest.fixture
def case(manager, point, elder):
    return intake.open_case(manager[0], point, intake_for(elder))


@pytest.fixture
def operator_client(client):
    def make(operator):
        _actor, user, membership = operator
        return login(client, user, membership)

    return make


@pytest.fixture
def clock(monkeypatch):
    """A frozen clock from MONDAY: clock(days) moves it on."""
    now = {"value": MONDAY}
    monkeypatch.setattr(timezone, "now", lambda: now["value"])

    def move(days):
        now["value"] = MONDAY + datetime.timedelta(days=days)

    return move

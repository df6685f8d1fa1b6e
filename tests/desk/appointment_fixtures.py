"""Appointment fixtures shared by the desk's appointment tests: the Comune's admin, the Point
open Mondays and Thursdays 9-12 (set through the real service) and a citizen with an e-mail
address. Import with `from tests.desk.appointment_fixtures import *`."""

import datetime

import pytest

from benecomune.bookings.slots import ROME
from benecomune.core.actors import Actor
from benecomune.core.models import Person, Role
from benecomune.desk.services import appointments
from benecomune.desk.services.appointments import HoursRange

__all__ = ["T", "admin", "citizen", "local", "open_point"]

T = datetime.time


def local(instant):
    return instant.astimezone(ROME).strftime("%a %d/%m %H:%M")


@pytest.fixture
def admin(make_actor, municipality):
    return make_actor("admin@piazzola.example.org", Role.MUNICIPALITY_ADMIN, municipality)


@pytest.fixture
def open_point(admin, point):
    """Mondays and Thursdays 9-12, 30 minutes, one desk, 2 hours' notice, 30 days ahead."""
    return appointments.set_appointments(
        admin,
        point,
        enabled=True,
        minutes=30,
        desks=1,
        notice_hours=2,
        window_days=30,
        hours=[HoursRange(0, T(9), T(12)), HoursRange(3, T(9), T(12))],
    )


@pytest.fixture
def citizen(elder, make_user):
    """Ada (the `elder`), logged in as herself, with an e-mail address for her messages."""
    Person.objects_unscoped.filter(pk=elder.pk).update(email="ada.bassi@example.org")
    elder.email = "ada.bassi@example.org"
    return Actor(user=make_user("ada@example.org", person=elder))

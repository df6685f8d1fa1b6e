"""PostgreSQL: ten people booking the same start of a Point that receives two at a time give
exactly two appointments; the others get the Italian "just taken" message."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from benecomune.core.actors import Actor
from benecomune.core.models import Role
from benecomune.core.scoping import all_tenants
from benecomune.desk.models import Appointment
from benecomune.desk.services import appointments
from benecomune.desk.services.appointments import HoursRange
from tests.helpers import run_parallel

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_desks_take_two_appointments_at_once(
    make_actor, municipality, point, make_person, make_user
):
    admin = make_actor("admin@piazzola.example.org", Role.MUNICIPALITY_ADMIN, municipality)
    every_day = [HoursRange(day, datetime.time(8), datetime.time(20)) for day in range(7)]
    point = appointments.set_appointments(
        admin,
        point,
        enabled=True,
        minutes=30,
        desks=2,
        notice_hours=0,
        window_days=7,
        hours=every_day,
    )
    start = appointments.available_slots(point)[0].start
    people = [
        Actor(
            user=make_user(
                f"p{i}@example.org", person=make_person(municipality, first_name=f"P{i}")
            )
        )
        for i in range(10)
    ]

    def work(i):
        try:
            appointments.book(people[i], point, people[i].user.person, start)
            return "booked"
        except ValidationError as exc:
            return " ".join(exc.messages)

    results, errors = run_parallel(10, work, scope=all_tenants)
    assert errors == []
    assert results.count("booked") == 2
    assert all("appena occupato" in r for r in results if r != "booked")
    assert Appointment.objects_unscoped.filter(starts_at=start).count() == 2

"""Fixtures of the agenda's tests (made visible with tests.e2e.helpers.use_fixtures): a
cooperative with its owner, a published service, a resource working Monday to Friday with a
lunch break and the service's booking rules, all made through the real services."""

import datetime

import pytest

from benecomune.bookings.services import agenda, agenda_schedule
from benecomune.core.scoping import all_tenants
from tests.marketplace.test_catalogue import make_service

T = datetime.time
WORKING_WEEK = [(day, T(9), T(13)) for day in range(5)] + [(day, T(14), T(18)) for day in range(5)]
RULES = {
    "duration_minutes": 60,
    "capacity": 1,
    "buffer_before_minutes": 0,
    "buffer_after_minutes": 0,
    "min_notice_hours": 24,
    "window_days": 90,
    "step_minutes": 60,
}


def add_resource(owner, provider, name="Maria Rossi", kind="person", week=WORKING_WEEK):
    with all_tenants():
        resource = agenda.create_resource(owner, provider, name=name, kind=kind)
        agenda.set_working_hours(owner, resource, week)
    return resource


def set_rules(owner, service, resources, **changes):
    with all_tenants():
        return agenda_schedule.set_schedule(
            owner, service, **{**RULES, **changes}, resources=resources
        )


@pytest.fixture
def coop(make_provider):
    """(provider, owner, service, resource) with booking rules."""
    provider, owner = make_provider()
    service = make_service(owner, provider, title="Educativa domiciliare", price="25,00")
    resource = add_resource(owner, provider)
    set_rules(owner, service, [resource])
    return provider, owner, service, resource

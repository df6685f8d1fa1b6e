"""Fixtures for the personal-data tests: the calls fixtures (a funded Comune, a call) and a
family with a submitted application, made as the calls tests make them."""

import pytest

from benecomune.core.models import Role
from tests.calls.conftest import (  # noqa: F401
    admin_actor,
    call_fund,
    make_call,
    operator_actor,
)
from tests.calls.review_factory import make_application, make_family


@pytest.fixture
def family(make_person, municipality, admin_actor):  # noqa: F811
    return make_family(make_person, municipality, admin_actor)


@pytest.fixture
def application(make_call, family):  # noqa: F811
    return make_application(make_call(), family)


@pytest.fixture
def desk(staff_client, municipality):
    """A desk operator of the Comune, logged in: (client, user, membership)."""
    return staff_client(Role.DESK_OPERATOR, municipality, "sportello.privacy@example.org")

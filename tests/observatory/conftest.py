"""Observatory fixtures: the ledger's (funds, wallets, merchants, invariants checked after each
test) and the calls' (a funded Comune and its calls); for shared value, the Comune's staff
(`comune`) and an active project of the Comune (`project`), made through the services."""

import pytest

from tests.calls.conftest import admin_actor, call_fund, make_call  # noqa: F401
from tests.ledger.conftest import (  # noqa: F401
    allow_corrupt_ledger,
    ledger_stays_sound,
    make_fund,
    make_provider,
    make_wallet,
)
from tests.observatory import shared_value_helpers as h


@pytest.fixture
def comune(make_user, municipality):
    return h.comune_actor(make_user, municipality)


@pytest.fixture
def project(comune, municipality, network):
    return h.project(comune, municipality, h.body(network, municipality))

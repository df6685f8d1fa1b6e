"""Payments fixtures: a buyer with three funded wallets of different expiry, a shop, a fresh
fake payment provider. The ledger's fixtures (and its invariants check after every test) come
from tests/ledger."""

import datetime
import itertools

import pytest
from django.utils import timezone

from benecomune.payments import gateways
from benecomune.payments.gateways import FakeGateway
from tests.ledger import conftest as ledger_fixtures

ledger_stays_sound = ledger_fixtures.ledger_stays_sound
make_fund = ledger_fixtures.make_fund
make_provider = ledger_fixtures.make_provider
make_wallet = ledger_fixtures.make_wallet

_keys = itertools.count(1)
BALANCES = (2_000, 3_000, 1_000)


@pytest.fixture
def key():
    """A new idempotency key each call."""
    return lambda: f"test-{next(_keys)}"


@pytest.fixture
def fake_gateway():
    """A new fake provider under the name "fake", the shared one put back afterwards."""
    previous = gateways._GATEWAYS["fake"]
    gateway = FakeGateway()
    gateways.register_gateway(gateway)
    yield gateway
    gateways.register_gateway(previous)


@pytest.fixture
def buyer(make_person, municipality):
    return make_person(municipality)


@pytest.fixture
def shop_(make_provider):
    return make_provider(name="Alimentari", category="grocery")


@pytest.fixture
def buyer_wallets(make_fund, make_wallet, buyer):
    """Wallets expiring in 30, 10 and 20 days with 20, 30 and 10 euro."""
    fund = make_fund(sum(BALANCES))
    today = timezone.localdate()
    return [
        make_wallet(fund, amount, person=buyer, valid_until=today + datetime.timedelta(days=days))
        for amount, days in zip(BALANCES, (30, 10, 20), strict=True)
    ]

"""Fixtures of the orders' tests (imported by each test_orders_* module): an accredited
provider with a published service of 50 euro, a buyer with two public wallets (20 euro
expiring in 10 days, 15 euro in 30), a fresh fake hosted payment provider. Everything is made
through the real services; the ledger's invariants are checked after every test."""

import datetime
import itertools

import pytest
from django.utils import timezone

from benecomune.bookings.models import Order
from benecomune.core.actors import Actor
from benecomune.ledger.models import Account, Reservation, Wallet
from benecomune.ledger.services.statements import with_balances
from benecomune.payments import fake_hosted, gateways
from benecomune.payments.models import PaymentIntent
from tests.ledger.conftest import ledger_stays_sound, make_fund, make_wallet
from tests.marketplace.conftest import (
    _clear_cache,
    accredited,
    admins,
    checklist,
    make_provider,
)
from tests.marketplace.test_catalogue import make_service

# The fixtures, for `from tests.bookings.test_orders_fixtures import *` in the test modules.
__all__ = [
    "_clear_cache",
    "accredited",
    "admins",
    "buyer",
    "buyer_user",
    "checklist",
    "citizen",
    "hosted",
    "ledger_stays_sound",
    "make_fund",
    "make_provider",
    "make_wallet",
    "seller",
    "system",
    "wallets",
]
PRICE = 5_000
_keys = itertools.count(1)


def new_key() -> str:
    return f"k{next(_keys)}"


def available(wallet: Wallet) -> int:
    account = with_balances(Account.objects_unscoped.filter(pk=wallet.account_id)).get()
    return account.current_balance - account.held


def balance(wallet: Wallet) -> int:
    return (
        with_balances(Account.objects_unscoped.filter(pk=wallet.account_id)).get().current_balance
    )


def nothing_made(wallets) -> bool:
    return (
        not Order.objects_unscoped.exists()
        and not PaymentIntent.objects_unscoped.exists()
        and not Reservation.objects_unscoped.filter(
            account_id__in=[w.account_id for w in wallets]
        ).exists()
    )


@pytest.fixture
def hosted():
    """A fresh fake hosted provider under its name, the shared one put back afterwards."""
    previous = gateways._GATEWAYS.get(fake_hosted.NAME)
    gateway = fake_hosted.FakeHostedGateway()
    gateways.register_gateway(gateway)
    yield gateway
    if previous is not None:
        gateways.register_gateway(previous)


@pytest.fixture
def seller(accredited):
    """(provider, owner actor, service of 50 euro payable by public, company and own money)."""
    provider, owner, _accreditation = accredited
    service = make_service(owner, provider, price="50,00", title="Assistenza domiciliare")
    return provider, owner, service


@pytest.fixture
def buyer(make_person, municipality):
    return make_person(municipality)


@pytest.fixture
def buyer_user(make_user, buyer):
    return make_user("acquirente@example.org", person=buyer)


@pytest.fixture
def citizen(buyer_user):
    return Actor(user=buyer_user)


@pytest.fixture
def wallets(make_fund, make_wallet, buyer):
    """Two public wallets: 20 euro expiring in 10 days, 15 euro in 30 days."""
    fund = make_fund(3_500)
    today = timezone.localdate()
    return [
        make_wallet(fund, 2_000, person=buyer, valid_until=today + datetime.timedelta(days=10)),
        make_wallet(fund, 1_500, person=buyer, valid_until=today + datetime.timedelta(days=30)),
    ]


@pytest.fixture
def system():
    return Actor.system_actor("tests")

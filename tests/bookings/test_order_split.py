"""The proposed split (ledger.spending.payment_order, used by payments' plan_legs and the
orders' checkout): the wallet that expires first pays first; among equal expiry the most
restricted one (fewest open dimensions, fewest categories, narrowest territory); then the
smallest balance, then the oldest; own money last. Table-driven on unsaved wallets, then once
through the checkout's proposal with real wallets."""

import datetime

import pytest
from django.utils import timezone

from benecomune.bookings.services import order_options
from benecomune.ledger.models import Wallet
from benecomune.ledger.spending import breadth_key, payment_order
from tests.bookings.test_orders_fixtures import *  # noqa: F403
from tests.bookings.test_orders_fixtures import PRICE

D1 = datetime.date(2027, 1, 31)
D2 = datetime.date(2027, 6, 30)


class _Town:
    def __init__(self, pk):
        self.pk = pk


def wallet(name, *, until=D2, categories=(), towns=0, network=False, available=1_000, pk=1):
    w = Wallet(
        pk=pk,
        title=name,
        valid_until=until,
        allowed_categories=list(categories),
        territory_network_id=7 if network else None,
    )
    # What the checkout's query prefetches: the wallet's Comuni.
    w._prefetched_objects_cache = {"territory_municipalities": [_Town(n) for n in range(towns)]}
    w.available = available
    return w


CASES = [
    # (case, wallets, expected order)
    (
        "expiry first, whatever the restrictions",
        [wallet("late-narrow", categories=["home_care"], towns=1), wallet("early-open", until=D1)],
        ["early-open", "late-narrow"],
    ),
    (
        "no end date last",
        [wallet("no-end", until=None), wallet("dated")],
        ["dated", "no-end"],
    ),
    (
        "equal expiry: restricted in categories before open",
        [wallet("open"), wallet("cats", categories=["home_care", "education"])],
        ["cats", "open"],
    ),
    (
        "equal expiry: fewer categories first",
        [
            wallet("four", categories=["home_care", "education", "tutoring", "pharmacy"]),
            wallet("one", categories=["home_care"]),
            wallet("two", categories=["home_care", "education"]),
        ],
        ["one", "two", "four"],
    ),
    (
        "equal expiry: a list of Comuni before a network before anywhere",
        [wallet("anywhere"), wallet("network", network=True), wallet("towns", towns=3)],
        ["towns", "network", "anywhere"],
    ),
    (
        "equal expiry: fewer Comuni first",
        [wallet("five", towns=5), wallet("two", towns=2)],
        ["two", "five"],
    ),
    (
        "restricted in both dimensions before restricted in one",
        [
            wallet("cats-only", categories=["home_care"]),
            wallet("both", categories=["home_care", "education"], towns=4),
            wallet("towns-only", towns=1),
        ],
        ["both", "cats-only", "towns-only"],
    ),
    (
        "same breadth: smaller balance first, then the oldest",
        [
            wallet("big", available=5_000, pk=1),
            wallet("small-new", available=300, pk=9),
            wallet("small-old", available=300, pk=2),
        ],
        ["small-old", "small-new", "big"],
    ),
    (
        "restriction wins over balance",
        [wallet("small-open", available=100), wallet("big-narrow", available=9_000, towns=1)],
        ["big-narrow", "small-open"],
    ),
]


@pytest.mark.parametrize("case,wallets_in,expected", CASES, ids=[c[0] for c in CASES])
def test_payment_order(case, wallets_in, expected):
    assert [w.title for w in payment_order(wallets_in)] == expected
    assert [w.title for w in payment_order(reversed(wallets_in))] == expected


def test_breadth_key_counts_open_dimensions():
    assert breadth_key(wallet("open")) == (2, 10**9, 10**9)
    assert breadth_key(wallet("c", categories=["a", "b"])) == (1, 2, 10**9)
    assert breadth_key(wallet("ct", categories=["a"], towns=2)) == (0, 1, 2)


@pytest.mark.django_db
def test_the_checkout_proposes_the_narrow_wallet_first_and_own_money_last(
    seller, buyer, make_fund, make_wallet
):
    provider, _owner, service = seller
    fund = make_fund(6_000)
    same_day = timezone.localdate() + datetime.timedelta(days=60)
    wide = make_wallet(fund, 2_000, person=buyer, valid_until=same_day)
    narrow = make_wallet(
        fund,
        2_000,
        person=buyer,
        valid_until=same_day,
        categories=[provider.category],
        territory=[provider.municipality],
    )
    offer = order_options.offer_for(buyer, service)
    assert [(o.wallet, o.proposed) for o in offer.usable] == [(narrow, 2_000), (wide, 2_000)]
    assert offer.own_proposed == PRICE - 4_000

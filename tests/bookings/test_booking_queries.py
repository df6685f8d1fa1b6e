"""The cost of book-and-pay, pinned: the booking page's POST (as bench/bookings.py sends it: a
slot, a public voucher and the company plan's credit) books, takes the seat and authorises
both holds in a bounded number of queries, so a change that adds queries to the hot path
fails here. `BENCH_PROFILE=1` prints the queries and a cProfile of the request."""

import cProfile
import datetime
import os
import pstats

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from benecomune.bookings.models import Booking, BookingStatus
from benecomune.core.models import Provider, Role
from benecomune.core.scoping import all_tenants
from tests.bookings.booking_fixtures import *  # noqa: F403
from tests.bookings.booking_fixtures import free_slots
from tests.bookings.corporate_credit import approved_plan, plan_wallet
from tests.helpers import login

pytestmark = pytest.mark.django_db

# The POST that books and pays with two wallet legs: 152 queries on SQLite before the lean
# path (the page's own slot and wallet checks, then the same again in the service), 88 after.
MAX_QUERIES = 90


@pytest.fixture
def two_legs(priced, buyer, wallets, company, make_actor, system):
    provider, _owner, service = priced
    Provider.objects.filter(pk=provider.pk).update(category="home_care")
    hr_operator = make_actor("operatore.hr@example.org", Role.COMPANY_HR_OPERATOR, company)
    hr_admin = make_actor("admin.hr@example.org", Role.COMPANY_HR, company)
    version = approved_plan(hr_operator, hr_admin, company, year=datetime.date.today().year)
    corporate = plan_wallet(
        system, version, buyer, 10_000, valid_until=datetime.date.today() + datetime.timedelta(90)
    )
    return service, wallets, corporate


def _post(client, service, buyer, public, corporate, key, slot=None):
    """Book the first free turn (or `slot`): `public` (wallet, euros) and the rest (of 50
    euros) from the company's credit."""
    public, euros = public
    day, time, _slot = slot or free_slots(service, 1)[0]
    return client.post(
        f"/area-personale/prenotazioni/nuova/{service.pk}/",
        {
            "key": key,
            "giorno": day.isoformat(),
            "ora": time.strftime("%H:%M"),
            "chi-person": buyer.pk,
            f"wallet_{public.pk}": f"{euros},00",
            f"wallet_{corporate.pk}": f"{50 - euros},00",
            "own_amount": "0,00",
        },
    )


def test_book_and_pay_query_count(client, buyer, buyer_user, two_legs):
    service, wallets, corporate = two_legs
    login(client, buyer_user)
    # A first booking warms the per-process caches (content types, permissions' tables).
    assert _post(client, service, buyer, (wallets[1], 15), corporate, "warm").status_code == 302
    slot = free_slots(service, 1)[0]
    profile = cProfile.Profile() if os.environ.get("BENCH_PROFILE") else None
    with CaptureQueriesContext(connection) as queries:
        if profile:
            profile.enable()
        answer = _post(client, service, buyer, (wallets[0], 20), corporate, "pinned", slot)
        if profile:
            profile.disable()
    assert answer.status_code == 302, answer.content.decode()[:2000]
    with all_tenants():
        booking = Booking.objects_unscoped.get(idempotency_key__endswith=":pinned")
        assert booking.status == BookingStatus.CONFIRMED
        assert booking.order.intent.legs.count() == 2
    if profile:
        for query in queries.captured_queries:
            print(query["sql"][:300])
        pstats.Stats(profile).sort_stats("cumulative").print_stats(45)
    print(f"book-and-pay: {len(queries)} queries")
    assert len(queries) <= MAX_QUERIES

"""The cost of book-and-pay, pinned: the booking page's POST and the citizen's API call (as
bench/bookings.py sends them, `--route page|api`: a slot, a public voucher and the company
plan's credit) book, take the seat and authorise both holds in a bounded number of queries, so
a change that adds queries to the hot path fails here. `BENCH_PROFILE=1` prints the queries
and a cProfile of the request."""

import cProfile
import datetime
import os
import pstats

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from benecomune.bookings.models import Booking, BookingStatus
from benecomune.core.actors import Actor
from benecomune.core.models import Provider, Role
from benecomune.core.scoping import all_tenants
from benecomune.core.services.tokens import create_citizen_token
from tests.bookings.booking_fixtures import *  # noqa: F403
from tests.bookings.booking_fixtures import free_slots
from tests.bookings.corporate_credit import approved_plan, plan_wallet
from tests.helpers import login

pytestmark = pytest.mark.django_db

# The POST that books and pays with two wallet legs: 152 queries on SQLite before the lean
# path (the page's own slot and wallet checks, then the same again in the service), 88 after,
# 83 once the plan version and its rules, the accreditation in the network, the wallet's
# territory and the service are read once per booking.
MAX_QUERIES = 83
# The citizen's API call (a citizen's token; no session, CSRF, forms or pages): 79, then 74.
MAX_API_QUERIES = 74


@pytest.fixture
def two_legs(priced, buyer, wallets, company, make_actor, system):
    provider, _owner, service = priced
    Provider.objects.filter(pk=provider.pk).update(category="home_care")
    hr_operator = make_actor("operatore.hr@example.org", Role.COMPANY_HR_OPERATOR, company)
    hr_admin = make_actor("admin.hr@example.org", Role.COMPANY_HR, company)
    version = approved_plan(hr_operator, hr_admin, company, year=timezone.localdate().year)
    corporate = plan_wallet(
        system, version, buyer, 10_000, valid_until=timezone.localdate() + datetime.timedelta(90)
    )
    return service, wallets, corporate


def _profiled(send):
    """`send()` under CaptureQueriesContext (and cProfile with BENCH_PROFILE=1)."""
    profile = cProfile.Profile() if os.environ.get("BENCH_PROFILE") else None
    with CaptureQueriesContext(connection) as queries:
        if profile:
            profile.enable()
        answer = send()
        if profile:
            profile.disable()
    if profile:
        for query in queries.captured_queries:
            print(query["sql"][:300])
        pstats.Stats(profile).sort_stats(os.environ.get("BENCH_SORT", "cumulative")).print_stats(
            int(os.environ.get("BENCH_ROWS", "45"))
        )
    return answer, queries


def _booked(key_end: str) -> None:
    with all_tenants():
        booking = Booking.objects_unscoped.get(idempotency_key__endswith=key_end)
        assert booking.status == BookingStatus.CONFIRMED
        assert booking.order.intent.legs.count() == 2


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
    answer, queries = _profiled(
        lambda: _post(client, service, buyer, (wallets[0], 20), corporate, "pinned", slot)
    )
    assert answer.status_code == 302, answer.content.decode()[:2000]
    _booked(":pinned")
    print(f"book-and-pay, page: {len(queries)} queries")
    assert len(queries) <= MAX_QUERIES


def _api_post(api_client, auth, service, public, corporate, key, slot=None):
    public, euros = public
    day, time, _slot = slot or free_slots(service, 1)[0]
    return api_client.post(
        "/api/v1/bookings/mine/",
        {
            "service": service.pk,
            "date": day.isoformat(),
            "time": time.strftime("%H:%M"),
            "wallets": {str(public.pk): euros * 100, str(corporate.pk): (50 - euros) * 100},
        },
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY=key,
        **auth,
    )


def test_book_and_pay_query_count_api(api_client, buyer_user, two_legs):
    service, wallets, corporate = two_legs
    _token, clear = create_citizen_token(Actor(user=buyer_user), "App")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {clear}"}
    warm = _api_post(api_client, auth, service, (wallets[1], 15), corporate, "warm")
    assert warm.status_code == 200, warm.content
    slot = free_slots(service, 1)[0]
    answer, queries = _profiled(
        lambda: _api_post(api_client, auth, service, (wallets[0], 20), corporate, "pinned", slot)
    )
    assert answer.status_code == 200, answer.content
    _booked(":api:pinned")
    print(f"book-and-pay, API: {len(queries)} queries")
    assert len(queries) <= MAX_API_QUERIES

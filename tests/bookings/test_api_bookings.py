"""The bookings API: public slots; with a provider's token, book (Idempotency-Key required,
a replay returns the same booking, other data under the same key refused), list, day,
reschedule, cancel, confirm, decline, complete, no-show (replays have one effect); another
provider's token gets 404 and changes nothing; bad input gets an Italian message and changes
nothing (past slot, beyond the window, a full slot, a time in the summer-time gap)."""

import datetime

import pytest
from codicefiscale import codicefiscale
from django.utils import timezone

from benecomune.bookings.models import Booking, BookingStatus
from benecomune.bookings.services import agenda_reads, booking_walk_in
from benecomune.bookings.slots import ROME
from benecomune.core.models import AuditEvent
from benecomune.core.scoping import all_tenants
from benecomune.core.services.tokens import create_api_token
from tests.bookings.agenda_fixtures import set_rules
from tests.bookings.booking_fixtures import *  # noqa: F403
from tests.bookings.booking_fixtures import book, free_slots, key

pytestmark = pytest.mark.django_db
S = BookingStatus
API = "/api/v1/bookings"


def token(owner, provider) -> dict:
    with all_tenants():
        _token, clear = create_api_token(owner, provider, "Gestionale")
    return {"HTTP_AUTHORIZATION": f"Bearer {clear}"}


def post(client, url, body=None, idem="", auth=None):
    extra = {"HTTP_IDEMPOTENCY_KEY": idem} if idem else {}
    return client.post(url, body or {}, content_type="application/json", **extra, **(auth or {}))


def test_public_slots(api_client, free_service):
    day, time, _slot = free_slots(free_service)[0]
    url = f"{API}/slots?service={free_service.pk}&from={day}&to={day + datetime.timedelta(6)}"
    rows = api_client.get(url).json()
    assert {"local_date": str(day), "local_time": f"{time:%H:%M}", "free": 3}.items() <= rows[
        0
    ].items()
    bad = api_client.get(f"{API}/slots?service={free_service.pk}&from=28/03/2027")
    assert bad.status_code == 400 and "AAAA-MM-GG" in bad.json()["message"]
    long = api_client.get(f"{API}/slots?service={free_service.pk}&from={day}&to=2099-01-01")
    assert long.status_code == 400 and "31 giorni" in long.json()["message"]
    assert api_client.get(f"{API}/slots?service=999999&from={day}").status_code == 404


def test_book_with_a_key_replays_and_conflicts(api_client, buyer, free_service, seller):
    provider, owner, _service = seller
    auth = token(owner, provider)
    day, time, slot = free_slots(free_service, 2)[0]
    body = {
        "service": free_service.pk,
        "date": str(day),
        "time": f"{time:%H:%M}",
        "fiscal_code": buyer.fiscal_code,
    }
    no_key = post(api_client, f"{API}/", body, auth=auth)
    assert no_key.status_code == 400 and "Idempotency-Key" in no_key.json()["message"]
    first = post(api_client, f"{API}/", body, "k1", auth)
    assert first.status_code == 200, first.json()
    data = first.json()
    assert data["status"] == "confirmed" and data["walk_in"] and data["person"] == buyer.full_name
    again = post(api_client, f"{API}/", body, "k1", auth)
    assert again.status_code == 200 and again.json()["id"] == data["id"]
    other_day, other_time, _s = free_slots(free_service, 2)[1]
    other = {**body, "date": str(other_day), "time": f"{other_time:%H:%M}"}
    conflict = post(api_client, f"{API}/", other, "k1", auth)
    assert conflict.status_code == 409 and "dati diversi" in conflict.json()["message"]
    booking = Booking.objects_unscoped.get()
    assert booking.starts_at == slot.start
    assert AuditEvent.objects_unscoped.filter(action="bookings.booking_walk_in").count() == 1
    listed = api_client.get(f"{API}/?from={day}&to={day}", **auth).json()
    assert [r["id"] for r in listed] == [booking.pk]
    assert [r["id"] for r in api_client.get(f"{API}/day?date={day}", **auth).json()] == [booking.pk]
    stranger_code = codicefiscale.encode(
        lastname="Verdi", firstname="Luca", gender="M", birthdate="05/05/1975", birthplace="Padova"
    )
    unknown = post(api_client, f"{API}/", {**body, "fiscal_code": stranger_code}, "k2", auth)
    assert unknown.status_code == 404 and "codice fiscale" in unknown.json()["message"]
    malformed = post(api_client, f"{API}/", {**body, "fiscal_code": "XX"}, "k3", auth)
    assert malformed.status_code == 400 and Booking.objects_unscoped.count() == 1


def test_bad_input_changes_nothing(api_client, citizen, buyer, make_person, priced):
    provider, owner, service = priced  # one seat per turn
    auth = token(owner, provider)
    taken = book(citizen, service, buyer, own_amount=5_000, own_money="at_provider")
    before = Booking.objects_unscoped.count()
    local = taken.starts_at.astimezone(ROME)
    other = make_person(buyer.residence, first_name="Anna")
    base = {"service": service.pk, "fiscal_code": other.fiscal_code}
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    cases = [
        ({"date": str(yesterday), "time": "10:00"}, "già passato"),
        ({"date": str(timezone.localdate() + datetime.timedelta(200)), "time": "10:00"}, "90"),
        ({"date": f"{local:%Y-%m-%d}", "time": f"{local:%H:%M}"}, "turno libero"),
        ({"date": "2030-03-31", "time": "02:30"}, "non esiste"),
        ({"date": "31/03/2030", "time": "10:00"}, "AAAA-MM-GG"),
        ({"date": "2030-03-31", "time": "25:00"}, "HH:MM"),
    ]
    for n, (when, message) in enumerate(cases):
        answer = post(api_client, f"{API}/", {**base, **when}, f"bad{n}", auth)
        assert answer.status_code == 400, (when, answer.json())
        assert message in answer.json()["message"], (when, answer.json())
    assert Booking.objects_unscoped.count() == before


def test_moves_replays_have_one_effect(api_client, citizen, buyer, free_service, seller):
    provider, owner, _service = seller
    with all_tenants():
        resources = list(agenda_reads.schedule_of(free_service).resources.all())
        set_rules(owner, free_service, resources, needs_review=True, capacity=3)
    auth = token(owner, provider)
    booking = book(citizen, free_service, buyer)
    url = f"{API}/{booking.pk}"
    assert post(api_client, f"{url}/confirm", auth=auth).status_code == 400  # no key
    for _ in range(2):
        answer = post(api_client, f"{url}/confirm", idem="c1", auth=auth)
        assert answer.status_code == 200 and answer.json()["status"] == "confirmed"
    assert AuditEvent.objects_unscoped.filter(action="bookings.booking_confirmed").count() == 1
    # Not started yet: cannot be completed or marked absent.
    early = post(api_client, f"{url}/complete", idem="d1", auth=auth)
    assert early.status_code == 400 and "non è ancora iniziato" in early.json()["message"]
    # Rescheduled by the provider: a reason is required; a replay moves nothing more.
    day, time, slot = free_slots(free_service, 3)[2]
    move = {"date": str(day), "time": f"{time:%H:%M}", "reason": ""}
    refused = post(api_client, f"{url}/reschedule", move, "r1", auth)
    assert refused.status_code == 400 and "motivo" in refused.json()["message"]
    move["reason"] = "Concordato al telefono"
    for _ in range(2):
        assert post(api_client, f"{url}/reschedule", move, "r2", auth).status_code == 200
    booking.refresh_from_db()
    assert booking.starts_at == slot.start and booking.reschedule_count == 1
    gap = post(
        api_client, f"{url}/reschedule", {**move, "date": "2030-03-31", "time": "02:30"}, "r3", auth
    )
    assert gap.status_code == 400 and "non esiste" in gap.json()["message"]
    for _ in range(2):
        answer = post(api_client, f"{url}/cancel", {"reason": "Sede chiusa"}, "x1", auth)
        assert answer.status_code == 200 and answer.json()["status"] == "cancelled"
    assert (
        AuditEvent.objects_unscoped.filter(action="bookings.booking_cancelled_by_provider").count()
        == 1
    )


def test_decline_and_complete_after_the_start(api_client, buyer, free_service, seller):
    provider, owner, _service = seller
    auth = token(owner, provider)
    # A booking made last week at the counter (its clock then): now it can be completed.
    today = timezone.localdate()
    monday = today - datetime.timedelta(days=today.weekday() + 7)
    then = datetime.datetime.combine(monday, datetime.time(8), tzinfo=ROME)
    with all_tenants():
        past = booking_walk_in.book_walk_in(
            owner,
            service=free_service,
            person=buyer,
            day=monday,
            time=datetime.time(9),
            idempotency_key=key(),
            now=then,
        )
    for _ in range(2):
        done = post(api_client, f"{API}/{past.pk}/complete", idem="p1", auth=auth)
        assert done.status_code == 200 and done.json()["status"] == "completed"
    absent = post(api_client, f"{API}/{past.pk}/no-show", idem="p2", auth=auth)
    assert absent.status_code == 400  # already completed: the lifecycle refuses
    past.refresh_from_db()
    assert past.status == S.COMPLETED


def test_another_providers_token_gets_404(
    api_client, citizen, buyer, free_service, seller, make_provider
):
    booking = book(citizen, free_service, buyer)
    other, stranger = make_provider()
    auth = token(stranger, other)
    for step in ("confirm", "complete", "no-show"):
        assert post(api_client, f"{API}/{booking.pk}/{step}", idem="z", auth=auth).status_code == (
            404
        )
    cancel = post(api_client, f"{API}/{booking.pk}/cancel", {"reason": "x"}, "z2", auth)
    assert cancel.status_code == 404
    day, time, _slot = free_slots(free_service)[1]
    body = {
        "service": free_service.pk,
        "date": str(day),
        "time": f"{time:%H:%M}",
        "fiscal_code": buyer.fiscal_code,
    }
    assert post(api_client, f"{API}/", body, "z3", auth).status_code == 404
    local = booking.starts_at.astimezone(ROME).date()
    assert api_client.get(f"{API}/day?date={local}", **auth).json() == []
    assert api_client.get(f"{API}/day?date={local}").status_code == 401
    booking.refresh_from_db()
    assert booking.status == S.CONFIRMED and Booking.objects_unscoped.count() == 1

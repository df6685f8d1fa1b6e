"""The citizen's book-and-pay through an app (/api/v1/bookings/mine/, a citizen's own token):
a booking paid with two wallets (one seat, one intent with two holds, the audit events and the
notices), a replay with the key returns it and moves nothing, the key with other data is a
409, no key a 400, a full slot or another person's wallet a 400 with the Italian message and
nothing written; no token, a device's token or a revoked one is a 401."""

import pytest

from benecomune.bookings.models import Booking, BookingStatus, Order
from benecomune.core.actors import Actor
from benecomune.core.models import AuditEvent, CitizenToken
from benecomune.core.models.notifications import OutboxMessage
from benecomune.core.scoping import all_tenants
from benecomune.core.services.tokens import (
    create_api_token,
    create_citizen_token,
    revoke_citizen_token,
)
from benecomune.ledger.models import Reservation
from tests.bookings.booking_fixtures import *  # noqa: F403
from tests.bookings.booking_fixtures import free_slots

pytestmark = pytest.mark.django_db
URL = "/api/v1/bookings/mine/"


def citizen_auth(user) -> dict:
    _token, clear = create_citizen_token(Actor(user=user), "App del Comune")
    return {"HTTP_AUTHORIZATION": f"Bearer {clear}"}


def body(service, wallets, slot, **extra) -> dict:
    day, time, _slot = slot
    return {
        "service": service.pk,
        "date": str(day),
        "time": f"{time:%H:%M}",
        "wallets": {str(wallets[0].pk): 2_000, str(wallets[1].pk): 1_500},
        "own_amount": 1_500,
        "own_money": "at_provider",
        **extra,
    }


def post(client, data, idem="", auth=None):
    extra = {"HTTP_IDEMPOTENCY_KEY": idem} if idem else {}
    return client.post(URL, data, content_type="application/json", **extra, **(auth or {}))


def counts() -> tuple[int, int, int]:
    with all_tenants():
        return (
            Booking.objects_unscoped.count(),
            Order.objects_unscoped.count(),
            (Reservation.objects_unscoped.count()),
        )


def test_book_and_pay_replay_and_conflict(api_client, buyer, buyer_user, priced, wallets):
    _provider, _owner, service = priced
    auth = citizen_auth(buyer_user)
    first, second = free_slots(service, 2)
    answer = post(api_client, body(service, wallets, first), "k1", auth)
    assert answer.status_code == 200, answer.content
    data = answer.json()
    assert data["status"] == BookingStatus.CONFIRMED and data["order"]
    with all_tenants():
        booking = Booking.objects_unscoped.get(pk=data["id"])
        assert booking.person_id == buyer.pk and booking.booker_id == buyer.pk
        intent = booking.order.intent
        assert intent.legs.count() == 2 and booking.order.due_at_provider == 1_500
        assert (
            Reservation.objects_unscoped.filter(
                account_id__in=[w.account_id for w in wallets]
            ).count()
            == 2
        )
        assert AuditEvent.objects_unscoped.filter(action="bookings.booking_made").count() == 1
        assert OutboxMessage.objects_unscoped.filter(template_key__startswith="bookings_").exists()
    before = counts()
    again = post(api_client, body(service, wallets, first), "k1", auth)
    assert again.status_code == 200 and again.json()["id"] == data["id"]
    assert counts() == before
    other = post(api_client, body(service, wallets, second), "k1", auth)
    assert other.status_code == 409 and other.json()["code"] == "idempotency_conflict"
    assert counts() == before


def test_refusals_write_nothing(api_client, buyer_user, priced, wallets, make_person, municipality):
    _provider, _owner, service = priced
    auth = citizen_auth(buyer_user)
    slot = free_slots(service, 1)[0]
    before = counts()
    no_key = post(api_client, body(service, wallets, slot), "", auth)
    assert no_key.status_code == 400 and no_key.json()["code"] == "idempotency_key_missing"
    bad_time = post(api_client, body(service, wallets, slot, time="9.30"), "k2", auth)
    assert bad_time.status_code == 400 and "HH:MM" in bad_time.json()["message"]
    stranger = make_person(municipality)
    assert (
        post(api_client, body(service, wallets, slot, person=stranger.pk), "k3", auth).json()[
            "code"
        ]
        == "person_not_found"
    )
    unknown = post(api_client, {**body(service, wallets, slot), "service": 999_999}, "k4", auth)
    assert unknown.status_code == 404
    assert counts() == before
    assert post(api_client, body(service, wallets, slot), "k5", auth).status_code == 200
    full = post(api_client, body(service, wallets, slot), "k6", auth)
    assert full.status_code == 400 and full.json()["code"] == "refused"
    assert full.json()["message"]
    assert counts()[0] == before[0] + 1


def test_another_persons_wallet_is_refused(
    api_client, priced, wallets, make_person, make_user, municipality
):
    _provider, _owner, service = priced
    other = make_user("altro@example.org", person=make_person(municipality))
    before = counts()
    answer = post(
        api_client, body(service, wallets, free_slots(service, 1)[0]), "k7", citizen_auth(other)
    )
    assert answer.status_code == 400
    assert counts() == before


def test_tokens_that_do_not_open_it(api_client, buyer_user, priced, wallets, seller):
    provider, owner, service = priced
    data = body(service, wallets, free_slots(service, 1)[0])
    assert post(api_client, data, "k8").status_code == 401
    with all_tenants():
        _device, clear = create_api_token(owner, provider, "Gestionale")
    device = {"HTTP_AUTHORIZATION": f"Bearer {clear}"}
    assert post(api_client, data, "k8", device).status_code == 401
    auth = citizen_auth(buyer_user)
    token = CitizenToken.objects.get(user=buyer_user)
    revoke_citizen_token(Actor(user=buyer_user), token)
    assert post(api_client, data, "k8", auth).status_code == 401
    assert counts()[0] == 0

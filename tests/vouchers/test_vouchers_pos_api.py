"""The POS API: one-step redeem, authorise → capture / void, voids, idempotency, and every
stable error code with its HTTP status, an Italian message, and nothing changed."""

import datetime

import pytest
from django.utils import timezone

from benecomune.core.models import Role
from benecomune.core.services.tokens import create_api_token
from benecomune.ledger.models import Reservation, Transfer
from benecomune.ledger.services import statements
from benecomune.vouchers.models import Authorisation, Redemption
from benecomune.vouchers.services import cards, codes
from tests.helpers import actor_for
from tests.vouchers.conftest import new_shop, qr, valid_vat

pytestmark = pytest.mark.django_db


def balance(wallet):
    return statements.balance(wallet.account)


def test_redeem_pays_the_shop_and_returns_a_receipt(pos, voucher, member_shop):
    response = pos("redeem", {"code": qr(voucher), "amount": 1_250}, key="sale-1")
    assert response.status_code == 201, response.body
    body = response.body
    assert body["amount"] == 1_250
    assert body["balance_after"] == 10_000 - 1_250
    assert body["channel"] == "qr"
    assert body["replayed"] is False
    assert balance(voucher) == 8_750
    redemption = Redemption.objects_unscoped.get(pk=body["id"])
    assert redemption.merchant_id == member_shop.pk
    assert redemption.transfer.idempotency_key == f"pos:{member_shop.pk}:sale-1"
    assert redemption.device_id is not None


def test_partial_spending_until_the_balance_is_gone(pos, voucher):
    for amount in (4_000, 4_000, 2_000):
        assert pos("redeem", {"code": qr(voucher), "amount": amount}).status_code == 201
    refused = pos("redeem", {"code": qr(voucher), "amount": 1})
    assert refused.status_code == 409
    assert refused.body["code"] == "insufficient_balance"
    assert balance(voucher) == 0


def test_replay_returns_the_first_redemption_and_moves_nothing(pos, voucher):
    first = pos("redeem", {"code": qr(voucher), "amount": 500}, key="same")
    again = pos("redeem", {"code": qr(voucher), "amount": 500}, key="same")
    assert first.status_code == 201
    assert again.status_code == 200
    assert again.body["id"] == first.body["id"]
    assert again.body["replayed"] is True
    assert balance(voucher) == 9_500
    assert Redemption.objects_unscoped.count() == 1


def test_replay_with_an_expired_qr_still_returns_the_first_result(pos, voucher, monkeypatch):
    token = qr(voucher)
    first = pos("redeem", {"code": token, "amount": 500}, key="retry-late")
    later = timezone.now().timestamp() + codes.QR_SECONDS + 60
    monkeypatch.setattr(codes.time, "time", lambda: later)
    again = pos("redeem", {"code": token, "amount": 500}, key="retry-late")
    assert again.status_code == 200
    assert again.body["id"] == first.body["id"]
    fresh = pos("redeem", {"code": token, "amount": 500}, key="new-sale")
    assert fresh.status_code == 404
    assert fresh.body["code"] == "invalid_code"
    assert balance(voucher) == 9_500


def test_same_key_with_other_data_is_refused(pos, voucher, make_wallet, citizen, network):
    other = make_wallet(
        voucher.fund, 5_000, person=citizen, categories=["grocery"], network=network
    )
    assert pos("redeem", {"code": qr(voucher), "amount": 500}, key="k").status_code == 201
    amount = pos("redeem", {"code": qr(voucher), "amount": 600}, key="k")
    assert amount.status_code == 422
    assert amount.body["code"] == "idempotency_key_reused"
    wallet = pos("redeem", {"code": qr(other), "amount": 500}, key="k")
    assert wallet.body["code"] == "idempotency_key_reused"
    assert "già registrata con dati diversi" in wallet.body["message"]
    assert "pos:" not in wallet.body["message"]  # the ledger's internal key stays inside
    assert balance(voucher) == 9_500
    assert balance(other) == 5_000


def test_missing_or_bad_idempotency_key_is_a_validation_error(pos, voucher):
    for key in (None, "", "x" * 65, "spazi non ammessi"):
        response = pos("redeem", {"code": qr(voucher), "amount": 100}, key=key)
        assert response.status_code == 400, key
        assert response.body["code"] == "validation_error"
        assert "Idempotency-Key" in response.body["message"]
    assert balance(voucher) == 10_000


@pytest.mark.parametrize(
    "body",
    [
        {"amount": 100},
        {"code": "x", "amount": 0},
        {"code": "x", "amount": -5},
        {"code": "x", "amount": "dieci"},
        {"code": "x", "amount": 10**16},
        {"code": "x", "amount": 100, "pin": "12"},
    ],
)
def test_bad_body_is_a_validation_error_in_italian(pos, voucher, body):
    response = pos("redeem", body)
    assert response.status_code == 400
    assert response.body["code"] == "validation_error"
    assert response.body["message"].startswith("Dati non validi")
    assert balance(voucher) == 10_000


def test_unknown_tampered_and_expired_codes(pos, voucher, monkeypatch):
    token = qr(voucher)
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    other_wallet = token.replace(".", ".X", 1)
    for code in (tampered, other_wallet, "BC1.1.2.3", "qualcosa", "12345678"):
        response = pos("redeem", {"code": code, "amount": 100})
        assert response.status_code == 404, code
        assert response.body["code"] == "invalid_code"
    later = timezone.now().timestamp() + codes.QR_SECONDS + 1
    monkeypatch.setattr(codes.time, "time", lambda: later)
    expired = pos("redeem", {"code": token, "amount": 100})
    assert expired.body["code"] == "invalid_code"
    assert "scaduto" in expired.body["message"]
    assert balance(voucher) == 10_000


def test_typed_code_works_until_it_expires(pos, voucher):
    typed = codes.current_typed_code(voucher)
    ok = pos("redeem", {"code": f"{typed.code[:4]} {typed.code[4:]}", "amount": 300})
    assert ok.status_code == 201
    assert ok.body["channel"] == "code"
    type(typed).objects_unscoped.filter(pk=typed.pk).update(expires_at=timezone.now())
    late = pos("redeem", {"code": typed.code, "amount": 300})
    assert late.status_code == 404
    assert late.body["code"] == "invalid_code"
    assert balance(voucher) == 9_700


def test_wallet_expired_or_not_yet_valid(pos, voucher):
    type(voucher).objects_unscoped.filter(pk=voucher.pk).update(
        valid_until=timezone.localdate() - datetime.timedelta(days=1)
    )
    response = pos("redeem", {"code": qr(voucher), "amount": 100})
    assert response.status_code == 409
    assert response.body["code"] == "expired"
    assert "scaduto" in response.body["message"]
    type(voucher).objects_unscoped.filter(pk=voucher.pk).update(
        valid_until=None, valid_from=timezone.localdate() + datetime.timedelta(days=3)
    )
    later = pos("redeem", {"code": qr(voucher), "amount": 100})
    assert later.body["code"] == "expired"
    assert balance(voucher) == 10_000


def test_not_valid_here_category_territory_circuit(
    pos, voucher, join, make_user, municipality, other_municipality, network, client
):
    def shop(name, vat, category, town, joined=True):
        provider = new_shop(name, network, town, category=category, vat_number=vat)
        if joined:
            join(provider, municipality)
        user = make_user(
            f"{provider.slug}@example.org", role=Role.MERCHANT_STAFF, organization=provider
        )
        return create_api_token(actor_for(user, Role.MERCHANT_STAFF, provider), provider, "c")[1]

    clothes = shop("Abiti Belli", valid_vat(), "clothing", municipality)
    response = pos("redeem", {"code": qr(voucher), "amount": 100}, token=clothes)
    assert response.status_code == 403
    assert response.body["code"] == "not_valid_here"
    assert "abbigliamento" in response.body["message"]

    outsider = shop("Bottega Fuori", valid_vat(), "grocery", municipality, joined=False)
    response = pos("redeem", {"code": qr(voucher), "amount": 100}, token=outsider)
    assert response.body["code"] == "not_valid_here"
    assert "circuito" in response.body["message"]

    type(voucher).objects_unscoped.get(pk=voucher.pk).territory_municipalities.set(
        [other_municipality]
    )
    local = shop("Alimentari Due", valid_vat(), "grocery", municipality)
    response = pos("redeem", {"code": qr(voucher), "amount": 100}, token=local)
    assert response.body["code"] == "not_valid_here"
    assert "fuori dai Comuni" in response.body["message"]
    assert balance(voucher) == 10_000


def test_a_municipality_token_is_refused(client, voucher, make_user, municipality):
    user = make_user("admin@example.org", role=Role.MUNICIPALITY_ADMIN, organization=municipality)
    _t, clear = create_api_token(
        actor_for(user, Role.MUNICIPALITY_ADMIN, municipality), municipality, "x"
    )
    response = client.post(
        "/api/v1/pos/redeem",
        data={"code": qr(voucher), "amount": 100},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {clear}",
        HTTP_IDEMPOTENCY_KEY="k1",
    )
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"


def test_no_token_is_unauthorized(client, voucher):
    response = client.post(
        "/api/v1/pos/redeem",
        data={"code": qr(voucher), "amount": 100},
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="k1",
    )
    assert response.status_code == 401
    assert response.json()["code"] == "unauthorized"


def test_card_pin_lockout_and_block(pos, voucher, system_actor):
    card, _pin = cards.issue_card(system_actor, voucher, pin="2468")
    ok = pos("redeem", {"code": card.number, "amount": 100, "pin": "2468"})
    assert ok.status_code == 201
    assert ok.body["channel"] == "card"
    missing = pos("redeem", {"code": card.number, "amount": 100})
    assert missing.status_code == 403
    assert missing.body["code"] == "wrong_pin"
    for attempt in range(1, 5):
        wrong = pos("redeem", {"code": card.number, "amount": 100, "pin": "1357"})
        assert wrong.body["code"] == "wrong_pin"
        assert f"rimasti prima del blocco: {5 - attempt}" in wrong.body["message"]
    fifth = pos("redeem", {"code": card.number, "amount": 100, "pin": "1357"})
    assert fifth.status_code == 423
    assert fifth.body["code"] == "card_locked"
    right = pos("redeem", {"code": card.number, "amount": 100, "pin": "2468"})
    assert right.body["code"] == "card_locked"  # even the right PIN, once locked
    assert balance(voucher) == 9_900

    new_card, new_pin = cards.issue_card(system_actor, voucher)
    old = pos("redeem", {"code": card.number, "amount": 100, "pin": "2468"})
    assert old.status_code == 403
    assert old.body["code"] == "card_blocked"
    assert (
        pos("redeem", {"code": new_card.number, "amount": 100, "pin": new_pin}).status_code == 201
    )
    cards.block_card(system_actor, new_card)
    blocked = pos("redeem", {"code": new_card.number, "amount": 100, "pin": new_pin})
    assert blocked.body["code"] == "card_blocked"
    assert balance(voucher) == 9_800


def test_a_right_pin_resets_the_count(pos, voucher, system_actor):
    card, _pin = cards.issue_card(system_actor, voucher, pin="2468")
    for _ in range(4):
        pos("redeem", {"code": card.number, "amount": 100, "pin": "1111"})
    assert pos("redeem", {"code": card.number, "amount": 100, "pin": "2468"}).status_code == 201
    for _ in range(4):
        assert (
            pos("redeem", {"code": card.number, "amount": 100, "pin": "1111"}).body["code"]
            == "wrong_pin"
        )


def test_too_many_wrong_typed_codes_are_throttled(pos, voucher):
    from stdnum import luhn

    for n in range(codes.MAX_WRONG_CODES):
        body = f"{1000000 + n}"
        code = body + luhn.calc_check_digit(body)
        assert pos("redeem", {"code": code, "amount": 100}).body["code"] == "invalid_code"
    typed = codes.current_typed_code(voucher)
    throttled = pos("redeem", {"code": typed.code, "amount": 100})
    assert throttled.status_code == 429
    assert throttled.body["code"] == "too_many_attempts"
    # The signed QR needs no lookup, so it is never throttled.
    assert pos("redeem", {"code": qr(voucher), "amount": 100}).status_code == 201


def test_authorise_then_capture_part(pos, voucher):
    auth = pos("authorisations", {"code": qr(voucher), "amount": 3_000}, key="a1")
    assert auth.status_code == 201, auth.body
    assert auth.body["status"] == "authorised"
    assert statements.available(voucher.account) == 7_000
    # Held money cannot be spent by another sale.
    assert (
        pos("redeem", {"code": qr(voucher), "amount": 7_001}).body["code"] == "insufficient_balance"
    )
    capture = pos(f"authorisations/{auth.body['id']}/capture", {"amount": 2_000}, key="c1")
    assert capture.status_code == 201, capture.body
    assert capture.body["authorisation_id"] == auth.body["id"]
    assert capture.body["balance_after"] == 8_000
    assert balance(voucher) == 8_000
    assert statements.available(voucher.account) == 8_000
    again = pos(f"authorisations/{auth.body['id']}/capture", {"amount": 2_000}, key="c1")
    assert again.status_code == 200
    assert again.body["id"] == capture.body["id"]
    second = pos(f"authorisations/{auth.body['id']}/capture", {}, key="c2")
    assert second.status_code == 409
    assert second.body["code"] == "authorisation_closed"
    hold = Reservation.objects_unscoped.get()
    assert (hold.consumed, hold.released) == (2_000, 1_000)


def test_authorise_then_void(pos, voucher):
    auth = pos("authorisations", {"code": qr(voucher), "amount": 3_000}, key="a1")
    replay = pos("authorisations", {"code": qr(voucher), "amount": 3_000}, key="a1")
    assert replay.status_code == 200
    assert replay.body["id"] == auth.body["id"]
    voided = pos(f"authorisations/{auth.body['id']}/void", key="v1")
    assert voided.status_code == 200
    assert voided.body["status"] == "voided"
    assert pos(f"authorisations/{auth.body['id']}/void", key="v1").status_code == 200
    assert statements.available(voucher.account) == 10_000
    late = pos(f"authorisations/{auth.body['id']}/capture", {}, key="c1")
    assert late.body["code"] == "authorisation_closed"
    assert balance(voucher) == 10_000


def test_authorisation_expires(pos, voucher, system_actor):
    from benecomune.vouchers.services.authorisations import release_expired

    auth = pos("authorisations", {"code": qr(voucher), "amount": 3_000})
    Authorisation.objects_unscoped.filter(pk=auth.body["id"]).update(expires_at=timezone.now())
    late = pos(f"authorisations/{auth.body['id']}/capture", {})
    assert late.status_code == 409
    assert late.body["code"] == "expired"
    assert release_expired(system_actor) == 1
    assert release_expired(system_actor) == 0
    assert statements.available(voucher.account) == 10_000


def test_keys_are_not_shared_between_operations(pos, voucher):
    assert pos("redeem", {"code": qr(voucher), "amount": 100}, key="one").status_code == 201
    auth = pos("authorisations", {"code": qr(voucher), "amount": 100}, key="one")
    assert auth.body["code"] == "idempotency_key_reused"
    auth = pos("authorisations", {"code": qr(voucher), "amount": 100}, key="two")
    assert auth.status_code == 201
    sale = pos("redeem", {"code": qr(voucher), "amount": 100}, key="two")
    assert sale.body["code"] == "idempotency_key_reused"
    capture = pos(f"authorisations/{auth.body['id']}/capture", {}, key="one")
    assert capture.body["code"] == "idempotency_key_reused"
    assert balance(voucher) == 9_900


def test_void_within_15_minutes_by_the_same_shop(
    pos, voucher, make_user, network, municipality, join
):
    sale = pos("redeem", {"code": qr(voucher), "amount": 2_500})
    rid = sale.body["id"]
    neighbour = new_shop("Vicino", network, municipality)
    join(neighbour, municipality)
    user = make_user("vicino@example.org", role=Role.MERCHANT_STAFF, organization=neighbour)
    other_token = create_api_token(actor_for(user, Role.MERCHANT_STAFF, neighbour), neighbour, "c")[
        1
    ]
    stranger = pos(f"redemptions/{rid}/void", {}, token=other_token)
    assert stranger.status_code == 404
    assert stranger.body["code"] == "not_found"
    assert balance(voucher) == 7_500

    voided = pos(f"redemptions/{rid}/void", {"reason": "errore di battitura"}, key="void-1")
    assert voided.status_code == 200
    assert voided.body["voided"] is True
    assert balance(voucher) == 10_000
    assert pos(f"redemptions/{rid}/void", {}, key="void-1").status_code == 200
    twice = pos(f"redemptions/{rid}/void", {}, key="void-2")
    assert twice.status_code == 409
    assert twice.body["code"] == "void_not_allowed"
    assert balance(voucher) == 10_000
    assert Transfer.objects_unscoped.filter(kind="reversal").count() == 1


def test_void_after_15_minutes_is_refused(pos, voucher):
    sale = pos("redeem", {"code": qr(voucher), "amount": 2_500})
    Redemption.objects_unscoped.filter(pk=sale.body["id"]).update(
        created_at=timezone.now() - datetime.timedelta(minutes=15, seconds=1)
    )
    late = pos(f"redemptions/{sale.body['id']}/void", {})
    assert late.status_code == 409
    assert late.body["code"] == "void_not_allowed"
    assert "15 minuti" in late.body["message"]
    assert balance(voucher) == 7_500


def test_suspended_shop_cannot_redeem(pos, voucher, member_shop, municipality, system_actor):
    from benecomune.vouchers.models import CircuitMembership
    from benecomune.vouchers.services import circuit

    membership = CircuitMembership.objects_unscoped.get(merchant=member_shop)
    circuit.suspend(system_actor, membership, reason="Controllo in corso")
    response = pos("redeem", {"code": qr(voucher), "amount": 100})
    assert response.body["code"] == "not_valid_here"
    assert balance(voucher) == 10_000


def test_openapi_documents_the_pos_api(client, db):
    schema = client.get("/api/v1/openapi.json").json()
    redeem = schema["paths"]["/api/v1/pos/redeem"]["post"]
    assert {"201", "400", "401", "403", "404", "409", "422", "423", "429"} <= set(
        redeem["responses"]
    )
    headers = [p for p in redeem["parameters"] if p["in"] == "header"]
    assert headers[0]["name"] == "Idempotency-Key"
    assert "/api/v1/pos/authorisations/{authorisation_id}/capture" in schema["paths"]


def test_a_body_that_is_not_json_is_a_validation_error(client, device_token, voucher):
    response = client.post(
        "/api/v1/pos/redeem",
        data=b"\x00{non json",
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {device_token}",
        HTTP_IDEMPOTENCY_KEY="k1",
    )
    assert response.status_code == 400
    assert response.json() == {
        "code": "validation_error",
        "message": "Il corpo della richiesta non è JSON valido.",
    }
    assert statements.balance(voucher.account) == 10_000

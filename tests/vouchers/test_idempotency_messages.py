"""A retry with the same Idempotency-Key and other data is refused with a clear Italian
message that shows no internal key (it showed "La chiave pos:11:... è già stata usata")."""

import re

from tests.vouchers.conftest import qr

INTERNAL = re.compile(r"pos:\d+:|hold:|chiave \S+ è già")


def assert_plain(message: str) -> None:
    assert not INTERNAL.search(message), message
    assert "non è stato addebitato nulla" in message


def test_same_key_other_amount(pos, voucher):
    assert pos("redeem", {"code": qr(voucher), "amount": 500}, key="vendita-1").status_code == 201
    again = pos("redeem", {"code": qr(voucher), "amount": 700}, key="vendita-1")
    assert again.status_code == 422
    assert again.body["code"] == "idempotency_key_reused"
    assert_plain(again.body["message"])
    assert "vendita-1" not in again.body["message"]


def test_same_key_other_wallet(pos, voucher, make_wallet, citizen, network):
    other = make_wallet(
        voucher.fund, 5_000, person=citizen, categories=["grocery"], network=network
    )
    assert pos("redeem", {"code": qr(voucher), "amount": 500}, key="k-9").status_code == 201
    again = pos("redeem", {"code": qr(other), "amount": 500}, key="k-9")
    assert again.body["code"] == "idempotency_key_reused"
    assert_plain(again.body["message"])


def test_a_redemption_key_replayed_as_an_authorisation(pos, voucher):
    assert pos("redeem", {"code": qr(voucher), "amount": 500}, key="k-10").status_code == 201
    again = pos("authorisations", {"code": qr(voucher), "amount": 500}, key="k-10")
    assert again.body["code"] == "idempotency_key_reused"
    assert_plain(again.body["message"])


def test_a_call_without_the_key_is_refused_as_documented(pos, voucher):
    response = pos("redeem", {"code": qr(voucher), "amount": 100}, key=None)
    assert response.status_code == 400
    assert response.body["code"] == "validation_error"
    assert response.body["message"].startswith("Manca l'intestazione Idempotency-Key")

"""A typed (dictated) code is good for one payment or one authorisation: once used it is
consumed, a second use is refused with `code_used` and an Italian message, a refused payment
leaves it usable, a retry with the same key returns the first receipt, and on PostgreSQL 20
tills typing the same code at once make exactly one payment."""

import re

import pytest
from django.test import Client

from benecomune.core.models import Role
from benecomune.ledger.services import statements
from benecomune.vouchers.models import Redemption
from benecomune.vouchers.services import codes
from tests.helpers import run_parallel

pytestmark = pytest.mark.django_db


def balance(wallet):
    return statements.balance(wallet.account)


def test_a_typed_code_pays_once(pos, voucher):
    typed = codes.current_typed_code(voucher)
    first = pos("redeem", {"code": typed.code, "amount": 300}, key="sale-1")
    assert first.status_code == 201
    again = pos("redeem", {"code": typed.code, "amount": 300}, key="sale-2")
    assert again.status_code == 409
    assert again.body["code"] == "code_used"
    assert "già stato usato" in again.body["message"]
    assert "codice nuovo" in again.body["message"]
    assert balance(voucher) == 9_700
    # The till's retry of the first sale still gets its receipt, and nothing moves.
    retry = pos("redeem", {"code": typed.code, "amount": 300}, key="sale-1")
    assert (retry.status_code, retry.body["id"], retry.body["replayed"]) == (
        200,
        first.body["id"],
        True,
    )
    # The citizen's page now shows a new code, which pays once in turn.
    fresh = codes.current_typed_code(voucher)
    assert fresh.code != typed.code
    assert pos("redeem", {"code": fresh.code, "amount": 200}).status_code == 201
    assert balance(voucher) == 9_500
    assert Redemption.objects_unscoped.count() == 2


def test_a_refused_payment_leaves_the_code_usable(pos, voucher):
    typed = codes.current_typed_code(voucher)
    too_much = pos("redeem", {"code": typed.code, "amount": 10_001})
    assert too_much.body["code"] == "insufficient_balance"
    assert pos("redeem", {"code": typed.code, "amount": 1_000}).status_code == 201
    assert balance(voucher) == 9_000


def test_a_used_code_is_not_counted_as_a_guess(pos, voucher):
    typed = codes.current_typed_code(voucher)
    assert pos("redeem", {"code": typed.code, "amount": 100}).status_code == 201
    for _attempt in range(codes.MAX_WRONG_CODES + 1):
        assert pos("redeem", {"code": typed.code, "amount": 100}).body["code"] == "code_used"


def test_a_typed_code_authorises_once(pos, voucher):
    typed = codes.current_typed_code(voucher)
    held = pos("authorisations", {"code": typed.code, "amount": 3_000}, key="auth-1")
    assert held.status_code == 201
    second = pos("authorisations", {"code": typed.code, "amount": 3_000}, key="auth-2")
    assert (second.status_code, second.body["code"]) == (409, "code_used")
    paid = pos("redeem", {"code": typed.code, "amount": 100})
    assert paid.body["code"] == "code_used"
    retry = pos("authorisations", {"code": typed.code, "amount": 3_000}, key="auth-1")
    assert (retry.body["id"], retry.body["replayed"]) == (held.body["id"], True)
    # Capturing and voiding need no code: the authorisation goes on as before.
    captured = pos(f"authorisations/{held.body['id']}/capture", {"amount": 2_240})
    assert captured.status_code == 201
    assert balance(voucher) == 10_000 - 2_240


@pytest.fixture
def till_client(staff_client, member_shop):
    client, _user, _membership = staff_client(Role.MERCHANT_STAFF, member_shop)
    return client


def _read(client, code):
    html = client.post("/gestione/cassa/", {"code": code}).content.decode()
    found = re.search(r'name="context" value="([^"]+)"', html)
    return html, found.group(1) if found else None


def test_the_till_page_charges_a_typed_code_once(till_client, voucher):
    typed = codes.current_typed_code(voucher)
    _html, context = _read(till_client, typed.code)
    charge = till_client.post(
        "/gestione/cassa/incassa/", {"amount": "5", "context": context, "idempotency_key": "p1"}
    )
    assert charge.status_code == 302
    # The same panel sent again with a new key (a second sale on the dictated code): refused.
    again = till_client.post(
        "/gestione/cassa/incassa/", {"amount": "5", "context": context, "idempotency_key": "p2"}
    )
    assert again.status_code == 200
    assert "già stato usato" in again.content.decode()
    # Typing the code again: refused at once, with the same explanation.
    html, context = _read(till_client, typed.code)
    assert context is None
    assert "già stato usato" in html
    assert balance(voucher) == 9_500
    assert Redemption.objects_unscoped.count() == 1


def _twenty_tills_at_once(path: str, code: str, device_token: str, key_prefix: str):
    """20 tills POST the same typed code (1 euro) to /api/v1/pos/<path> at once, each with its
    own idempotency key: ([(status, body)], errors) as run_parallel gives them."""

    def work(i):
        response = Client().post(
            f"/api/v1/pos/{path}",
            data={"code": code, "amount": 100},
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {device_token}",
            HTTP_IDEMPOTENCY_KEY=f"{key_prefix}-{i}",
        )
        return response.status_code, response.json()

    return run_parallel(20, work)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_20_tills_typing_one_code_at_once_make_one_payment(voucher, device_token):
    code = codes.current_typed_code(voucher).code
    results, errors = _twenty_tills_at_once("redeem", code, device_token, "typed")
    assert errors == []
    assert sorted(status for status, _body in results) == [201] + [409] * 19
    assert {body["code"] for status, body in results if status == 409} == {"code_used"}
    assert Redemption.objects_unscoped.count() == 1
    assert balance(voucher) == 9_900


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_20_parallel_authorisations_with_one_code_hold_once(voucher, device_token):
    code = codes.current_typed_code(voucher).code
    results, errors = _twenty_tills_at_once("authorisations", code, device_token, "hold")
    assert errors == []
    assert sorted(status for status, _body in results) == [201] + [409] * 19
    voucher.account.refresh_from_db()
    assert voucher.account.held == 100

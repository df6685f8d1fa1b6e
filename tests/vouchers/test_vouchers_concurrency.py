"""PostgreSQL: tills hammering one voucher at once, through the whole API (token, middleware,
services, ledger), each thread with its own connection."""

import pytest
from django.test import Client

from benecomune.ledger.models import Transfer
from benecomune.ledger.services import statements
from benecomune.vouchers.models import Redemption
from tests.helpers import run_parallel
from tests.vouchers.conftest import qr

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _post(token, key, body):
    response = Client().post(
        "/api/v1/pos/redeem",
        data=body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
        HTTP_IDEMPOTENCY_KEY=key,
    )
    return response.status_code, response.json()


def test_64_parallel_redemptions_never_overspend(voucher, device_token):
    code = qr(voucher)  # one QR shown to 64 tills at once: the balance is the only limit

    def work(i):
        return _post(device_token, f"par-{i}", {"code": code, "amount": 300})

    results, errors = run_parallel(64, work)
    assert errors == []
    paid = [body for status, body in results if status == 201]
    refused = [body for status, body in results if status != 201]
    assert len(paid) == 10_000 // 300
    assert {b["code"] for b in refused} == {"insufficient_balance"}
    assert statements.balance(voucher.account) == 10_000 - 300 * len(paid)
    assert Redemption.objects_unscoped.count() == len(paid)
    assert min(b["balance_after"] for b in paid) >= 0


def test_parallel_replays_of_one_key_have_one_effect(voucher, device_token):
    code = qr(voucher)

    def work(i):
        return _post(device_token, "one-key", {"code": code, "amount": 1_234})

    results, errors = run_parallel(32, work)
    assert errors == []
    assert {status for status, _b in results} <= {200, 201}
    assert sorted(status for status, _b in results).count(201) == 1
    assert len({body["id"] for _s, body in results}) == 1
    assert Transfer.objects_unscoped.filter(kind="payment").count() == 1
    assert Redemption.objects_unscoped.count() == 1
    assert statements.balance(voucher.account) == 10_000 - 1_234

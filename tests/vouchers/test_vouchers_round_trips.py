"""Round trips per redemption: a functional check of the hot path's queries, not a timing.

After the first call (device token cached in the process) a device's one-step redemption with
a QR code is, on PostgreSQL, one statement on the API's fast path (`vouchers_redeem_at_till()`:
the cached token still valid, the wallet with its shop and circuit, the payment through
`ledger_transfer()`, the redemption row and the citizen's notice in the outbox): the fast path
does not read the shared token revocation version, the statement checks the token's row
instead. Through the full API handler it is two: the handler authenticates every request
before routing it (the revocation version, one primary-key read), then the same statement. The till
page's path is two: the wallet with its shop and circuit (one query), and the payment with its
redemption row (`vouchers_redeem()`).
SQLite runs the Python path instead: the wallet, then in one transaction the ledger's five
statements (in a savepoint) and the row, and the citizen's notice is a Celery task queued after
the commit (`queued_notices` records it as a broker would): no statement of its own on the
till's path when a broker is configured."""

import pytest
from django.db import connection

from tests.vouchers.conftest import qr

pytestmark = pytest.mark.django_db(transaction=True)

# Asked before every payment: does the shop give a share to a social project (observatory)?
SHARED_VALUE_LOOKUP = "shared value lookup"


def _calls(captured) -> list[str]:
    return [
        SHARED_VALUE_LOOKUP if q["sql"].startswith("SELECT a.mode") else q["sql"].split("(")[0]
        for q in captured.captured_queries
    ]


def test_redeem_round_trips(pos, voucher, django_assert_max_num_queries, queued_notices):
    assert pos("redeem", {"code": qr(voucher), "amount": 100}).status_code == 201
    # + 1: the token revocation version, read on every call (core/services/tokens.py); + 1:
    # the shared value lookup (ledger/services/sharing.py: does the shop give a share?).
    limit = 3 if connection.vendor == "postgresql" else 13
    with django_assert_max_num_queries(limit) as captured:
        response = pos("redeem", {"code": qr(voucher), "amount": 100})
    assert response.status_code == 201
    if connection.vendor == "postgresql":
        calls = _calls(captured)
        assert calls == [
            "SELECT value FROM core_sharedcounter WHERE \"key\" = 'api-tokens:revocation-version'",
            SHARED_VALUE_LOOKUP,
            "SELECT * FROM vouchers_redeem_at_till",
        ]
        assert queued_notices == []  # the notice is in the outbox, written by the statement
    else:
        assert queued_notices[-1] == ("payment", response.json()["id"])


@pytest.mark.postgres
def test_the_fast_path_redeem_is_one_statement(
    voucher, device_token, django_assert_max_num_queries, queued_notices
):
    from benecomune.vouchers.models import TillNotice
    from tests.vouchers.test_vouchers_api_fast import Paths, call

    paths = Paths()
    assert call(paths.fast, {"code": qr(voucher), "amount": 100}, token=device_token).body
    with django_assert_max_num_queries(2) as captured:
        answer = call(paths.fast, {"code": qr(voucher), "amount": 100}, token=device_token)
    assert (answer.status_code, paths.fallbacks) == (201, 0)
    calls = _calls(captured)
    assert calls == [SHARED_VALUE_LOOKUP, "SELECT * FROM vouchers_redeem_at_till"]
    assert queued_notices == []  # nothing published: the statement wrote the outbox row
    assert TillNotice.objects.filter(kind="payment", object_id=answer.body["id"]).exists()


@pytest.mark.postgres
def test_the_till_page_path_is_two_statements(
    ctx, cashier_actor, voucher, django_assert_max_num_queries, queued_notices
):
    from benecomune.vouchers.services import redeem

    voucher_read = redeem.identify(cashier_actor, ctx, qr(voucher), key="t1")
    with django_assert_max_num_queries(2) as captured:
        redeem.redeem(cashier_actor, ctx, amount=100, idempotency_key="t1", voucher=voucher_read)
    calls = _calls(captured)
    assert calls == [SHARED_VALUE_LOOKUP, "SELECT * FROM vouchers_redeem"]


def test_a_replay_costs_a_few_queries_more_and_moves_nothing(
    pos, voucher, django_assert_max_num_queries
):
    first = pos("redeem", {"code": qr(voucher), "amount": 100}, key="r")
    with django_assert_max_num_queries(9 if connection.vendor == "postgresql" else 15):
        again = pos("redeem", {"code": qr(voucher), "amount": 100}, key="r")
    assert again.body["id"] == first.body["id"]


@pytest.mark.postgres
def test_the_functions_return_what_the_plain_sql_returns(voucher, member_shop, join, system_actor):
    """PostgreSQL runs the till's SELECT and INSERT inside PL/pgSQL functions (migration
    0002); SQLite runs the plain SQL. Both give the same rows."""
    from benecomune.ledger.services import wallets
    from benecomune.vouchers.services import lookup, redeem

    with connection.cursor() as cursor:
        for merchant_id, key in ((member_shop.pk, "k"), (None, "")):
            cursor.execute(lookup._SQL["postgresql"], [key, merchant_id, voucher.pk])
            plain = cursor.fetchone()
            cursor.execute(lookup._PG_CALL, [key, merchant_id, voucher.pk])
            function = cursor.fetchone()
            assert plain == function
    payment = wallets.pay_from_wallet(
        system_actor, wallet=voucher, merchant=member_shop, amount=100, idempotency_key="p"
    )
    params = [member_shop.pk, voucher.organization_id, voucher.pk, payment.pk, 100]
    params += [voucher.account_id, "qr", None, None, None, None, payment.created_at]
    with connection.cursor() as cursor:
        cursor.execute(redeem._PG_RECORD_CALL, params)
        assert cursor.fetchone()[1] == 9_900
        cursor.execute(redeem._PG_RECORD_CALL, params)
        assert cursor.fetchone() is None  # ON CONFLICT (transfer): nothing written twice

"""The POS API's fast path (benecomune.api.fast_path, vouchers.api_fast) against the full stack.

The plain QR redemption is answered by the fast path with the full stack's status, JSON and
headers, and the same effect on the ledger; every other request goes to the full stack, whose
answer then comes back unchanged. The fast path is compared with `ApiWSGIHandler`, the full
API handler it stands in front of."""

import json
import logging

import pytest
from django.conf import settings
from django.test import RequestFactory, override_settings

from benecomune.api.fast_path import FastPath
from benecomune.api.handler import ApiWSGIHandler
from benecomune.core.services.tokens import create_api_token
from benecomune.vouchers import api_fast
from benecomune.vouchers.models import Redemption
from benecomune.vouchers.services import codes
from tests.vouchers.conftest import new_key, qr
from tests.vouchers.test_vouchers_pos_api import balance

pytestmark = [pytest.mark.django_db(transaction=True)]

PATH = "/api/v1/pos/redeem"


class Answer:
    def __init__(self, status: str, headers: list, body: bytes):
        self.status_code = int(status.split()[0])
        self.headers = dict(headers)
        json_answer = self.headers.get("Content-Type") == "application/json"
        self.body = json.loads(body) if json_answer else None


def call(app, body, *, token, key="auto", **extra) -> Answer:
    """A WSGI call of `app`, as gunicorn would make it."""
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}", **extra}
    if key == "auto":
        key = new_key()
    if key is not None:
        headers["HTTP_IDEMPOTENCY_KEY"] = key
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    environ = RequestFactory().generic("POST", PATH, data, "application/json", **headers).environ
    environ["HTTP_HOST"] = "testserver"
    seen = []
    chunks = app(environ, lambda status, headers: seen.append((status, headers)))
    try:
        return Answer(*seen[0], b"".join(chunks))
    finally:
        getattr(chunks, "close", lambda: None)()


class Paths:
    """The fast path in front of the full API handler, counting what falls through."""

    def __init__(self):
        self.full = ApiWSGIHandler()
        self.fallbacks = 0

        def fallback(environ, start_response):
            self.fallbacks += 1
            return self.full(environ, start_response)

        self.fast = FastPath(fallback, api_fast.ROUTES)


@pytest.fixture
def paths():
    return Paths()


@pytest.mark.postgres
def test_the_fast_path_answers_a_plain_qr_redemption_as_the_full_stack(
    paths, voucher, device_token
):
    before = balance(voucher)
    fast = call(paths.fast, {"code": qr(voucher), "amount": 250}, token=device_token)
    assert paths.fallbacks == 0
    full = call(paths.full, {"code": qr(voucher), "amount": 250}, token=device_token)
    assert fast.status_code == full.status_code == 201
    assert fast.body.keys() == full.body.keys()
    same = ("amount", "currency", "channel", "voided", "voided_at", "authorisation_id")
    assert all(fast.body[name] == full.body[name] for name in (*same, "replayed"))
    assert fast.body["balance_after"] == before - 250
    assert full.body["balance_after"] == before - 500
    assert balance(voucher) == before - 500
    assert {k: v for k, v in fast.headers.items() if k != "Content-Length"} == {
        k: v for k, v in full.headers.items() if k != "Content-Length"
    }
    assert int(fast.headers["Content-Length"]) == len(json.dumps(fast.body).encode())
    row = Redemption.objects_unscoped.get(pk=fast.body["id"])
    assert (row.amount, row.channel, row.device_id is not None) == (250, "qr", True)


HTTPS_PROXY = override_settings(
    SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"),
    SECURE_HSTS_SECONDS=31536000,
    SECURE_HSTS_INCLUDE_SUBDOMAINS=True,
    SECURE_HSTS_PRELOAD=True,
    SECURE_REFERRER_POLICY=["strict-origin", "same-origin"],
    SECURE_SSL_REDIRECT=True,
)


@pytest.mark.postgres
@HTTPS_PROXY
def test_behind_an_https_proxy_the_headers_are_the_full_stacks(voucher, device_token):
    paths = Paths()  # its middleware reads these settings when it is built
    https = {"HTTP_X_FORWARDED_PROTO": "https"}
    fast = call(paths.fast, {"code": qr(voucher), "amount": 100}, token=device_token, **https)
    full = call(paths.full, {"code": qr(voucher), "amount": 100}, token=device_token, **https)
    assert paths.fallbacks == 0
    assert fast.status_code == full.status_code == 201
    assert fast.headers["Strict-Transport-Security"] == (
        "max-age=31536000; includeSubDomains; preload"
    )
    del fast.headers["Content-Length"], full.headers["Content-Length"]
    assert fast.headers == full.headers
    # Plain HTTP: the full stack redirects to HTTPS.
    plain = call(paths.fast, {"code": qr(voucher), "amount": 100}, token=device_token)
    assert plain.status_code == 301
    assert paths.fallbacks == 1


def _other_token(make_user, municipality):
    from benecomune.core.models import Role
    from tests.helpers import actor_for

    admin = make_user(
        "admin.fast@example.org", role=Role.MUNICIPALITY_ADMIN, organization=municipality
    )
    actor = actor_for(admin, Role.MUNICIPALITY_ADMIN, municipality)
    return create_api_token(actor, municipality, "Gestionale")[1]


def forged(code: str) -> str:
    return code[:-1] + ("B" if code.endswith("A") else "A")


# name -> (body, extra WSGI environ or a callable of the fixtures giving it)
FALLBACKS = {
    "typed code": (lambda v: {"code": codes.current_typed_code(v).code, "amount": 100}, {}),
    "a PIN with the code": (lambda v: {"code": qr(v), "amount": 100, "pin": "1234"}, {}),
    "another field": (lambda v: {"code": qr(v), "amount": 100, "note": "x"}, {}),
    "amount as text": (lambda v: {"code": qr(v), "amount": "100"}, {}),
    "amount zero": (lambda v: {"code": qr(v), "amount": 0}, {}),
    "more than the balance": (lambda v: {"code": qr(v), "amount": 10_001}, {}),
    "forged QR": (lambda v: {"code": forged(qr(v)), "amount": 100}, {}),
    "not JSON": (lambda v: b"{code:", {}),
    "a list": (lambda v: [qr(v), 100], {}),
    "no Idempotency-Key": (lambda v: {"code": qr(v), "amount": 100}, {"key": None}),
    "bad Idempotency-Key": (lambda v: {"code": qr(v), "amount": 100}, {"key": "a b"}),
    "unknown token": (lambda v: {"code": qr(v), "amount": 100}, {"token": "bc_nope"}),
    "language chosen by cookie": (
        lambda v: {"code": qr(v), "amount": 100},
        {"HTTP_COOKIE": f"{settings.LANGUAGE_COOKIE_NAME}=en"},
    ),
    "host not allowed": (lambda v: {"code": qr(v), "amount": 100}, {"host": "evil.example"}),
}


@pytest.mark.postgres
@pytest.mark.parametrize("name", list(FALLBACKS))
def test_anything_else_is_answered_by_the_full_stack(name, paths, voucher, device_token):
    make_body, extra = FALLBACKS[name]
    answers = []
    for app in (paths.fast, paths.full):
        options = {"token": device_token, **extra}
        host = options.pop("host", None)
        if host:
            options["HTTP_X_FORWARDED_HOST"] = host
        with override_settings(USE_X_FORWARDED_HOST=bool(host)):
            answer = call(app, make_body(voucher), **options)
        answers.append((answer.status_code, (answer.body or {}).get("code")))
    assert paths.fallbacks == 1
    assert answers[0] == answers[1]


@pytest.mark.postgres
def test_a_token_of_a_comune_goes_to_the_full_stack(
    paths, voucher, device_token, make_user, municipality
):
    token = _other_token(make_user, municipality)
    answer = call(paths.fast, {"code": qr(voucher), "amount": 100}, token=token)
    assert paths.fallbacks == 1
    assert answer.status_code == 403
    assert answer.body["code"] == "forbidden"


@pytest.mark.postgres
def test_a_replay_is_answered_by_the_full_stack_with_the_first_receipt(
    paths, voucher, device_token
):
    code = qr(voucher)
    first = call(paths.fast, {"code": code, "amount": 300}, token=device_token, key="sale-9")
    again = call(paths.fast, {"code": code, "amount": 300}, token=device_token, key="sale-9")
    assert (first.status_code, again.status_code, paths.fallbacks) == (201, 200, 1)
    assert again.body["id"] == first.body["id"]
    assert again.body["replayed"] is True
    assert balance(voucher) == 10_000 - 300


@pytest.mark.postgres
def test_a_bug_in_a_route_is_logged_and_the_full_stack_answers(
    paths, voucher, device_token, monkeypatch, caplog
):
    def broken(environ, body):
        raise RuntimeError("bug")

    monkeypatch.setitem(paths.fast.routes, ("POST", PATH), broken)
    with caplog.at_level(logging.ERROR, logger="benecomune.api.fast_path"):
        answer = call(paths.fast, {"code": qr(voucher), "amount": 100}, token=device_token)
    assert answer.status_code == 201
    assert paths.fallbacks == 1
    assert "fast path failed" in caplog.text


def test_on_sqlite_the_full_stack_answers(paths, voucher, device_token):
    # Without PostgreSQL's one-statement function, every call goes the usual way.
    from django.db import connection

    if connection.vendor == "postgresql":
        pytest.skip("SQLite only")
    answer = call(paths.fast, {"code": qr(voucher), "amount": 100}, token=device_token)
    assert answer.status_code == 201
    assert paths.fallbacks == 1


@pytest.mark.postgres
@pytest.mark.parametrize("announced", [True, False])
def test_a_token_revoked_by_another_process_is_refused_while_still_cached(
    paths, voucher, device_token, announced
):
    """The fast path takes a cached token without reading the revocation version; its one
    statement checks the token's row, so another process's revocation (here the database
    alone: this process's cache is left as it was) is refused at the next payment, announced
    through the shared version or not."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from benecomune.core.models import ApiToken, SharedCounter
    from benecomune.core.models.tokens import hash_token
    from benecomune.core.services import tokens

    body = {"code": qr(voucher), "amount": 100}
    assert call(paths.fast, body, token=device_token).status_code == 201
    before, redemptions = balance(voucher), Redemption.objects_unscoped.count()
    ApiToken.objects_unscoped.filter(key_hash=hash_token(device_token)).update(
        revoked_at=timezone.now()
    )
    if announced:
        SharedCounter.objects.update_or_create(
            key=tokens.REVOCATION_VERSION_COUNTER, defaults={"value": 99}
        )
    assert tokens.cached_token(device_token) is not None  # still in this process's cache
    with CaptureQueriesContext(connection) as captured:
        answer = call(paths.fast, body, token=device_token)
    assert answer.status_code == 401
    assert paths.fallbacks == 1  # refused by the full API, after the fast path's statement
    # After the shared value lookup (ledger/services/sharing.py).
    fast_path_queries = [q["sql"] for q in captured.captured_queries][1:3]
    assert fast_path_queries[0].startswith("SELECT * FROM vouchers_redeem_at_till(")
    assert "vouchers_redeem_at_till" not in fast_path_queries[1]
    assert tokens.cached_token(device_token) is None  # forgotten
    assert balance(voucher) == before
    assert Redemption.objects_unscoped.count() == redemptions


@pytest.mark.postgres
def test_with_three_workers_a_revocation_nobody_announced_stops_fast_path_payments(
    voucher, device_token
):
    """Across processes: every gunicorn worker has the token cached and pays on the fast path;
    the token is then revoked in the database alone (no version bump, no cache cleared), which
    the version check alone would not see for up to 60 s. The payment's statement checks the
    token's row: every worker refuses (401) and nothing more is paid."""
    from django.utils import timezone

    from benecomune.core.models import ApiToken
    from benecomune.core.models.tokens import hash_token
    from tests.core import workers

    headers = {"Authorization": f"Bearer {device_token}", "Content-Type": "application/json"}

    def pay(n):
        body = json.dumps({"code": qr(voucher), "amount": 100}).encode()
        return workers.request(
            base + PATH, data=body, headers={**headers, "Idempotency-Key": f"w-{n}"}
        )

    with workers.gunicorn(3) as base:
        paid_by = set()
        for start in range(0, 60, 3):
            for n, (status, _body, pid) in zip(
                range(start, start + 3), workers.burst(pay, range(start, start + 3)), strict=True
            ):
                assert status == 201, (n, _body)
                paid_by.add(pid)
            if len(paid_by) == 3:
                break
        assert len(paid_by) == 3, paid_by
        before = balance(voucher)
        ApiToken.objects_unscoped.filter(key_hash=hash_token(device_token)).update(
            revoked_at=timezone.now()
        )
        refused_by = set()
        for start in range(100, 160, 3):
            for n, (status, _body, pid) in zip(
                range(start, start + 3), workers.burst(pay, range(start, start + 3)), strict=True
            ):
                assert status == 401, (n, pid)
                refused_by.add(pid)
            if len(refused_by) == 3:
                break
        assert refused_by == paid_by
        assert balance(voucher) == before

"""A revoked device token stops working at once on every worker (issue 12, point 5), though
each worker keeps valid tokens in memory."""

import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from benecomune.core.models import ApiToken, Role, SharedCounter
from benecomune.core.scoping import all_tenants
from benecomune.core.services import tokens
from tests.core import workers


def create_token_on_page(client, name="Cassa 1") -> tuple[ApiToken, str]:
    page = client.post("/gestione/token/", {"name": name}).content.decode()
    clear = re.search(r"bc_[A-Za-z0-9_\-]{20,}", page).group(0)
    with all_tenants():
        return ApiToken.objects.get(name=name), clear


def test_a_token_cached_before_another_workers_revocation_is_refused(
    api_client, staff_client, shop
):
    """Another worker's revocation is simulated by the database alone: the row and the
    version change, this process's cache is left as it was."""
    client, _user, _m = staff_client(Role.MERCHANT_STAFF, shop)
    token, clear = create_token_on_page(client)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {clear}"}
    assert api_client.get("/api/v1/whoami", **auth).status_code == 200  # now cached
    with CaptureQueriesContext(connection) as cached_call:
        assert tokens.authenticate_token(clear) is not None
    assert len(cached_call) == 1  # the version only: the token itself came from the cache
    from django.utils import timezone

    ApiToken.objects_unscoped.filter(pk=token.pk).update(revoked_at=timezone.now())
    assert api_client.get("/api/v1/whoami", **auth).status_code == 200  # nobody announced it
    SharedCounter.objects.update_or_create(
        key=tokens.REVOCATION_VERSION_COUNTER, defaults={"value": 99}
    )
    assert api_client.get("/api/v1/whoami", **auth).status_code == 401


def test_revoking_bumps_the_shared_version_in_its_transaction(staff_client, shop):
    client, _user, _m = staff_client(Role.MERCHANT_STAFF, shop)
    token, _clear = create_token_on_page(client)
    before = tokens.shared_counters.store().version(tokens.REVOCATION_VERSION_COUNTER)
    client.post(f"/gestione/token/{token.pk}/revoca/")
    after = tokens.shared_counters.store().version(tokens.REVOCATION_VERSION_COUNTER)
    assert after == before + 1


def test_a_token_changed_in_the_django_admin_is_announced(client, db, shop, system_actor):
    from django.contrib.auth import get_user_model
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from tests.conftest import PASSWORD
    from tests.helpers import login

    root = get_user_model().objects.create_superuser("root@example.org", PASSWORD)
    TOTPDevice.objects.create(user=root, name="app", confirmed=True)
    login(client, root)
    with all_tenants():
        token = ApiToken.objects_unscoped.create(
            organization=shop, name="Cassa", prefix="bc_x", key_hash="0" * 64
        )
    before = tokens.shared_counters.store().version(tokens.REVOCATION_VERSION_COUNTER)
    response = client.post(f"/admin/core/apitoken/{token.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302, response
    assert response["Location"] == "/admin/core/apitoken/"
    assert not ApiToken.objects_unscoped.filter(pk=token.pk).exists()
    assert tokens.shared_counters.store().version(tokens.REVOCATION_VERSION_COUNTER) > before


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_with_three_workers_a_revoked_token_is_refused_by_every_worker_at_once(staff_client, shop):
    client, _user, _m = staff_client(Role.MERCHANT_STAFF, shop)
    token, clear = create_token_on_page(client)
    bearer = {"Authorization": f"Bearer {clear}"}
    redeem = json.dumps({"code": "BC1.nonvalido", "amount": 100}).encode()

    def redeem_headers(n):
        return {**bearer, "Content-Type": "application/json", "Idempotency-Key": f"k-{n}"}

    with workers.gunicorn(3) as base:
        # Every worker accepts the token and keeps it in its cache.
        warm = set()

        def whoami(_n):
            return workers.request(base + "/api/v1/whoami", headers=bearer)

        for start in range(0, 60, 3):
            for status, _body, pid in workers.burst(whoami, range(start, start + 3)):
                assert status == 200
                warm.add(pid)
            if len(warm) == 3:
                break
        assert len(warm) == 3, warm
        status, _body, _pid = workers.request(
            base + "/api/v1/pos/redeem", data=redeem, headers=redeem_headers(0)
        )
        assert status not in (200, 401)  # the token passes; the made-up code does not

        # Revoked on the organisation's page (by this process, which is none of the workers).
        client.post(f"/gestione/token/{token.pk}/revoca/")

        refused = set()

        def both(n):
            first = workers.request(base + "/api/v1/whoami", headers=bearer)
            second = workers.request(
                base + "/api/v1/pos/redeem", data=redeem, headers=redeem_headers(n + 1)
            )
            return first, second

        for start in range(0, 60, 3):
            for n, ((status, _body, pid), (status2, _body2, pid2)) in zip(
                range(start, start + 3), workers.burst(both, range(start, start + 3)), strict=True
            ):
                assert status == 401, (n, pid)
                assert status2 == 401, (n, pid2)
                refused |= {pid, pid2}
            if len(refused) == 3:
                break
        assert refused == warm

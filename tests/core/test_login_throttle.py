"""Login throttling per account and per IP address, in a store every worker shares (issue 12,
point 4): the site's login and the Django admin's, and the deploy check on the store."""

import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.checks import Error
from django.core.management import CommandError, call_command

from benecomune.core.checks import shared_counters_store_check
from benecomune.core.models import SharedCounter, User
from tests.conftest import PASSWORD
from tests.core import workers

WRONG = "E-mail o password non corretti"
LOCKED = "Troppi tentativi non riusciti"
NETWORK_LOCKED = "Troppi tentativi di accesso non riusciti da questa rete"


@pytest.fixture
def citizen(make_user, make_person, municipality):
    return make_user(
        "maria@example.org", person=make_person(municipality, first_name="Maria", sex="F")
    )


def attempt(client, email, password, ip="192.0.2.10", path="/accedi/"):
    data = {"username": email, "password": password}
    if path.startswith("/admin/"):
        data["next"] = "/admin/"
    response = client.post(path, data, REMOTE_ADDR=ip)
    return response.status_code, response.content.decode()


def test_wrong_passwords_lock_the_account_exactly_at_the_threshold(client, citizen, settings):
    settings.LOGIN_THROTTLE_MAX_FAILURES = 4
    for _ in range(4):
        status, page = attempt(client, "maria@example.org", "sbagliata")
        assert status == 200 and WRONG in page and LOCKED not in page
    status, page = attempt(client, "Maria@Example.org", PASSWORD)
    assert status == 200 and LOCKED in page and "15 minuti" in page
    assert "_auth_user_id" not in client.session


def test_one_failure_short_of_the_threshold_still_logs_in(client, citizen, settings):
    settings.LOGIN_THROTTLE_MAX_FAILURES = 4
    for _ in range(3):
        attempt(client, "maria@example.org", "sbagliata")
    assert attempt(client, "maria@example.org", PASSWORD)[0] == 302
    client.logout()
    # The success cleared the count: four more failures are needed for a lock.
    for _ in range(3):
        attempt(client, "maria@example.org", "sbagliata")
    assert attempt(client, "maria@example.org", PASSWORD)[0] == 302


def test_a_locked_account_cannot_log_in_until_the_lock_expires(client, citizen, settings):
    settings.LOGIN_THROTTLE_MAX_FAILURES = 3
    settings.LOGIN_THROTTLE_LOCK_SECONDS = 2
    for _ in range(3):
        attempt(client, "maria@example.org", "sbagliata")
    started = time.monotonic()
    for _ in range(3):  # the right password, again and again: refused, and no longer lock
        status, page = attempt(client, "maria@example.org", PASSWORD)
        assert status == 200 and LOCKED in page
        time.sleep(0.4)
    assert "_auth_user_id" not in client.session
    time.sleep(max(0.0, 2.2 - (time.monotonic() - started)))
    assert attempt(client, "maria@example.org", PASSWORD)[0] == 302


def test_one_address_spraying_many_accounts_is_throttled(client, citizen, settings):
    settings.LOGIN_THROTTLE_IP_MAX_FAILURES = 10
    for n in range(10):
        status, page = attempt(client, f"utente{n}@example.org", "Password1234", ip="203.0.113.7")
        assert WRONG in page
    status, page = attempt(client, "maria@example.org", PASSWORD, ip="203.0.113.7")
    assert status == 200 and NETWORK_LOCKED in page
    assert "_auth_user_id" not in client.session
    # Only that address: the same account from elsewhere is not locked.
    assert attempt(client, "maria@example.org", PASSWORD, ip="198.51.100.1")[0] == 302


def test_good_logins_do_not_use_up_the_address(client, citizen, settings):
    settings.LOGIN_THROTTLE_IP_MAX_FAILURES = 3
    for _ in range(6):  # an office where everyone logs in from one address
        assert attempt(client, "maria@example.org", PASSWORD)[0] == 302
        client.logout()


def test_behind_a_proxy_the_forwarded_client_is_throttled(client, citizen, settings):
    settings.LOGIN_THROTTLE_IP_MAX_FAILURES = 2
    settings.TRUSTED_PROXY_HOPS = 1

    def via_proxy(email, password, client_ip):
        return client.post(
            "/accedi/",
            {"username": email, "password": password},
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR=f"1.2.3.4, {client_ip}",  # the left one is the client's say
        ).content.decode()

    for n in range(2):
        via_proxy(f"x{n}@example.org", "sbagliata", "203.0.113.9")
    assert NETWORK_LOCKED in via_proxy("maria@example.org", PASSWORD, "203.0.113.9")
    assert NETWORK_LOCKED not in via_proxy("maria@example.org", PASSWORD, "203.0.113.50")


def test_the_admin_login_is_throttled_with_the_site_login(client, db, settings):
    settings.LOGIN_THROTTLE_MAX_FAILURES = 4
    User.objects.create_superuser("root@example.org", PASSWORD)
    for _ in range(2):
        assert WRONG in attempt(client, "root@example.org", "sbagliata")[1]
    for _ in range(2):  # the same count: 2 on the site, 2 on the admin
        status, page = attempt(client, "root@example.org", "sbagliata", path="/admin/login/")
        assert status == 200 and LOCKED not in page
    status, page = attempt(client, "root@example.org", PASSWORD, path="/admin/login/")
    assert status == 200 and LOCKED in page
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == 302


def test_the_admin_login_alone_locks_the_account(client, db, settings):
    settings.LOGIN_THROTTLE_MAX_FAILURES = 3
    User.objects.create_superuser("root@example.org", PASSWORD)
    for _ in range(3):
        attempt(client, "root@example.org", "sbagliata", path="/admin/login/")
    _status, page = attempt(client, "root@example.org", PASSWORD, path="/admin/login/")
    assert LOCKED in page and "_auth_user_id" not in client.session
    assert LOCKED in attempt(client, "root@example.org", PASSWORD)[1]


def test_counts_live_in_the_database_and_expired_ones_are_deleted(client, citizen, settings):
    from benecomune.core import shared_counters

    settings.LOGIN_THROTTLE_LOCK_SECONDS = 1
    attempt(client, "maria@example.org", "sbagliata")
    assert SharedCounter.objects.filter(key__startswith="login:account:", value=1).exists()
    assert SharedCounter.objects.filter(key="login:ip:192.0.2.10", value=1).exists()
    time.sleep(1.1)
    shared_counters.store().delete_expired()
    assert not SharedCounter.objects.filter(key__startswith="login:").exists()


def test_deploy_check_fails_with_a_per_process_store(settings):
    settings.SHARED_COUNTERS_STORE = "database"
    assert shared_counters_store_check(None) == []
    settings.SHARED_COUNTERS_STORE = "cache"
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    errors = shared_counters_store_check(None)
    assert len(errors) == 1 and isinstance(errors[0], Error)
    assert errors[0].id == "benecomune.E002"
    with pytest.raises(CommandError, match=r"benecomune\.E002"):
        call_command("check", "--deploy")
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/14",
        }
    }
    assert shared_counters_store_check(None) == []


def test_in_a_redis_cache_the_account_locks_at_the_threshold(client, citizen, settings):
    from tests.core.test_jobs import redis_answers

    if not redis_answers():
        pytest.skip("Redis is not answering on 127.0.0.1:6379")
    from django.core.cache import caches

    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/14",
            "KEY_PREFIX": "bc-test-throttle",
        }
    }
    settings.SHARED_COUNTERS_STORE = "cache"
    settings.LOGIN_THROTTLE_MAX_FAILURES = 3
    caches["default"].clear()
    try:
        for _ in range(3):
            assert WRONG in attempt(client, "maria@example.org", "sbagliata")[1]
        assert LOCKED in attempt(client, "maria@example.org", PASSWORD)[1]
        assert not SharedCounter.objects.exists()  # counted in Redis, not in the database
    finally:
        caches["default"].clear()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_with_three_workers_the_lock_comes_at_the_threshold_and_holds_on_every_worker(
    citizen,
):
    threshold = 4
    with workers.gunicorn(
        3,
        LOGIN_THROTTLE_MAX_FAILURES=str(threshold),
        LOGIN_THROTTLE_IP_MAX_FAILURES="10000",
    ) as base:
        # Twelve wrong passwords at once, spread over the workers: exactly `threshold` are
        # checked (and refused as wrong), every other one is refused by the lock.
        with ThreadPoolExecutor(6) as pool:
            answers = list(
                pool.map(
                    lambda _n: workers.post_login(base, "maria@example.org", "sbagliata"),
                    range(12),
                )
            )
        assert all(status == 200 for status, _page, _pid in answers)
        assert sum(WRONG in page for _s, page, _pid in answers) == threshold
        assert sum(LOCKED in page for _s, page, _pid in answers) == 12 - threshold
        # The right password, on every worker: refused while the lock lasts.
        seen = set()

        def right_password(_n):
            return workers.post_login(base, "maria@example.org", PASSWORD)

        for start in range(0, 60, 3):
            for status, page, pid in workers.burst(right_password, range(start, start + 3)):
                assert status == 200 and LOCKED in page, (status, pid)
                seen.add(pid)
            if len(seen) == 3:
                break
        assert len(seen) == 3, seen
        # The admin's login on the same workers: the same lock.
        status, page, _pid = workers.post_login(
            base, "maria@example.org", PASSWORD, path="/admin/login/"
        )
        assert status == 200 and LOCKED in page


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_with_three_workers_the_first_failures_are_counted_one_by_one(citizen):
    """Sequential failures, whichever worker answers: the lock is at the threshold itself."""
    threshold = 3
    with workers.gunicorn(
        3, LOGIN_THROTTLE_MAX_FAILURES=str(threshold), LOGIN_THROTTLE_IP_MAX_FAILURES="10000"
    ) as base:
        for _ in range(threshold):
            assert WRONG in workers.post_login(base, "maria@example.org", "sbagliata")[1]
        for _ in range(6):
            assert LOCKED in workers.post_login(base, "maria@example.org", PASSWORD)[1]

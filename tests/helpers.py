"""Helpers for tests (importable, unlike conftest)."""

import datetime

from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from benecomune.core.actors import Actor
from benecomune.core.middleware import ACTIVE_MEMBERSHIP_KEY
from benecomune.core.models import Membership


def login(client, user, membership=None):
    """Log in as `user`, second factor passed, acting in `membership` (if any)."""
    client.force_login(user)
    session = client.session
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device:
        session["otp_device_id"] = device.persistent_id
    if membership:
        session[ACTIVE_MEMBERSHIP_KEY] = membership.pk
    session.save()
    return client


def actor_for(user, role=None, organization=None) -> Actor:
    if role is None:
        return Actor(user=user)
    membership = Membership.objects.select_related("organization").get(
        user=user, role=role, organization=organization
    )
    return Actor.for_membership(membership)


def submit_summer_camp_claim(actor, award, *, amount=12_000, days_ago=3, upload=None):
    """A claim of a summer camp receipt (a small PDF, tests/payouts' `receipt()` unless
    `upload` is given) against the reimbursement `award`, through the real service."""
    from benecomune.payouts.services import claims
    from tests.payouts.conftest import receipt  # on use: helpers load before any conftest

    return claims.submit_claim(
        actor,
        award,
        category="summer_camp",
        amount=amount,
        expense_date=timezone.localdate() - datetime.timedelta(days=days_ago),
        payee="Centro estivo Il Girasole",
        upload=upload or receipt(),
    )


def run_parallel(count_or_works, work=None, *, scope=None):
    """Run callables in threads released together by a barrier, each with its own database
    connection; return (results, errors). Either `run_parallel(count, work)` calling work(i)
    for i in range(count), or `run_parallel([work, ...])` calling each once. `scope`: a
    context-manager factory entered in each thread (e.g. `all_tenants`)."""
    import contextlib
    import threading

    from django.db import connection

    if work is None:
        calls = [lambda w=w: w() for w in count_or_works]
    else:
        calls = [lambda i=i: work(i) for i in range(count_or_works)]
    barrier = threading.Barrier(len(calls))
    results, errors, lock = [], [], threading.Lock()

    def worker(call):
        try:
            barrier.wait(timeout=30)
            with scope() if scope else contextlib.nullcontext():
                value = call()
            with lock:
                results.append(value)
        except Exception as exc:  # collected and asserted by the test
            with lock:
                errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a worker hung (deadlock?)"
    return results, errors


def tables_that_scroll_on_a_phone(page: str) -> list[str]:
    """The tables of a page that a phone would scroll sideways: a table not marked bc-stack,
    or a data cell of a bc-stack table without its column's name (data-label). Empty when
    every table stacks its cells, each under its name."""
    from html.parser import HTMLParser

    problems = []

    class Tables(HTMLParser):
        stack = False

        def handle_starttag(self, tag, attrs):
            attrs = dict(attrs)
            if tag == "table":
                self.stack = "bc-stack" in (attrs.get("class") or "").split()
                if not self.stack:
                    problems.append(f"table {attrs.get('class')!r} is not bc-stack")
            elif tag == "td" and self.stack and not ({"colspan", "data-label"} & attrs.keys()):
                problems.append(f"td without data-label: {attrs}")

    Tables().feed(page)
    return problems

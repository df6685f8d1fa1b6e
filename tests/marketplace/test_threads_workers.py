# ruff: noqa: F811 (the fixtures imported from threads_helpers are used by name)
"""The messages' rate limit holds across gunicorn worker processes (PostgreSQL): a burst of
posts spread over three workers lets exactly the limit through, since every worker counts in
the one shared store."""

import http.cookiejar
import re
import time
import urllib.request

import pytest

from benecomune.marketplace.models import Message
from tests.conftest import PASSWORD
from tests.core import workers
from tests.marketplace.threads_helpers import citizen, provider, start  # noqa: F401

LIMIT = 4
REFUSED = "al massimo 4 messaggi al minuto"


def logged_in_opener(base: str, email: str):
    opener = urllib.request.build_opener(
        workers._NoRedirect, urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )
    _status, page, _pid = workers.request(base + "/accedi/", opener=opener)
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    form = {"csrfmiddlewaretoken": csrf, "username": email, "password": PASSWORD}
    status, _page, _pid = workers.request(base + "/accedi/", data=form, opener=opener)
    assert status == 302
    return opener


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_burst_over_three_workers_lets_exactly_the_limit_through(citizen, provider):
    person, _user, actor = citizen
    coop, _owner = provider
    thread = start(actor, coop, person)
    with workers.gunicorn(3, MARKETPLACE_MESSAGES_PER_MINUTE=str(LIMIT)) as base:
        opener = logged_in_opener(base, "anna@example.org")
        url = f"{base}/area-personale/conversazioni/{thread.pk}/"
        _status, page, _pid = workers.request(url, opener=opener)
        csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        # The window is the clock's minute: keep the burst away from its end.
        while time.time() % 60 > 45:
            time.sleep(1)

        def send(n):
            form = {"csrfmiddlewaretoken": csrf, "text": f"Messaggio {n}"}
            return workers.request(url, data=form, opener=opener)

        answers = workers.burst(send, range(12))
    sent = [pid for status, _page, pid in answers if status == 302]
    refused = [page for status, page, _pid in answers if status == 400]
    assert len(sent) == LIMIT and len(refused) == 12 - LIMIT
    assert all(REFUSED in page for page in refused)
    assert len({pid for _s, _p, pid in answers}) > 1  # more than one worker answered
    assert Message.objects_unscoped.filter(thread=thread).count() == 1 + LIMIT

"""The cache of the catalogue's anonymous pages (core/page_cache.py): a repeated search is
served from it; a change made through the real services shows at the next request; logged-in
visitors, flash messages, HTMX requests and errors never go through it; every visitor gets
their own CSRF token, which works."""

import re
import uuid

import pytest
from django.conf import settings
from django.contrib import messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.http import HttpResponse
from django.test import Client, RequestFactory, override_settings

from benecomune.core import page_cache
from benecomune.core.scoping import all_tenants
from benecomune.marketplace.page_cache_signals import CATALOGUE_PAGES
from benecomune.marketplace.services import catalogue
from tests.marketplace.test_search import shelf  # noqa: F401 (fixture)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("cached")]

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture
def cached():
    with override_settings(PUBLIC_PAGE_CACHE_SECONDS=600):
        yield


def search_url(network, query="q=domicilio"):
    return f"/{network.slug}/servizi/cerca/?{query}"


def test_a_repeated_search_is_served_from_the_cache(shelf, network, client):  # noqa: F811
    first = client.get(search_url(network))
    second = Client().get(search_url(network))
    assert first["X-Page-Cache"] == "miss"
    assert second["X-Page-Cache"] == "hit"
    assert "Sostegno educativo a domicilio" in second.content.decode()
    # The same page but for the visitor's own token.
    assert without_token(first) == without_token(second)
    assert TOKEN.search(first.content.decode()).group(1) != TOKEN.search(
        second.content.decode()
    ).group(1)
    assert "Cookie" in second["Vary"]
    # The order of the parameters does not make another page.
    assert Client().get(search_url(network, "modalita=&q=lettura"))["X-Page-Cache"] == "miss"
    assert Client().get(search_url(network, "q=lettura&modalita="))["X-Page-Cache"] == "hit"


def without_token(response) -> str:
    html = response.content.decode()
    return html.replace(TOKEN.search(html).group(1), "")


def test_a_change_through_the_services_shows_at_the_next_request(shelf, network, accredited):  # noqa: F811
    _provider, owner, _ = accredited
    Client().get(search_url(network, "q=lettura"))
    assert Client().get(search_url(network, "q=lettura"))["X-Page-Cache"] == "hit"
    service = shelf["Laboratorio di lettura"]
    with all_tenants():
        catalogue.archive(owner, service)
    answer = Client().get(search_url(network, "q=lettura"))
    assert answer["X-Page-Cache"] == "miss"
    assert "Laboratorio di lettura" not in answer.content.decode()
    # The provider's new name too (an Organization subclass saved on its own).
    Client().get(search_url(network, "q=domicilio"))
    provider = service.provider
    provider.name = "Cooperativa Rinominata"
    provider.save()
    answer = Client().get(search_url(network, "q=domicilio"))
    assert answer["X-Page-Cache"] == "miss"
    assert "Cooperativa Rinominata" in answer.content.decode()


def test_the_comuni_served_make_pages_obsolete(shelf, network, other_municipality):  # noqa: F811
    Client().get(search_url(network))
    before = page_cache.version(CATALOGUE_PAGES)
    service = shelf["Sostegno educativo a domicilio"]
    service.municipalities_served.add(other_municipality)
    after_m2m = page_cache.version(CATALOGUE_PAGES)
    assert after_m2m > before
    assert Client().get(search_url(network))["X-Page-Cache"] == "miss"


def test_logged_in_visitors_never_use_the_cache(shelf, network, client, make_user):  # noqa: F811
    Client().get(search_url(network))
    user = make_user("cittadino@example.org")
    client.force_login(user)
    answer = client.get(search_url(network))
    assert "X-Page-Cache" not in answer
    assert answer.status_code == 200


def test_htmx_flash_messages_and_errors_bypass_the_cache(shelf, network, client):  # noqa: F811
    Client().get(search_url(network))
    assert "X-Page-Cache" not in client.get(search_url(network), HTTP_HX_REQUEST="true")
    missing = Client().get("/comune-che-non-esiste/servizi/cerca/?q=x")
    assert missing.status_code == 404
    assert "X-Page-Cache" not in Client().get("/comune-che-non-esiste/servizi/cerca/?q=x")
    # A visitor with a pending message gets the page rendered for them, and the message.
    storage = CookieStorage(RequestFactory().get("/"))
    storage.add(messages.INFO, "Messaggio per lei")
    carrier = HttpResponse()
    storage.update(carrier)
    visitor = Client()
    visitor.cookies["messages"] = carrier.cookies["messages"].value
    answer = visitor.get(search_url(network))
    assert "X-Page-Cache" not in answer
    assert "Messaggio per lei" in answer.content.decode()


def test_each_visitor_gets_a_working_csrf_token(shelf, network):  # noqa: F811
    Client().get(search_url(network))
    tokens = []
    for _ in range(2):
        visitor = Client(enforce_csrf_checks=True)
        page = visitor.get(search_url(network))
        assert page["X-Page-Cache"] == "hit"
        token = TOKEN.search(page.content.decode()).group(1)
        assert page_cache.PLACEHOLDER not in page.content.decode()
        tokens.append(token)
        switched = visitor.post(
            "/i18n/setlang/", {"language": "en", "next": "/", "csrfmiddlewaretoken": token}
        )
        assert switched.status_code == 302
    assert tokens[0] != tokens[1]


def test_the_language_keys_the_page(shelf, network):  # noqa: F811
    Client().get(search_url(network))
    visitor = Client()
    visitor.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = visitor.get(search_url(network))
    italian = Client().get(search_url(network))
    assert italian["X-Page-Cache"] == "hit"
    assert english["X-Page-Cache"] == "miss"
    assert 'lang="en"' in english.content.decode()
    assert 'lang="it"' in italian.content.decode()


@override_settings(PUBLIC_PAGE_CACHE_SECONDS=0)
def test_off_by_default_without_a_shared_cache(shelf, network):  # noqa: F811
    Client().get(search_url(network))
    assert "X-Page-Cache" not in Client().get(search_url(network))


@pytest.mark.postgres
def test_a_change_reaches_every_worker(shelf, network, accredited):  # noqa: F811
    """Three gunicorn workers share the page cache in Redis: each serves the cached page, and
    after a change committed elsewhere (here, this process) none serves the old one."""
    from django.core.cache import caches

    from tests.core import workers

    prefix = f"bc-test-{uuid.uuid4().hex[:12]}"
    shared = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:6379/11",
        "KEY_PREFIX": prefix,
    }
    _provider, owner, _ = accredited
    with (
        override_settings(CACHES={"default": shared}),
        workers.gunicorn(
            3,
            BENECOMUNE_TEST_REDIS_URL=shared["LOCATION"],
            BENECOMUNE_TEST_REDIS_PREFIX=prefix,
            PUBLIC_PAGE_CACHE_SECONDS="600",
        ) as base,
    ):
        url = base + search_url(network, "q=lettura")

        def ask(_n):
            return workers.request(url)

        workers.request(url)
        answers = workers.burst(ask, range(9))
        assert all(
            status == 200 and "Laboratorio di lettura" in page for status, page, _ in answers
        )
        assert len({pid for _s, _p, pid in answers}) > 1
        with all_tenants():
            catalogue.archive(owner, shelf["Laboratorio di lettura"])
        answers = workers.burst(ask, range(9))
        assert len({pid for _s, _p, pid in answers}) > 1
        assert all("Laboratorio di lettura" not in page for _status, page, _pid in answers)
        caches["default"].clear()


def test_a_cache_that_is_down_still_serves_the_page(shelf, network):  # noqa: F811
    broken = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
    }
    with override_settings(CACHES={"default": broken}):
        answer = Client().get(search_url(network))
    assert answer.status_code == 200
    assert "Sostegno educativo a domicilio" in answer.content.decode()

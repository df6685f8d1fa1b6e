"""A real OpenID Connect provider for the tests (oidc-provider-mock, through the demo's
identity/oidc_demo.py), on a free loopback port in a thread, and the steps of a login through
its real HTTP redirects: our pages with Django's test client, the provider's with requests."""

import threading
from contextlib import contextmanager
from urllib.parse import parse_qs, urlparse

import pytest
import requests
import werkzeug.serving
from django.urls import reverse

from benecomune.identity.oidc import forget_provider_metadata
from benecomune.identity.oidc_demo import spid_claims

CLIENT_ID = "benecomune-test"
CLIENT_SECRET = "test-secret"


@contextmanager
def running_provider():
    from benecomune.identity.oidc_demo import provider_app

    server = werkzeug.serving.make_server("127.0.0.1", 0, provider_app(), threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1})
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


@pytest.fixture(scope="session")
def oidc_provider_url():
    with running_provider() as url:
        yield url


@pytest.fixture
def oidc_settings(settings, oidc_provider_url):
    """SPID/CIE login on, against the test provider; staff still use TOTP."""
    settings.OIDC_ISSUER = oidc_provider_url
    settings.OIDC_CLIENT_ID = CLIENT_ID
    settings.OIDC_CLIENT_SECRET = CLIENT_SECRET
    settings.OIDC_ACR_VALUES = "https://www.spid.gov.it/SpidL2"
    settings.OIDC_STAFF_MIN_LEVEL = ""
    settings.OIDC_BUTTONS = ["spid", "cie"]
    settings.OIDC_NEW_PERSON_RESIDENCE = ""
    forget_provider_metadata()
    yield settings
    forget_provider_metadata()


def set_identity(provider_url: str, sub: str, claims: dict) -> None:
    """Give the provider's subject `sub` these claims (the mock's own API)."""
    response = requests.put(f"{provider_url}/users/{sub}", json=claims, timeout=10)
    assert response.status_code == 204, response.text


def person_claims(person, **extra) -> dict:
    claims = spid_claims(
        fiscal_code=person.fiscal_code,
        first_name=person.first_name,
        last_name=person.last_name,
        email=person.email or f"{person.fiscal_code.lower()}@example.org",
    )
    claims.update(extra)
    return claims


def start(client, method="spid", next_url=None) -> str:
    """Our start page: the provider's authorization address it redirects to."""
    url = reverse("identity:oidc_start", args=[method])
    response = client.get(url, {"next": next_url} if next_url else {})
    assert response.status_code == 302, response.status_code
    return response["Location"]


def authorize(location: str, sub: str) -> str:
    """The person picks `sub` on the provider's page: the address it sends them back to."""
    response = requests.post(location, data={"sub": sub}, allow_redirects=False, timeout=10)
    assert response.status_code == 302, response.text[:500]
    return response.headers["Location"]


def come_back(client, callback_url: str, **replace):
    """Follow the provider's redirect to our callback (optionally with tampered parameters)."""
    parsed = urlparse(callback_url)
    params = {key: values[0] for key, values in parse_qs(parsed.query).items()}
    params.update(replace)
    return client.get(parsed.path, params)


def log_in_with_identity(client, provider_url, sub, claims, method="spid", next_url=None):
    set_identity(provider_url, sub, claims)
    return come_back(client, authorize(start(client, method, next_url), sub))


def query_of(url: str) -> dict:
    return {key: values[0] for key, values in parse_qs(urlparse(url).query).items()}

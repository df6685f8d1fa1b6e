"""'Entra con SPID' in a browser: the login page's button, the TEST identity provider's page
(a real OpenID Connect provider, tests/identity/oidc_support.py), back logged in."""

import threading

import pytest
import werkzeug.serving
from playwright.sync_api import expect

from benecomune.core.models import User
from benecomune.identity.oidc import forget_provider_metadata
from benecomune.identity.oidc_demo import DemoIdentity, provider_app, spid_claims
from tests.e2e.helpers import PHONE, assert_fits

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def provider_with(settings):
    servers = []

    def start(identities):
        server = werkzeug.serving.make_server(
            "127.0.0.1", 0, provider_app(identities), threaded=True
        )
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}).start()
        servers.append(server)
        settings.OIDC_ISSUER = f"http://127.0.0.1:{server.server_port}"
        settings.OIDC_CLIENT_ID = "benecomune-e2e"
        settings.OIDC_CLIENT_SECRET = "e2e"
        settings.OIDC_BUTTONS = ["spid", "cie"]
        # As settings.py builds it when OIDC_ISSUER is set: logout's form ends at the provider.
        settings.CONTENT_SECURITY_POLICY = settings.CONTENT_SECURITY_POLICY.replace(
            "form-action 'self'", f"form-action 'self' {settings.OIDC_ISSUER}"
        )
        forget_provider_metadata()

    yield start
    forget_provider_metadata()
    for server in servers:
        server.shutdown()
        server.server_close()


def test_entra_con_spid_through_the_test_provider(
    live_server, page_for, provider_with, municipality, make_person, screenshot_dir
):
    person = make_person(municipality, first_name="Maria", last_name="Gialli", sex="F")
    provider_with(
        [
            DemoIdentity(
                sub="maria",
                label="Maria Gialli — cittadina (SPID livello 2)",
                claims=spid_claims(
                    fiscal_code=person.fiscal_code,
                    first_name="Maria",
                    last_name="Gialli",
                    email="maria.gialli@example.org",
                ),
            )
        ]
    )
    page = page_for(**PHONE)
    page.goto(f"{live_server.url}/accedi/")
    spid = page.get_by_role("link", name="Entra con SPID")
    expect(spid).to_be_visible()
    expect(page.get_by_role("link", name="Entra con CIE")).to_be_visible()
    assert_fits(page)
    page.screenshot(path=screenshot_dir / "login-spid-phone.png", full_page=True)
    spid.click()

    expect(page.get_by_text("IDENTITY PROVIDER DI PROVA")).to_be_visible()
    page.screenshot(path=screenshot_dir / "test-identity-provider.png", full_page=True)
    page.get_by_role("button", name="Maria Gialli — cittadina (SPID livello 2)").click()

    page.wait_for_url(f"{live_server.url}/")
    expect(page.get_by_text("Maria")).not_to_have_count(0)
    user = User.objects.get(person=person)
    assert user.email == "maria.gialli@example.org"
    page.screenshot(path=screenshot_dir / "home-after-spid.png", full_page=True)

    # Logout ends the session at the provider too, and comes back to the home page.
    page.locator("form[action='/esci/']").evaluate("form => form.requestSubmit()")
    expect(page.get_by_role("heading", name="Uscita dall'identity provider")).to_be_visible()
    page.get_by_role("button", name="Esci e torna al servizio").click()
    page.wait_for_url(f"{live_server.url}/")
    expect(page.get_by_role("link", name="Accedi").first).to_be_visible()

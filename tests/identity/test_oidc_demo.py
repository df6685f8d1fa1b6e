"""The demo's TEST identity provider: its identities match the seeded people, and its pages say
clearly that it is a test provider."""

import threading
from urllib.parse import urlencode

import pytest
import requests
import werkzeug.serving
from django.core.management import call_command

from benecomune.identity.oidc_demo import demo_identities, provider_app

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded_logins(municipality, make_person, make_user):
    citizen = make_person(municipality, first_name="Beatrice", last_name="Boscolo", sex="F")
    admin = make_person(municipality, first_name="Paolo", last_name="Boscolo")
    make_user("cittadino@demo.benecomune.it", person=citizen)
    make_user("admin@piazzola.demo.benecomune.it", person=admin)
    return citizen, admin


def test_the_demo_identities_are_the_seeded_people(seeded_logins):
    citizen, admin = seeded_logins
    identities = {identity.sub: identity for identity in demo_identities()}
    assert identities["demo-cittadino"].claims["fiscal_number"] == f"TINIT-{citizen.fiscal_code}"
    assert identities["demo-amministratore"].claims["given_name"] == admin.first_name
    assert identities["demo-amministratore"].claims["acr"].endswith("SpidL2")
    assert identities["demo-amministratore-livello-1"].claims["acr"].endswith("SpidL1")
    assert "demo-nuova-residente" in identities


def test_describe_prints_them(seeded_logins, capsys):
    call_command("oidc_demo_provider", "--describe")
    out = capsys.readouterr().out
    assert "identity provider di PROVA" in out and "Beatrice Boscolo" in out


def test_the_provider_pages_say_it_is_a_test(seeded_logins):
    server = werkzeug.serving.make_server(
        "127.0.0.1", 0, provider_app(demo_identities()), threaded=True
    )
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1})
    thread.start()
    try:
        base = f"http://127.0.0.1:{server.server_port}"
        query = urlencode(
            {
                "response_type": "code",
                "client_id": "demo",
                "redirect_uri": "http://127.0.0.1:8000/accedi/identita-digitale/ritorno/",
                "scope": "openid",
                "state": "s",
                "nonce": "n",
            }
        )
        page = requests.get(f"{base}/oauth2/authorize?{query}", timeout=10).text
        assert "IDENTITY PROVIDER DI PROVA" in page
        assert "Beatrice Boscolo — ruolo cittadino (SPID livello 2)" in page
        assert '<html lang="it">' in page
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)

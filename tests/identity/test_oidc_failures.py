"""SPID/CIE login failures against the real test provider: each one a clear Italian message on
the login page, nobody logged in, nothing created, and nothing sensitive in our log."""

import html
import logging
import time

import pytest
from django.core.cache import cache
from django.urls import reverse

from benecomune.core.models import AuditEvent, Person, User
from benecomune.identity.models import DigitalIdentity
from benecomune.identity.oidc import _cache_key
from benecomune.identity.retention_pseudonyms import FISCAL_CODE
from tests.identity import oidc_support
from tests.identity.oidc_support import (
    authorize,
    come_back,
    log_in_with_identity,
    person_claims,
    running_provider,
    set_identity,
    start,
)

oidc_provider_url = oidc_support.oidc_provider_url
oidc_settings = oidc_support.oidc_settings

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def nothing_sensitive_in_our_log(caplog):
    """Every failure (and success) here: no codice fiscale, claim or token in our log, at any
    level."""
    caplog.set_level(logging.DEBUG)
    yield
    ours = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("benecomune"))
    assert "eyJ" not in ours and "TINIT" not in ours
    assert not FISCAL_CODE.search(ours), ours
    for fiscal_code in Person.objects_unscoped.values_list("fiscal_code", flat=True):
        assert fiscal_code not in ours


def _counts():
    return (
        Person.objects_unscoped.count(),
        User.objects.count(),
        DigitalIdentity.objects.count(),
        AuditEvent.objects_unscoped.filter(action="user.login").count(),
    )


def _refused(client, response, text, caplog, secrets=()):
    assert response.status_code == 302 and response["Location"] == reverse("core:login")
    assert "_auth_user_id" not in client.session
    page = html.unescape(client.get(response["Location"]).content.decode())
    assert text in page, page[:3000]
    ours = "\n".join(
        record.getMessage() for record in caplog.records if record.name.startswith("benecomune")
    )
    for secret in secrets:
        assert secret not in ours


@pytest.fixture
def person(municipality, make_person):
    return make_person(municipality, first_name="Carla", last_name="Verdi", sex="F")


def test_a_tampered_state_is_refused(client, oidc_settings, oidc_provider_url, person, caplog):
    set_identity(oidc_provider_url, "carla", person_claims(person))
    back = authorize(start(client), "carla")
    before = _counts()
    response = come_back(client, back, state="x" * 32)
    _refused(client, response, "controllo di sicurezza", caplog)
    assert _counts() == before


def test_a_callback_without_a_started_login_is_refused(client, oidc_settings, db, caplog):
    response = client.get(reverse("identity:oidc_callback"), {"code": "abc", "state": "def"})
    _refused(client, response, "controllo di sicurezza", caplog)


def test_a_replayed_code_is_refused(client, oidc_settings, oidc_provider_url, person, caplog):
    set_identity(oidc_provider_url, "carla", person_claims(person))
    back = authorize(start(client), "carla")
    code = oidc_support.query_of(back)["code"]
    come_back(client, back)
    client.logout()
    before = _counts()
    # A new login of this browser, answered with the code already used.
    second = oidc_support.query_of(start(client))["state"]
    response = come_back(client, back, state=second)
    _refused(client, response, "scaduto o è già stato usato", caplog, [code])
    assert _counts() == before


def test_a_tampered_nonce_is_refused(client, oidc_settings, oidc_provider_url, person, caplog):
    set_identity(oidc_provider_url, "carla", person_claims(person))
    back = authorize(start(client), "carla")
    session = client.session
    state = oidc_support.query_of(back)["state"]
    session["oidc_states"][state]["nonce"] = "another-nonce"
    session.save()
    before = _counts()
    _refused(client, come_back(client, back), "firma, destinatario o", caplog)
    assert _counts() == before


def test_an_old_request_is_refused(client, oidc_settings, oidc_provider_url, person, caplog):
    set_identity(oidc_provider_url, "carla", person_claims(person))
    back = authorize(start(client), "carla")
    session = client.session
    state = oidc_support.query_of(back)["state"]
    session["oidc_states"][state]["added_on"] = time.time() - 3600
    session.save()
    _refused(client, come_back(client, back), "troppo tempo", caplog)


@pytest.mark.parametrize(
    ("override", "label"),
    [
        ({"aud": "another-client"}, "audience"),
        ({"iss": "https://idp.example.org"}, "issuer"),
        ({"exp": 1_000_000_000}, "expired"),
    ],
)
def test_an_id_token_for_someone_else_or_expired_is_refused(
    client, oidc_settings, oidc_provider_url, person, caplog, override, label
):
    before = _counts()
    claims = person_claims(person, **override)
    response = log_in_with_identity(client, oidc_provider_url, f"carla-{label}", claims)
    _refused(client, response, "firma, destinatario o scadenza", caplog, [person.fiscal_code])
    assert _counts() == before


def test_an_id_token_with_a_bad_signature_is_refused(
    client, oidc_settings, oidc_provider_url, person, caplog
):
    """The keys of another provider (its JWKS) do not verify this provider's signature."""
    from benecomune.identity.oidc import provider_metadata

    metadata = provider_metadata()
    with running_provider() as other:
        cache.set(
            _cache_key(oidc_settings.OIDC_ISSUER),
            {**metadata.__dict__, "jwks_uri": f"{other}/jwks"},
        )
        before = _counts()
        response = log_in_with_identity(client, oidc_provider_url, "carla", person_claims(person))
    _refused(client, response, "firma, destinatario o scadenza", caplog)
    assert _counts() == before


def test_a_missing_fiscal_number_is_refused(
    client, oidc_settings, oidc_provider_url, person, caplog
):
    claims = person_claims(person)
    del claims["fiscal_number"]
    before = _counts()
    response = log_in_with_identity(client, oidc_provider_url, "carla", claims)
    _refused(client, response, "non ha comunicato il codice fiscale", caplog)
    assert _counts() == before


@pytest.mark.parametrize("value", ["TINIT-RSSMRA80A01G224X", "TINIT-ABC", "TINES-X1234567"])
def test_an_invalid_fiscal_number_is_refused(
    client, oidc_settings, oidc_provider_url, municipality, caplog, value
):
    claims = person_claims_for_new(fiscal_number=value)
    before = _counts()
    response = log_in_with_identity(client, oidc_provider_url, "nuovo", claims)
    _refused(client, response, "non è un codice", caplog, [value])
    assert _counts() == before


def person_claims_for_new(**extra):
    from benecomune.identity.oidc_demo import spid_claims

    claims = spid_claims(
        fiscal_code="NVUNNA90A41G587E", first_name="Anna", last_name="Nuovi", email="a@example.org"
    )
    claims.update(extra)
    return claims


def test_a_fiscal_number_of_another_account_is_refused(
    client, oidc_settings, oidc_provider_url, person, make_user, make_person, municipality, caplog
):
    """The identity was linked to one account; the fiscal number now names another's person."""
    mine = make_user("mine@example.org")
    DigitalIdentity.objects.create(
        user=mine, issuer=oidc_provider_url, subject="carla", method="spid"
    )
    make_user("carla@example.org", person=person)
    before = _counts()
    response = log_in_with_identity(client, oidc_provider_url, "carla", person_claims(person))
    _refused(client, response, "già collegato a un altro account", caplog, [person.fiscal_code])
    assert _counts() == before


def test_an_identity_of_another_person_is_refused(
    client, oidc_settings, oidc_provider_url, person, make_person, municipality, caplog
):
    """The provider once said this subject was Carla; now it says someone else."""
    log_in_with_identity(client, oidc_provider_url, "carla", person_claims(person))
    client.logout()
    other = make_person(municipality, first_name="Dario", last_name="Neri")
    before = _counts()
    response = log_in_with_identity(client, oidc_provider_url, "carla", person_claims(other))
    _refused(client, response, "già collegata a un'altra persona", caplog)
    assert _counts() == before


def test_an_email_of_another_persons_account_is_refused(
    client, oidc_settings, oidc_provider_url, person, make_person, make_user, municipality, caplog
):
    make_user("taken@example.org", person=make_person(municipality, first_name="Ugo"))
    before = _counts()
    claims = person_claims(person, email="taken@example.org")
    response = log_in_with_identity(client, oidc_provider_url, "carla", claims)
    _refused(client, response, "appartiene già all'account di un'altra persona", caplog)
    assert _counts() == before


def test_a_new_person_outside_the_platforms_comuni_is_refused(
    client, oidc_settings, oidc_provider_url, municipality, other_municipality, caplog
):
    before = _counts()
    response = log_in_with_identity(
        client, oidc_provider_url, "nuovo", person_claims_for_new(address={"locality": "Roma"})
    )
    _refused(client, response, "Non risulta residente", caplog)
    assert _counts() == before


def test_claims_that_contradict_the_fiscal_code_are_refused(
    client, oidc_settings, oidc_provider_url, municipality, caplog
):
    before = _counts()
    claims = person_claims_for_new(birthdate="1991-05-05")
    response = log_in_with_identity(client, oidc_provider_url, "nuovo", claims)
    _refused(client, response, "non sono coerenti con il codice", caplog)
    assert _counts() == before


def test_a_refusal_at_the_provider_is_reported(client, oidc_settings, oidc_provider_url, caplog):
    import requests

    location = start(client)
    back = requests.post(location, data={"action": "deny"}, allow_redirects=False, timeout=10)
    response = come_back(client, back.headers["Location"])
    _refused(client, response, "annullato o non è riuscito", caplog)


def test_an_unreachable_provider_is_reported(client, settings, db, caplog):
    settings.OIDC_ISSUER = "http://127.0.0.1:9"  # nothing listens there
    settings.OIDC_CLIENT_ID = "x"
    response = client.get(reverse("identity:oidc_start", args=["spid"]))
    _refused(client, response, "non risponde", caplog)


def test_nothing_sensitive_is_logged_on_success(
    client, oidc_settings, oidc_provider_url, person, caplog
):
    caplog.set_level(logging.DEBUG)
    log_in_with_identity(client, oidc_provider_url, "carla", person_claims(person))
    ours = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("benecomune"))
    assert person.fiscal_code not in ours and "eyJ" not in ours

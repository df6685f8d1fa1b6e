"""SPID/CIE login through a real OpenID Connect provider (tests/identity/oidc_support.py):
the real HTTP redirects, the token exchange and the signed ID token, then our checks."""

import base64
import hashlib

import pytest
from django.urls import reverse

from benecomune.core.models import AuditEvent, Person, User
from benecomune.identity.models import DigitalIdentity
from benecomune.identity.oidc_demo import spid_claims
from tests.identity import oidc_support
from tests.identity.oidc_support import (
    CLIENT_ID,
    log_in_with_identity,
    person_claims,
    query_of,
    start,
)

# The provider's fixtures (shared with the end-to-end test).
oidc_provider_url = oidc_support.oidc_provider_url
oidc_settings = oidc_support.oidc_settings

pytestmark = pytest.mark.django_db

NEW_CF = "NVUNNA90A41G587E"


def new_person_claims(**extra):
    claims = spid_claims(
        fiscal_code=NEW_CF,
        first_name="Anna",
        last_name="Nuovi",
        email="anna.nuovi@example.org",
        phone="+39 049 123 4567",
        locality="Piazzola sul Brenta",
    )
    claims.update(extra)
    return claims


def test_a_new_person_is_registered_from_the_claims(
    client, oidc_settings, oidc_provider_url, municipality, other_municipality
):
    response = log_in_with_identity(client, oidc_provider_url, "anna", new_person_claims())
    assert response.status_code == 302 and response["Location"] == "/"
    person = Person.objects_unscoped.get(fiscal_code=NEW_CF)
    assert (person.first_name, person.last_name, person.residence) == (
        "Anna",
        "Nuovi",
        municipality,
    )
    assert person.birth_date.isoformat() == "1990-01-01"
    assert (person.email, person.phone) == ("anna.nuovi@example.org", "+39 049 123 4567")
    user = User.objects.get(person=person)
    assert user.email == "anna.nuovi@example.org"
    assert not user.has_usable_password()  # SPID/CIE only
    assert int(client.session["_auth_user_id"]) == user.pk
    assert client.session["identity_login"] == {
        "method": "spid",
        "acr": "https://www.spid.gov.it/SpidL2",
        "level": 2,
    }
    login = AuditEvent.objects_unscoped.get(action="user.login", person=person)
    assert login.after == {"method": "spid", "acr": "https://www.spid.gov.it/SpidL2", "level": 2}
    assert AuditEvent.objects_unscoped.filter(action="person.registered", person=person).exists()
    identity = DigitalIdentity.objects.get(user=user)
    assert (identity.issuer, identity.subject) == (oidc_provider_url, "anna")
    assert client.get("/").status_code == 200


def test_a_certified_identity_whose_code_does_not_encode_the_name_is_registered(
    client, oidc_settings, oidc_provider_url, municipality, other_municipality
):
    # A code issued with an error stays valid, and a name changed later keeps its code: the
    # digital identity certifies both, so the registry's typing check does not apply.
    claims = new_person_claims(given_name="Giulia", family_name="Bianchi")
    response = log_in_with_identity(client, oidc_provider_url, "giulia", claims)
    assert response.status_code == 302 and response["Location"] == "/"
    person = Person.objects_unscoped.get(fiscal_code=NEW_CF)
    assert (person.first_name, person.last_name) == ("Giulia", "Bianchi")


def test_an_existing_person_is_linked_never_duplicated(
    client, oidc_settings, oidc_provider_url, municipality, other_municipality, make_person
):
    person = make_person(other_municipality, first_name="Luca", last_name="Bianchi")
    claims = person_claims(person, email="luca.bianchi@example.org")
    response = log_in_with_identity(client, oidc_provider_url, "luca", claims)
    assert response["Location"] == "/"
    assert Person.objects_unscoped.filter(fiscal_code=person.fiscal_code).count() == 1
    user = User.objects.get(person=person)
    assert int(client.session["_auth_user_id"]) == user.pk
    # A second login (another SPID provider: another subject) is the same user.
    client.logout()
    log_in_with_identity(client, oidc_provider_url, "luca-altro-idp", claims, method="cie")
    assert int(client.session["_auth_user_id"]) == user.pk
    assert User.objects.filter(person=person).count() == 1
    assert Person.objects_unscoped.count() == 1
    assert client.session["identity_login"]["method"] == "cie"
    assert DigitalIdentity.objects.filter(user=user).count() == 2


def test_the_persons_own_account_logs_in(
    client, oidc_settings, oidc_provider_url, municipality, make_person, make_user
):
    person = make_person(municipality)
    user = make_user("mario@example.org", person=person)
    log_in_with_identity(client, oidc_provider_url, "mario", person_claims(person))
    assert int(client.session["_auth_user_id"]) == user.pk
    assert user.has_usable_password()  # e-mail login still works too
    assert User.objects.count() == 1


def test_an_account_of_the_same_email_without_a_person_is_linked(
    client, oidc_settings, oidc_provider_url, municipality, make_person, make_user
):
    person = make_person(municipality)
    user = make_user("mario@example.org")
    log_in_with_identity(
        client, oidc_provider_url, "mario", person_claims(person, email="Mario@Example.org")
    )
    user.refresh_from_db()
    assert user.person == person
    assert int(client.session["_auth_user_id"]) == user.pk
    assert AuditEvent.objects_unscoped.filter(action="identity.account_linked").exists()


def test_the_next_page_is_kept(client, oidc_settings, oidc_provider_url, municipality, make_person):
    person = make_person(municipality)
    response = log_in_with_identity(
        client, oidc_provider_url, "m", person_claims(person), next_url="/area-personale/profilo/"
    )
    assert response["Location"] == "/area-personale/profilo/"


# --- staff: TOTP, or SPID at the configured level ------------------------------------------


@pytest.fixture
def staff_person(municipality, make_person, make_user):
    from benecomune.core.models import Role

    person = make_person(municipality, first_name="Giulia", last_name="Sportello", sex="F")
    make_user(
        "giulia@example.org", person=person, role=Role.DESK_OPERATOR, organization=municipality
    )
    return person


def _spid(person, level):
    return person_claims(person, acr=f"https://www.spid.gov.it/SpidL{level}")


def test_staff_still_need_totp_by_default(client, oidc_settings, oidc_provider_url, staff_person):
    log_in_with_identity(client, oidc_provider_url, "giulia", _spid(staff_person, 3))
    assert client.get("/").url.startswith(reverse("core:totp_verify"))


def test_staff_at_the_required_level_skip_totp(
    client, oidc_settings, oidc_provider_url, staff_person
):
    oidc_settings.OIDC_STAFF_MIN_LEVEL = "SpidL2"
    log_in_with_identity(client, oidc_provider_url, "giulia", _spid(staff_person, 2))
    assert client.get("/").status_code == 200
    assert client.get("/gestione/anagrafe/").status_code == 200


def test_staff_below_the_required_level_are_asked_totp(
    client, oidc_settings, oidc_provider_url, staff_person
):
    oidc_settings.OIDC_STAFF_MIN_LEVEL = "SpidL2"
    log_in_with_identity(client, oidc_provider_url, "giulia", _spid(staff_person, 1))
    assert client.session["identity_login"]["level"] == 1
    assert client.get("/").url.startswith(reverse("core:totp_verify"))


# --- the request and the switch ------------------------------------------------------------


def test_the_authorization_request_has_pkce_state_nonce_and_level(client, oidc_settings):
    location = start(client, "cie")
    params = query_of(location)
    assert location.startswith(oidc_settings.OIDC_ISSUER + "/oauth2/authorize?")
    assert params["code_challenge_method"] == "S256" and len(params["code_challenge"]) == 43
    assert params["client_id"] == CLIENT_ID and params["response_type"] == "code"
    assert params["acr_values"] == "https://www.spid.gov.it/SpidL2"
    assert params["redirect_uri"] == "http://testserver/accedi/identita-digitale/ritorno/"
    assert len(params["state"]) >= 32 and len(params["nonce"]) >= 32
    assert "openid" in params["scope"].split()
    # The verifier stays in the session (sent with the code); the challenge is its SHA-256.
    verifier = client.session["oidc_states"][params["state"]]["code_verifier"]
    digest = hashlib.sha256(verifier.encode()).digest()
    assert base64.urlsafe_b64encode(digest).rstrip(b"=").decode() == params["code_challenge"]
    assert client.session["oidc_states"][params["state"]]["nonce"] == params["nonce"]


def test_the_login_page_shows_the_buttons_when_configured(client, oidc_settings):
    body = client.get(reverse("core:login"), {"next": "/x/"}).content.decode()
    assert "Entra con SPID" in body and "Entra con CIE" in body
    assert reverse("identity:oidc_start", args=["spid"]) + "?next=%2Fx%2F" in body
    assert "oidc-spid-mark.svg" in body and 'alt=""' in body


def test_off_when_not_configured(client, settings, db):
    settings.OIDC_ISSUER = ""
    body = client.get(reverse("core:login")).content.decode()
    assert "Entra con SPID" not in body
    assert client.get(reverse("identity:oidc_start", args=["spid"])).status_code == 404
    assert client.get(reverse("identity:oidc_callback"), {"code": "x"}).status_code == 404


def test_an_unknown_method_is_404(client, oidc_settings):
    assert client.get(reverse("identity:oidc_start", args=["eidas"])).status_code == 404


def test_logout_ends_the_session_at_the_provider_too(
    client, oidc_settings, oidc_provider_url, municipality, make_person
):
    log_in_with_identity(client, oidc_provider_url, "m", person_claims(make_person(municipality)))
    response = client.post(reverse("core:logout"))
    assert response.status_code == 302
    assert response["Location"].startswith(oidc_provider_url + "/oauth2/end_session?")
    params = query_of(response["Location"])
    assert params["post_logout_redirect_uri"] == "http://testserver/"
    assert params["id_token_hint"].count(".") == 2
    assert "_auth_user_id" not in client.session


def test_a_password_logout_stays_here(client, make_user, oidc_settings):
    client.force_login(make_user("a@example.org"))
    assert client.post(reverse("core:logout"))["Location"] == "/"

"""A citizen's own page for the apps acting for them ("App collegate"): a key made there is
shown once and works on the citizen's booking API; revoked there, the next call is a 401;
another citizen's key is a 404; staff without a person get 403; the keys are in the person's
data export."""

import re

import pytest
from django.test import Client

from benecomune.core.models import AuditEvent, CitizenToken
from benecomune.core.scoping import all_tenants
from benecomune.identity import my_data
from tests.helpers import login

pytestmark = pytest.mark.django_db
URL = "/area-personale/app-collegate/"
API = "/api/v1/bookings/mine/"


@pytest.fixture
def rosa(make_person, municipality, make_user):
    return make_user("rosa@example.org", person=make_person(municipality))


def test_a_key_made_on_the_page_works_until_revoked_there(
    rosa, make_person, municipality, make_user
):
    client = login(Client(), rosa)
    empty = client.get(URL).content.decode()
    assert "Nessuna app collegata" in empty
    assert client.post(URL, {"name": ""}).status_code == 200
    assert not CitizenToken.objects.exists()  # a name is required: nothing made
    page = client.post(URL, {"name": "App sul telefono"}).content.decode()
    clear = re.search(r'data-testid="clear-token">([^<]+)<', page).group(1)
    token = CitizenToken.objects.get(user=rosa)
    assert clear.startswith(token.prefix) and clear not in client.get(URL).content.decode()
    with all_tenants():
        assert AuditEvent.objects.filter(
            action="citizen_token.created", person=rosa.person
        ).exists()
    auth = {"HTTP_AUTHORIZATION": f"Bearer {clear}"}
    # The key opens the citizen's API (a bad body is a 4xx from the API itself, not a 401).
    assert Client().post(API, {}, content_type="application/json", **auth).status_code != 401

    other = make_user("piero@example.org", person=make_person(municipality))
    stranger = login(Client(), other)
    revoke = f"{URL}{token.pk}/revoca/"
    assert stranger.post(revoke).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None

    client.post(revoke)
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert Client().post(API, {}, content_type="application/json", **auth).status_code == 401
    assert "Revocato" in client.get(URL).content.decode()

    exported = my_data.collect(rosa.person)["app"]
    assert [row["name"] for row in exported] == ["App sul telefono"]
    assert "key_hash" not in exported[0]


def test_staff_without_a_person_cannot_open_it(make_user, municipality):
    from benecomune.core.models import Role

    staff = make_user("ufficio@example.org", role=Role.DESK_OPERATOR, organization=municipality)
    assert login(Client(), staff).get(URL).status_code == 403
    assert Client().get(URL).status_code == 302  # anonymous: to the login

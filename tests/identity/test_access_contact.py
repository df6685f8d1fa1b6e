"""The data protection contact's search of the access log: their own Comune only."""

import pytest
from django.urls import reverse

from benecomune.core.models import Role
from benecomune.identity.models import AccessLogEntry
from tests.helpers import login

pytestmark = pytest.mark.django_db


@pytest.fixture
def logged_view(desk, application):
    client, _user, _membership = desk
    assert client.get(reverse("calls:review_detail", args=[application.pk])).status_code == 200
    client.logout()
    return AccessLogEntry.objects_unscoped.get()


def _contact(client, make_user, organization, email):
    user = make_user(email, role=Role.DATA_PROTECTION, organization=organization)
    return login(client, user, user.memberships.get())


def test_contact_sees_and_exports_the_comunes_log(client, make_user, municipality, logged_view):
    _contact(client, make_user, municipality, "dpo@example.org")
    url = reverse("identity:access_log")
    page = client.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "sportello.privacy@example.org" in text or "sportello.privacy" in text
    assert logged_view.person.fiscal_code in text
    assert "Accessi ai dati personali" in text  # in the navigation too

    export = client.get(url, {"formato": "csv"})
    assert export.status_code == 200
    body = export.content.decode("utf-8-sig")
    assert "sportello.privacy@example.org" in body
    assert logged_view.person.fiscal_code in body


def test_filters_and_bad_dates(client, make_user, municipality, logged_view):
    _contact(client, make_user, municipality, "dpo@example.org")
    url = reverse("identity:access_log")
    code = logged_view.person.fiscal_code
    assert code in client.get(url, {"person": code}).content.decode()
    assert code not in client.get(url, {"person": "NESSUNO"}).content.decode()
    assert code not in client.get(url, {"kind": "claim"}).content.decode()
    bad = client.get(url, {"since": "2030-01-02", "until": "2030-01-01"})
    assert bad.status_code == 200
    assert "successiva a quella di fine" in bad.content.decode()


def test_another_comunes_contact_sees_nothing(client, make_user, other_municipality, logged_view):
    _contact(client, make_user, other_municipality, "dpo.altro@example.org")
    url = reverse("identity:access_log")
    page = client.get(url)
    assert page.status_code == 200
    assert logged_view.person.fiscal_code not in page.content.decode()
    body = client.get(url, {"formato": "csv"}).content.decode("utf-8-sig")
    assert logged_view.person.fiscal_code not in body


@pytest.mark.parametrize("role", [Role.DESK_OPERATOR, Role.MUNICIPALITY_ADMIN, Role.VALIDATOR])
def test_other_roles_may_not_read_the_log(staff_client, municipality, role, logged_view):
    client, _user, _membership = staff_client(role, municipality)
    assert client.get(reverse("identity:access_log")).status_code == 403


def test_a_citizen_may_not_read_the_log(client, make_user, family):
    login(client, make_user("c@example.org", person=family["head"]))
    assert client.get(reverse("identity:access_log")).status_code == 403

"""A person's e-mail, telephone and address corrected from the registry's page (the service
existed, no page called it): by the desk with a reason written in the history; a bad address
gets an Italian message and changes nothing; staff without the registry's editing role are
refused, another Comune's staff do not find the person."""

import pytest
from django.urls import reverse

from benecomune.core.models import AuditEvent, Person, Role
from benecomune.core.scoping import all_tenants

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(make_person, municipality):
    return make_person(municipality, first_name="Bruna", last_name="Gallo", sex="F")


def url(person):
    return reverse("core:person_contacts", args=[person.pk])


def test_the_desk_corrects_a_persons_contacts(staff_client, municipality, person):
    client, _user, _membership = staff_client(Role.DESK_OPERATOR, municipality)
    detail_url = reverse("core:person_detail", args=[person.pk])
    client.post(
        reverse("identity:access_reason"),
        {"persona": person.pk, "next": detail_url, "reason": "Cittadina allo sportello"},
    )
    assert url(person) in client.get(detail_url).content.decode()
    page = client.get(url(person))
    assert (
        page.status_code == 200 and "Contatti e indirizzo di Bruna Gallo" in page.content.decode()
    )

    response = client.post(
        url(person),
        {
            "email": "Bruna.Gallo@Example.org",
            "phone": "049 555 1234",
            "address": "Via Dante 3, Piazzola sul Brenta",
            "reason": "Cambio di indirizzo comunicato allo sportello",
        },
    )

    assert response.status_code == 302
    with all_tenants():
        person.refresh_from_db()
        event = AuditEvent.objects.get(action="person.contacts_changed", person=person)
    assert (person.email, person.phone, person.address) == (
        "bruna.gallo@example.org",
        "049 555 1234",
        "Via Dante 3, Piazzola sul Brenta",
    )
    assert event.reason == "Cambio di indirizzo comunicato allo sportello"
    assert event.after["address"] == "Via Dante 3, Piazzola sul Brenta"
    client.post(url(person), {"email": "", "phone": "049 555 1234", "address": ""})
    detail = client.get(detail_url).content.decode()
    assert '<dd class="col-sm-7" data-testid="contacts">049 555 1234</dd>' in detail  # no "— ·"


@pytest.mark.parametrize(
    "data,message",
    [
        ({"email": "non-una-email"}, "Inserisci un indirizzo email valido."),
        ({"email": "a" * 250 + "@example.org"}, "254 caratteri"),
        ({"phone": "1" * 31}, "30 caratteri"),
    ],
)
def test_a_bad_value_changes_nothing(staff_client, municipality, person, data, message):
    client, _user, _membership = staff_client(Role.DESK_OPERATOR, municipality)
    response = client.post(url(person), {"email": "", "phone": "", "address": "", **data})
    assert response.status_code == 200
    assert message in response.content.decode()
    with all_tenants():
        assert Person.objects.get(pk=person.pk).email == person.email
        assert not AuditEvent.objects.filter(action="person.contacts_changed").exists()


def test_only_the_registrys_editors_of_the_persons_comune(
    staff_client, municipality, other_municipality, person
):
    validator, _user, _membership = staff_client(Role.VALIDATOR, municipality)
    assert validator.get(url(person)).status_code == 403
    validator.logout()
    other, _user, _membership = staff_client(Role.DESK_OPERATOR, other_municipality)
    assert other.get(url(person)).status_code == 404
    assert other.post(url(person), {"email": "x@example.org"}).status_code == 404

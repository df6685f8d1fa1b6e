"""A person's codice fiscale must encode the surname and first name typed with it (letters
1-3 and 4-6; omocodia replaces digits only): the registry's page, the household pages and
the services that register people refuse a mismatch in Italian, naming the part that does
not match, and write nothing."""

import datetime

import pytest
from codicefiscale import codicefiscale
from django.core.exceptions import ValidationError
from django.urls import reverse

from benecomune.core.identifiers import fiscal_code_mismatches
from benecomune.core.models import AuditEvent, Household, Person, Role
from benecomune.core.scoping import all_tenants
from benecomune.core.services.people import ensure_person

pytestmark = pytest.mark.django_db

MARIO_ROSSI = "RSSMRA80A01H501U"


def test_the_code_is_compared_with_each_datum():
    assert fiscal_code_mismatches(MARIO_ROSSI, first_name="Mario", last_name="Rossi") == {}
    # Case, accents and spaces do not matter; omocodia (letters for digits) neither.
    omocode = codicefiscale.encode(
        lastname="De Rossi",
        firstname="Nicolò",
        gender="M",
        birthdate="01/01/1980",
        birthplace="Roma",
    )
    assert fiscal_code_mismatches(omocode, first_name="nicolo", last_name="DE ROSSI") == {}
    omocodes = codicefiscale.decode(omocode)["omocodes"]
    assert fiscal_code_mismatches(omocodes[-1], first_name="Nicolò", last_name="De Rossi") == {}
    wrong = fiscal_code_mismatches(
        MARIO_ROSSI,
        first_name="Giulia",
        last_name="Bianchi",
        birth_date=datetime.date(1980, 1, 2),
        sex="F",
    )
    assert wrong == {
        "last_name": "Il codice fiscale non corrisponde al cognome indicato.",
        "first_name": "Il codice fiscale non corrisponde al nome indicato.",
        "birth_date": "Il codice fiscale non corrisponde alla data di nascita indicata.",
        "sex": "Il codice fiscale non corrisponde al sesso indicato.",
    }
    assert set(fiscal_code_mismatches(MARIO_ROSSI, first_name="Luca", last_name="Rossi")) == {
        "first_name"
    }


def test_the_registry_page_refuses_a_name_the_code_does_not_encode(staff_client, municipality):
    client, _user, _m = staff_client(Role.DESK_OPERATOR, municipality)
    data = {
        "fiscal_code": MARIO_ROSSI,
        "first_name": "Giulia",
        "last_name": "Bianchi",
        "residence": municipality.pk,
    }
    response = client.post(reverse("core:person_create"), data)
    html = response.content.decode()
    assert "Il codice fiscale non corrisponde al cognome indicato." in html
    assert "Il codice fiscale non corrisponde al nome indicato." in html
    with all_tenants():
        assert not Person.objects.exists()
        assert not AuditEvent.objects.filter(action="person.registered").exists()
    # Only the surname wrong: only the surname is named.
    html = client.post(
        reverse("core:person_create"), {**data, "first_name": "Mario"}
    ).content.decode()
    assert "al cognome indicato" in html and "al nome indicato" not in html
    ok = client.post(
        reverse("core:person_create"), {**data, "first_name": "Mario", "last_name": "Rossi"}
    )
    assert ok.status_code == 302
    with all_tenants():
        assert Person.objects.get().full_name == "Mario Rossi"


def test_a_household_member_with_someone_elses_code_is_refused(staff_client, municipality):
    client, _user, _m = staff_client(Role.DESK_OPERATOR, municipality)
    response = client.post(
        reverse("core:household_create"),
        {
            "municipality": municipality.pk,
            "address": "Via Roma 5",
            "members-TOTAL_FORMS": "1",
            "members-INITIAL_FORMS": "0",
            "members-MIN_NUM_FORMS": "0",
            "members-MAX_NUM_FORMS": "20",
            "members-0-fiscal_code": MARIO_ROSSI,
            "members-0-relationship": "head",
            "members-0-first_name": "Mario",
            "members-0-last_name": "Bianchi",
        },
    )
    assert response.status_code == 400
    assert "Il codice fiscale non corrisponde al cognome indicato." in response.content.decode()
    with all_tenants():
        assert not Person.objects.exists() and not Household.objects.exists()


def test_services_registering_people_check_the_name_too(municipality):
    from benecomune.core.actors import Actor

    with pytest.raises(ValidationError) as refused:
        ensure_person(
            Actor.system_actor("test"),
            fiscal_code=MARIO_ROSSI,
            first_name="Giulia",
            last_name="Bianchi",
            residence=municipality,
        )
    assert "Il codice fiscale non corrisponde al cognome indicato." in refused.value.messages
    with all_tenants():
        assert not Person.objects.exists()

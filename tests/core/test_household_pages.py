"""Households built from the desk's registry pages: head and members in one form (codici fiscali
validated, relationships, people already in the registry reused), one more member later; a bad
row saves nothing and is named in Italian."""

import pytest
from codicefiscale import codicefiscale
from django.urls import reverse

from benecomune.core.models import AuditEvent, Household, HouseholdMember, Person, Role
from benecomune.core.scoping import all_tenants

pytestmark = pytest.mark.django_db

URL = "/gestione/anagrafe/nuovo-nucleo/"


def code(first, last, sex="M", birth="01/02/1980"):
    return codicefiscale.encode(
        lastname=last, firstname=first, gender=sex, birthdate=birth, birthplace="Padova"
    )


def rows(municipality, *members, address="Via Roma 5"):
    """POST data: the household and its member rows (the rest of the six left blank)."""
    data = {
        "municipality": municipality.pk,
        "address": address,
        "members-TOTAL_FORMS": "7",
        "members-INITIAL_FORMS": "1",
        "members-MIN_NUM_FORMS": "0",
        "members-MAX_NUM_FORMS": "20",
    }
    for i, member in enumerate(members):
        for key, value in member.items():
            data[f"members-{i}-{key}"] = value
    return data


@pytest.fixture
def desk(staff_client, municipality):
    client, _user, _m = staff_client(Role.DESK_OPERATOR, municipality)
    return client


def test_desk_registers_a_household_with_its_members(desk, municipality, make_person):
    already = make_person(municipality, first_name="Nonna", last_name="Neri", sex="F")
    head_code = code("Carlo", "Neri")
    page = desk.get(URL)
    assert page.status_code == 200 and "Intestatario della scheda" in page.content.decode()
    assert 'data-testid="new-household"' in desk.get("/gestione/anagrafe/").content.decode()
    response = desk.post(
        URL,
        rows(
            municipality,
            {
                "fiscal_code": head_code.lower(),
                "relationship": "head",
                "first_name": "Carlo",
                "last_name": "Neri",
            },
            {
                "fiscal_code": code("Lia", "Neri", "F", "03/04/2015"),
                "relationship": "child",
                "first_name": "Lia",
                "last_name": "Neri",
            },
            {"fiscal_code": already.fiscal_code, "relationship": "parent"},
        ),
    )
    with all_tenants():
        head = Person.objects.get(fiscal_code=head_code)
        assert response.status_code == 302
        assert response.url == reverse("core:person_detail", kwargs={"pk": head.pk})
        household = Household.objects.get()
        members = {m.person.first_name: m.relationship for m in household.members.all()}
        assert members == {"Carlo": "head", "Lia": "child", "Nonna": "parent"}
        assert household.address == "Via Roma 5" and head.address == "Via Roma 5"
        assert str(head.birth_date) == "1980-02-01"  # from the codice fiscale
        actions = list(AuditEvent.objects.values_list("action", flat=True))
    assert actions.count("person.registered") == 2
    assert actions.count("household.created") == 1
    assert actions.count("household.member_added") == 2
    detail = desk.get(response.url).content.decode()
    assert "Lia Neri" in detail and 'data-testid="add-member-link"' in detail


@pytest.mark.parametrize(
    "member, message",
    [
        ({"fiscal_code": "RSSMRA80A01G22", "relationship": "child"}, "16 caratteri"),
        (
            {"fiscal_code": code("Ugo", "Neri", birth="05/05/2010"), "relationship": "child"},
            "indichi nome e cognome",
        ),
        (
            {
                "fiscal_code": code("Ugo", "Neri", birth="05/05/2010"),
                "relationship": "head",
                "first_name": "Ugo",
                "last_name": "Neri",
            },
            "un solo intestatario",
        ),
    ],
)
def test_a_bad_row_saves_nothing(desk, municipality, member, message):
    head = {
        "fiscal_code": code("Carlo", "Neri"),
        "relationship": "head",
        "first_name": "Carlo",
        "last_name": "Neri",
    }
    response = desk.post(URL, rows(municipality, head, member))
    assert response.status_code == 400
    assert message in response.content.decode()
    with all_tenants():
        assert not Person.objects.exists() and not Household.objects.exists()
        assert not AuditEvent.objects.filter(action__startswith="person.").exists()


def test_a_person_of_another_household_or_comune_is_refused(
    desk, municipality, other_municipality, make_person
):
    elsewhere = make_person(other_municipality, first_name="Ada", last_name="Blu")
    response = desk.post(
        URL,
        rows(
            municipality,
            {
                "fiscal_code": code("Carlo", "Neri"),
                "relationship": "head",
                "first_name": "Carlo",
                "last_name": "Neri",
            },
            {"fiscal_code": elsewhere.fiscal_code, "relationship": "spouse"},
        ),
    )
    assert response.status_code == 400
    assert "residente in un altro Comune" in response.content.decode()
    with all_tenants():
        assert not Household.objects.exists()


def test_desk_adds_a_member_to_an_existing_household(desk, municipality):
    desk.post(
        URL,
        rows(
            municipality,
            {
                "fiscal_code": code("Carlo", "Neri"),
                "relationship": "head",
                "first_name": "Carlo",
                "last_name": "Neri",
            },
        ),
    )
    with all_tenants():
        household = Household.objects.get()
    url = reverse("core:household_add_member", kwargs={"pk": household.pk})
    assert desk.get(url).status_code == 200
    new_code = code("Eva", "Neri", "F", "09/09/2019")
    # A second head is not offered, and an unknown person needs a name.
    refused = desk.post(url, {"fiscal_code": new_code, "relationship": "head"})
    assert refused.status_code == 400
    nameless = desk.post(url, {"fiscal_code": new_code, "relationship": "child"})
    assert "indichi nome e cognome" in nameless.content.decode()
    response = desk.post(
        url,
        {
            "fiscal_code": new_code,
            "relationship": "child",
            "first_name": "Eva",
            "last_name": "Neri",
        },
    )
    assert response.status_code == 302
    with all_tenants():
        member = HouseholdMember.objects.get(person__fiscal_code=new_code)
        assert member.household_id == household.pk and member.relationship == "child"
        assert member.person.address == household.address
    # Adding the same person again is refused in Italian.
    again = desk.post(url, {"fiscal_code": new_code, "relationship": "child"})
    assert "fa già parte di un nucleo familiare" in again.content.decode()


def test_validator_cannot_build_households(staff_client, municipality):
    client, _u, _m = staff_client(Role.VALIDATOR, municipality)
    assert client.get(URL).status_code == 403

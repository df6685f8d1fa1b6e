"""A household's members changed from the registry's pages by whoever adds them (staff with
the registry's editing role): a member's relationship to the head, a new head named (the old
one given a relationship in the same step), a member taken out after a confirmation page.
Each change asks a reason and writes one audit event per member changed; bad input is named
in Italian and changes nothing; the head never leaves a household headless; the person taken
out stays in the registry with their history. Another Comune's staff do not find the person;
staff without the editing role are refused."""

import pytest
from django.urls import reverse

from benecomune.core.models import AuditEvent, Household, HouseholdMember, Person, Role
from benecomune.core.scoping import all_tenants
from tests.core.test_household_pages import URL, code, rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(staff_client, municipality):
    client, _user, _m = staff_client(Role.DESK_OPERATOR, municipality)
    return client


@pytest.fixture
def family(desk, municipality):
    """Carlo (head), Anna (spouse) and Lia (child), registered through the household page."""
    response = desk.post(
        URL,
        rows(
            municipality,
            *(
                {"fiscal_code": fc, "relationship": rel, "first_name": first, "last_name": "Neri"}
                for fc, rel, first in [
                    (code("Carlo", "Neri"), "head", "Carlo"),
                    (code("Anna", "Neri", "F", "03/03/1982"), "spouse", "Anna"),
                    (code("Lia", "Neri", "F", "03/04/2015"), "child", "Lia"),
                ]
            ),
        ),
    )
    assert response.status_code == 302
    with all_tenants():
        return {p.first_name: p for p in Person.objects.all()}


def relationships():
    with all_tenants():
        return dict(HouseholdMember.objects.values_list("person__first_name", "relationship"))


def events(action):
    with all_tenants():
        return list(AuditEvent.objects.filter(action=action).order_by("pk"))


def relationship_url(person):
    return reverse("core:member_relationship", args=[person.pk])


def remove_url(person):
    return reverse("core:member_remove", args=[person.pk])


def open_file(client, person):
    """The registry's page of a person, after the reason the access log asks."""
    detail = reverse("core:person_detail", args=[person.pk])
    client.post(
        reverse("identity:access_reason"),
        {"persona": person.pk, "next": detail, "reason": "Cittadino allo sportello"},
    )
    return client.get(detail).content.decode()


def test_the_desk_changes_a_members_relationship(desk, family):
    carlo, lia = family["Carlo"], family["Lia"]
    detail = open_file(desk, carlo)
    assert relationship_url(lia) in detail and remove_url(lia) in detail
    assert relationship_url(carlo) not in detail  # the head: only by naming another one
    page = desk.get(relationship_url(lia))
    assert page.status_code == 200 and "Relazione di Lia Neri" in page.content.decode()

    missing_reason = desk.post(relationship_url(lia), {"relationship": "grandchild"})
    assert missing_reason.status_code == 400
    assert "Questo campo è obbligatorio" in missing_reason.content.decode()
    same = desk.post(relationship_url(lia), {"relationship": "child", "reason": "Verifica"})
    assert "già quella registrata" in same.content.decode()
    assert relationships()["Lia"] == "child" and not events("household.relationship_changed")

    response = desk.post(
        relationship_url(lia), {"relationship": "grandchild", "reason": "Errore di inserimento"}
    )
    assert response.status_code == 302
    assert relationships()["Lia"] == "grandchild"
    (event,) = events("household.relationship_changed")
    assert event.person_id == lia.pk and event.actor is not None
    assert event.reason == "Errore di inserimento"
    assert event.before["relationship"] == "child" and event.after["relationship"] == "grandchild"
    assert "Relazione nel nucleo modificata" in open_file(desk, lia)


def test_a_new_head_is_named_and_the_old_one_given_a_relationship(desk, family):
    carlo, anna = family["Carlo"], family["Anna"]
    # The head is not demoted by itself: the household would have none.
    refused = desk.post(relationship_url(carlo), {"relationship": "spouse", "reason": "Cambio"})
    assert refused.status_code == 400
    assert "per cambiarlo indichi come intestatario un altro componente" in (
        refused.content.decode()
    )
    unnamed = desk.post(relationship_url(anna), {"relationship": "head", "reason": "Cambio"})
    assert unnamed.status_code == 400
    assert "Indichi la nuova relazione" in unnamed.content.decode()
    assert relationships() == {"Carlo": "head", "Anna": "spouse", "Lia": "child"}

    response = desk.post(
        relationship_url(anna),
        {
            "relationship": "head",
            "former_head_relationship": "spouse",
            "reason": "Nuova intestataria della scheda",
        },
    )
    assert response.status_code == 302
    assert relationships() == {"Carlo": "spouse", "Anna": "head", "Lia": "child"}
    changed = events("household.relationship_changed")
    assert [(e.person_id, e.after["relationship"]) for e in changed] == [
        (carlo.pk, "spouse"),
        (anna.pk, "head"),
    ]
    with all_tenants():
        assert Household.objects.get().head == anna


def test_a_member_is_taken_out_after_confirming(desk, family):
    carlo, lia = family["Carlo"], family["Lia"]
    page = desk.get(remove_url(lia))
    html = page.content.decode()
    assert page.status_code == 200 and 'data-testid="remove-summary"' in html
    assert "Togliere Lia Neri dal nucleo familiare?" in html

    for data, message in [
        ({"reason": "Trasferita"}, "Confermi la rimozione spuntando la casella"),
        ({"confirmed": "on"}, "Questo campo è obbligatorio"),
        ({"reason": "   ", "confirmed": "on"}, "Questo campo è obbligatorio"),
    ]:
        response = desk.post(remove_url(lia), data)
        assert response.status_code == 400 and message in response.content.decode()
    assert "Lia" in relationships() and not events("household.member_removed")

    response = desk.post(
        remove_url(lia), {"reason": "Trasferita a Padova per studio", "confirmed": "on"}
    )
    assert response.status_code == 302
    assert response.url == reverse("core:person_detail", args=[carlo.pk])
    assert relationships() == {"Carlo": "head", "Anna": "spouse"}
    with all_tenants():
        assert Person.objects.filter(pk=lia.pk).exists()  # the person stays
    (event,) = events("household.member_removed")
    assert event.person_id == lia.pk and event.reason == "Trasferita a Padova per studio"
    assert event.before["relationship"] == "child"
    lia_file = open_file(desk, lia)
    assert "La persona non fa parte di un nucleo registrato." in lia_file
    assert "Componente tolto dal nucleo" in lia_file and "Trasferita a Padova" in lia_file
    assert "Lia Neri" not in open_file(desk, carlo)
    # Out of the household: its pages for her are gone.
    assert desk.get(remove_url(lia)).status_code == 404


def test_the_head_cannot_be_taken_out(desk, family):
    carlo = family["Carlo"]
    response = desk.post(remove_url(carlo), {"reason": "Trasferito", "confirmed": "on"})
    assert response.status_code == 400
    assert "prima di toglierlo dal nucleo indichi come intestatario" in response.content.decode()
    assert relationships()["Carlo"] == "head" and not events("household.member_removed")


def test_other_staff_are_refused(staff_client, desk, family, other_municipality):
    lia = family["Lia"]
    client, _user, _m = staff_client(Role.VALIDATOR, family["Lia"].residence)
    assert client.get(relationship_url(lia)).status_code == 403
    assert client.post(remove_url(lia), {"reason": "x", "confirmed": "on"}).status_code == 403
    client, _user, _m = staff_client(Role.DESK_OPERATOR, other_municipality)
    assert client.get(remove_url(lia)).status_code == 404
    assert client.post(remove_url(lia), {"reason": "x", "confirmed": "on"}).status_code == 404
    assert client.post(relationship_url(lia), {"relationship": "other"}).status_code == 404
    assert relationships()["Lia"] == "child"

"""Giving the chosen list: stored with its reasons, the needs met and unmet recorded (and
counted per Comune for the observatory), the PDF served only to the case's team and to the
person, the list in the person's area; a need marked unmet with a note."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from benecomune.core.models import AuditEvent
from benecomune.desk.models import NeedOutcome, Orientation
from benecomune.desk.orientation.queries import orientation_items
from benecomune.desk.services import intake
from benecomune.desk.services import orientation as decisions
from benecomune.desk.services.unmet import needs_by_comune_area
from tests.desk.conftest import intake_for, needs
from tests.desk.orientation_fixtures import *  # noqa: F403
from tests.helpers import login

pytestmark = pytest.mark.django_db
NEEDS = ("assistenza-domiciliare-anziani", "solitudine")


@pytest.fixture
def given(manager, point, elder, services):
    case = intake.open_case(manager[0], point, intake_for(elder, needs=needs(*NEEDS)))
    key = f"service:{services['home_care'].pk}"
    orientation = decisions.give(manager[0], case, keys=[key], note="Chiami la cooperativa.")
    return case, orientation


def test_the_chosen_list_is_stored_and_needs_recorded(given, elder, services):
    case, orientation = given
    (item,) = orientation_items(orientation)
    assert item.title == services["home_care"].title and item.reasons
    assert [n.code for n in item.needs.all()] == ["assistenza-domiciliare-anziani"]
    assert orientation.person_id == elder.pk
    outcomes = dict(
        NeedOutcome.objects_unscoped.filter(case=case).values_list("need__code", "status")
    )
    assert outcomes == {"assistenza-domiciliare-anziani": "met", "solitudine": "unmet"}
    event = AuditEvent.objects_unscoped.get(action="desk.orientation_given")
    assert event.after["unmet"] == ["solitudine"] and event.person_id == elder.pk


def test_unmet_needs_per_comune_and_need(given, municipality, manager):
    case, _orientation = given
    rows = {r["need_code"]: r for r in needs_by_comune_area()}
    home = rows["assistenza-domiciliare-anziani"]
    assert home["comune_id"] == municipality.pk and home["comune_name"] == municipality.name
    assert home["area_code"] == "anziani" and home["area_label"] == "Anziani"
    assert (home["recorded"], home["met"], home["unmet"]) == (1, 1, 0)
    assert (rows["solitudine"]["met"], rows["solitudine"]["unmet"]) == (0, 1)
    assert needs_by_comune_area(organization_ids=[municipality.pk + 999]) == []
    # An operator's note on a need: recorded unmet, audited; a need not of the case refused.
    need = case.needs.get(code="assistenza-domiciliare-anziani")
    decisions.mark_unmet(manager[0], case, need=need, note="Lista d'attesa di sei mesi")
    home = {r["need_code"]: r for r in needs_by_comune_area()}["assistenza-domiciliare-anziani"]
    assert (home["met"], home["unmet"]) == (0, 1)
    assert AuditEvent.objects_unscoped.filter(action="desk.need_unmet").count() == 1
    with pytest.raises(ValidationError):
        decisions.mark_unmet(manager[0], case, need=needs("bollette")[0], note="x")


def test_a_choice_not_proposed_is_refused(manager, point, elder):
    case = intake.open_case(manager[0], point, intake_for(elder, needs=needs(*NEEDS)))
    with pytest.raises(ValidationError):
        decisions.give(manager[0], case, keys=["service:999999"])
    assert not Orientation.objects_unscoped.exists()


def test_pdf_only_for_the_case_team_and_the_person(
    given, client, manager, colleague, other_manager, elder, make_user, make_person, municipality
):
    _case, orientation = given
    staff_url = reverse("core:file", args=["desk-orientation", orientation.pk])
    mine_url = reverse("core:my_file", args=["desk-orientation", orientation.pk])
    assert client.get(mine_url).status_code == 302  # anonymous: to the login
    login(client, manager[1], manager[2])
    response = client.get(staff_url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert (
        b"".join(response.streaming_content if response.streaming else [response.content])[:4]
        == b"%PDF"
    )
    for operator in (colleague, other_manager):  # not in the case's team; another Point
        client.logout()
        login(client, operator[1], operator[2])
        assert client.get(staff_url).status_code == 404
    client.logout()
    login(client, make_user("ada@example.org", person=elder))
    assert client.get(mine_url).status_code == 200
    page = client.get(reverse("desk:my_orientations"))
    assert page.status_code == 200
    assert "Assistenza domiciliare anziani" in page.content.decode()
    client.logout()
    stranger = make_person(municipality, first_name="Ugo", last_name="Neri")
    login(client, make_user("ugo@example.org", person=stranger))
    assert client.get(mine_url).status_code == 404
    assert (
        "Assistenza domiciliare" not in client.get(reverse("desk:my_orientations")).content.decode()
    )


def test_orientation_page_dismiss_and_give(given, client, manager, services):
    case, _orientation = given
    login(client, manager[1], manager[2])
    url = reverse("desk:orientation", args=[case.pk])
    page = client.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Laboratorio di socializzazione" in text and "Perché" in text
    key = f"service:{services['lab'].pk}"
    bad = client.post(reverse("desk:orientation_dismiss", args=[case.pk]), {"key": key})
    assert bad.status_code == 400
    done = client.post(
        reverse("desk:orientation_dismiss", args=[case.pk]), {"key": key, "reason": "Lontano"}
    )
    assert done.status_code == 302
    given_now = client.post(
        reverse("desk:orientation_give", args=[case.pk]),
        {"chosen": [f"service:{services['home_care'].pk}"], "note": ""},
    )
    assert given_now.status_code == 302
    assert Orientation.objects_unscoped.filter(case=case).count() == 2

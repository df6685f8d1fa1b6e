"""Assisted applications at the desk: search, consent, fill and send on the citizen's behalf,
receipt; the operator's Comune only."""

import pytest
from django.urls import reverse

from benecomune.calls.models import Application, ApplicationStatus
from benecomune.core.models import AuditEvent, Role
from tests.calls.applications_factory import upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(staff_client, municipality):
    client, user, _membership = staff_client(Role.DESK_OPERATOR, municipality)
    return client, user


def app_url(name, application, **kwargs):
    return reverse(f"calls:{name}", kwargs={"pk": application.pk, **kwargs})


def start_assisted(client, family, call, note="Di persona, carta d'identità verificata"):
    return client.post(
        reverse("calls:desk_person", kwargs={"pk": family["head"].pk}),
        {"call": call.pk, "consent_note": note},
    )


def test_search_by_fiscal_code_or_name(desk, family):
    client, _user = desk
    home = reverse("calls:desk_home")
    assert client.get(home).status_code == 200
    by_code = client.get(home, {"q": family["head"].fiscal_code.lower()}).content.decode()
    assert reverse("calls:desk_person", kwargs={"pk": family["head"].pk}) in by_code
    by_name = client.get(home, {"q": "Bianchi Giulia"}).content.decode()
    assert "Bianchi Giulia" in by_name and "Bianchi Marco" not in by_name
    none = client.get(home, {"q": "Zzzz"}).content.decode()
    assert "Nessuna persona trovata" in none


def test_consent_is_required_to_start(desk, family, make_call):
    client, _user = desk
    call = make_call()
    response = start_assisted(client, family, call, note="")
    assert response.status_code == 400
    assert not Application.objects_unscoped.exists()


def test_full_assisted_journey(desk, family, make_call):
    client, user = desk
    call = make_call()
    person_page = client.get(reverse("calls:desk_person", kwargs={"pk": family["head"].pk}))
    assert call.title in person_page.content.decode()
    response = start_assisted(client, family, call)
    application = Application.objects_unscoped.get()
    assert response.url == app_url("desk_application_edit", application)
    assert application.assisted_by_id == user.pk
    edit = client.get(app_url("desk_application_edit", application)).content.decode()
    assert "Sta compilando per conto di Giulia Bianchi" in edit
    isee = family["isee"]
    saved = client.post(
        app_url("desk_application_edit", application),
        {
            "isee_value": "8.500,00",
            "isee_protocol": isee.protocol,
            "isee_date": isee.issued_on.isoformat(),
            "decl_truthful": "on",
            "decl_no_other_aid": "on",
            "next": "submit",
        },
    )
    assert saved.url == app_url("desk_application_submit", application)
    client.post(
        app_url("desk_application_document_add", application), {"code": "id_card", "file": upload()}
    )
    sent = client.post(app_url("desk_application_submit", application))
    assert sent.status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED and application.protocol
    receipt = client.get(app_url("desk_application_receipt", application))
    assert receipt.status_code == 200 and receipt.content.startswith(b"%PDF")
    detail = client.get(app_url("desk_application", application)).content.decode()
    assert "Domanda presentata" in detail and user.full_name in detail
    submitted = AuditEvent.objects_unscoped.get(action="calls.application_submitted")
    assert submitted.actor_id == user.pk and "per conto di Giulia Bianchi" in submitted.reason


def test_other_comune_is_out_of_reach(
    staff_client, other_municipality, family, make_call, make_user
):
    from benecomune.calls.services.applications import start_application
    from tests.calls.applications_factory import citizen

    client, _user, _m = staff_client(Role.DESK_OPERATOR, other_municipality)
    assert (
        client.get(reverse("calls:desk_person", kwargs={"pk": family["head"].pk})).status_code
        == 404
    )
    _u, head = citizen(make_user, family["head"])
    application = start_application(head, make_call(), family["head"])
    assert client.get(app_url("desk_application", application)).status_code == 404
    assert client.get(app_url("desk_application_edit", application)).status_code == 404


def test_validator_reads_the_receipt_but_does_not_assist(
    staff_client, municipality, family, make_call, make_user
):
    from benecomune.calls.services.applications import submit_application
    from tests.calls.applications_factory import citizen, ready_draft

    _u, head = citizen(make_user, family["head"])
    application = ready_draft(head, make_call(), family["head"], family["isee"])
    submit_application(head, application)
    client, _user, _m = staff_client(Role.VALIDATOR, municipality)
    assert client.get(reverse("calls:desk_home")).status_code == 403
    assert client.get(app_url("desk_application_edit", application)).status_code == 403
    assert client.get(app_url("desk_application_receipt", application)).status_code == 200


def test_desk_home_card_counts_assisted_drafts(desk, family, make_call):
    client, _user = desk
    start_assisted(client, family, make_call())
    home = client.get(reverse("core:home")).content.decode()
    assert "Domande allo sportello" in home and "in compilazione" in home

"""The citizen's application pages: list, start, form with autosave, documents, submission,
receipt, clarification answer, withdrawal; another citizen's application is a 404."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from benecomune.calls.models import (
    Application,
    ApplicationDocument,
    ApplicationStatus,
    ClarificationRequest,
    ClarificationStatus,
)
from tests.calls.applications_factory import citizen, ready_draft, upload
from tests.helpers import login

pytestmark = pytest.mark.django_db


@pytest.fixture
def giulia(client, family, make_user):
    user, actor = citizen(make_user, family["head"])
    login(client, user)
    return actor


def url(name, application, **kwargs):
    return reverse(f"calls:{name}", kwargs={"pk": application.pk, **kwargs})


def test_list_shows_open_calls_and_the_home_card(client, giulia, make_call):
    call = make_call(summary="Buoni per la spesa alimentare")
    page = client.get(reverse("calls:my_applications"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Nessuna domanda" in html
    assert reverse("calls:apply_start", kwargs={"pk": call.pk}) in html
    home = client.get(reverse("core:home")).content.decode()
    assert "Le mie domande" in home  # navigation


def test_start_from_an_open_call(client, giulia, make_call, family):
    call = make_call()
    start = reverse("calls:apply_start", kwargs={"pk": call.pk})
    page = client.get(start)
    assert page.status_code == 200
    assert "Marco Bianchi" in page.content.decode() and "Inizia la domanda" in page.content.decode()
    response = client.post(start)
    application = Application.objects_unscoped.get()
    assert response.status_code == 302 and response.url == url("my_application_edit", application)
    assert application.members.count() == 3
    # Back to the call: the existing application opens instead of a second one.
    assert client.get(start).url == url("my_application", application)
    home = client.get(reverse("core:home")).content.decode()
    assert "ancora in bozza" in home


def test_start_refusal_is_shown_in_italian(
    client, make_call, make_person, other_municipality, make_user
):
    call = make_call()
    outsider = make_person(other_municipality, first_name="Ugo", last_name="Neri")
    user, _actor = citizen(make_user, outsider)
    login(client, user)
    response = client.post(reverse("calls:apply_start", kwargs={"pk": call.pk}))
    assert response.status_code == 400
    assert "residenti dei Comuni aderenti" in response.content.decode()
    assert not Application.objects_unscoped.exists()


def test_the_form_saves_and_refuses_bad_input(client, giulia, make_call, family):
    call = make_call()
    application = ready_draft(giulia, call, family["head"], family["isee"], document=False)
    edit = url("my_application_edit", application)
    page = client.get(edit)
    html = page.content.decode()
    assert page.status_code == 200
    assert url("my_application_autosave", application) in html
    assert "Luca Bianchi ha una disabilità certificata" in html
    assert "Manca il documento: Documento d&#x27;identità" in html
    data = {
        "isee_value": "7.200,50",
        "isee_protocol": family["isee"].protocol,
        "isee_date": family["isee"].issued_on.isoformat(),
        "contact_phone": "049 1234567",
        "contact_email": "giulia@example.org",
        "decl_truthful": "on",
        "decl_no_other_aid": "on",
        "next": "stay",
    }
    assert client.post(edit, data).status_code == 302
    application.refresh_from_db()
    assert application.isee_value == 720_050 and application.contact_phone == "049 1234567"
    bad = client.post(edit, {**data, "isee_value": "1.0,0", "isee_protocol": "ABC"})
    assert bad.status_code == 400
    text = bad.content.decode()
    assert "Nulla è stato salvato" in text and "protocollo DSU non sembra corretto" in text
    application.refresh_from_db()
    assert (
        application.isee_value == 720_050 and application.isee_protocol == family["isee"].protocol
    )


def test_autosave_answers_with_the_time(client, giulia, make_call, family):
    application = ready_draft(giulia, make_call(), family["head"], family["isee"], document=False)
    response = client.post(
        url("my_application_autosave", application),
        {"isee_value": "8500", "contact_phone": "3331234567"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert "Salvato alle" in response.content.decode()
    application.refresh_from_db()
    assert application.isee_value == 850_000
    # Unchecked declarations in the posted form mean "not ticked".
    assert application.declarations == {"truthful": False, "no_other_aid": False}
    bad = client.post(
        url("my_application_autosave", application),
        {"isee_date": (timezone.localdate() + datetime.timedelta(days=3)).isoformat()},
        headers={"HX-Request": "true"},
    )
    assert "Non salvato" in bad.content.decode() and "futuro" in bad.content.decode()


def test_upload_through_the_page(client, giulia, make_call, family):
    application = ready_draft(giulia, make_call(), family["head"], family["isee"], document=False)
    target = url("my_application_document_add", application)
    refused = client.post(target, {"code": "id_card", "file": upload("foto.pdf", b"GIF89a....")})
    assert refused.status_code == 400
    assert "si possono caricare solo PDF, JPEG, PNG" in refused.content.decode()
    assert not ApplicationDocument.objects.exists()
    assert client.post(target, {"code": "id_card", "file": upload()}).status_code == 302
    document = ApplicationDocument.objects.get()
    download = client.get(url("my_application_document", application, doc=document.pk))
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"


def test_submit_through_the_page_and_download_the_receipt(client, giulia, make_call, family):
    application = ready_draft(giulia, make_call(), family["head"], family["isee"])
    review = client.get(url("my_application_submit", application))
    assert review.status_code == 200
    text = review.content.decode()
    assert "requisiti risultano soddisfatti" in text and "€ 225,00" in text
    response = client.post(url("my_application_submit", application))
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED
    detail = client.get(url("my_application", application)).content.decode()
    assert application.protocol in detail and "Domanda presentata" in detail
    receipt = client.get(url("my_application_receipt", application))
    assert receipt.status_code == 200 and receipt["Content-Type"] == "application/pdf"
    assert receipt.content.startswith(b"%PDF")


def test_submit_page_lists_what_is_missing(client, giulia, make_call, family):
    application = ready_draft(giulia, make_call(), family["head"], family["isee"], document=False)
    page = client.get(url("my_application_submit", application)).content.decode()
    assert "Manca il documento" in page and "Invia la domanda</button>" not in page
    response = client.post(url("my_application_submit", application))
    assert response.status_code == 400 and "non è stata inviata" in response.content.decode()
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT


def test_another_citizens_application_is_not_found(client, make_call, family, make_user):
    _u, head = citizen(make_user, family["head"])
    application = ready_draft(head, make_call(), family["head"], family["isee"])
    document = ApplicationDocument.objects.get()
    spouse_user, _a = citizen(make_user, family["spouse"])
    login(client, spouse_user)
    for name in ("my_application", "my_application_edit", "my_application_submit"):
        assert client.get(url(name, application)).status_code == 404
    assert client.post(url("my_application_submit", application)).status_code == 404
    assert client.post(url("my_application_withdraw", application)).status_code == 404
    assert (
        client.get(url("my_application_document", application, doc=document.pk)).status_code == 404
    )
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DRAFT
    # Even once submitted, the receipt is the applicant's.
    from benecomune.calls.services.applications import submit_application

    submit_application(head, application)
    assert client.get(url("my_application_receipt", application)).status_code == 404


def test_answer_a_clarification_on_the_page(client, giulia, make_call, family, operator_actor):
    from benecomune.calls.services.applications import submit_application

    application = ready_draft(giulia, make_call(), family["head"], family["isee"])
    submit_application(giulia, application)
    request = ClarificationRequest.objects.create(
        application=application,
        message="Serve la carta d'identità fronte e retro.",
        due_date=timezone.localdate() + datetime.timedelta(days=7),
        requested_by=operator_actor.user,
    )
    Application.objects_unscoped.filter(pk=application.pk).update(
        status=ApplicationStatus.CLARIFICATION
    )
    page = client.get(url("my_application", application)).content.decode()
    assert "Serve la carta d&#x27;identità fronte e retro." in page
    assert url("my_application_answer", application) in page
    empty = client.post(url("my_application_answer", application), {"answer": ""})
    assert empty.status_code == 400
    response = client.post(
        url("my_application_answer", application),
        {
            "answer": "Allego il retro.",
            "code": "id_card",
            "file": upload("retro.png", b"\x89PNG\r\n\x1a\n1"),
        },
    )
    assert response.status_code == 302
    request.refresh_from_db()
    application.refresh_from_db()
    assert request.status == ClarificationStatus.ANSWERED
    assert application.status == ApplicationStatus.SUBMITTED
    history = client.get(url("my_application", application)).content.decode()
    assert "Integrazione inviata dal richiedente" in history


def test_withdraw_on_the_page(client, giulia, make_call, family):
    application = ready_draft(giulia, make_call(), family["head"], family["isee"])
    from benecomune.calls.services.applications import submit_application

    submit_application(giulia, application)
    missing = client.post(url("my_application_withdraw", application), {"reason": ""})
    assert missing.status_code == 400 and "motivo del ritiro" in missing.content.decode()
    done = client.post(url("my_application_withdraw", application), {"reason": "Non serve più"})
    assert done.status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.WITHDRAWN


def test_household_refresh_and_document_removal_buttons(
    client, giulia, make_call, family, make_person, municipality, admin_actor
):
    from benecomune.core.scoping import all_tenants
    from benecomune.core.services.people import add_household_member

    application = ready_draft(giulia, make_call(), family["head"], family["isee"])
    edit = client.get(url("my_application_edit", application)).content.decode()
    assert url("my_application_household", application) in edit
    document = ApplicationDocument.objects.get()
    remove = url("my_application_document_remove", application, doc=document.pk)
    assert remove in edit
    with all_tenants():
        nonna = make_person(municipality, first_name="Rosa", last_name="Bianchi", sex="F")
        add_household_member(admin_actor, family["household"], nonna, "parent")
    assert client.post(url("my_application_household", application)).status_code == 302
    assert application.members.filter(fiscal_code=nonna.fiscal_code, active=True).exists()
    assert client.post(remove).status_code == 302
    assert not ApplicationDocument.objects.exists()

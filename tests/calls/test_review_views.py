"""Review pages: list, filters, export, detail, actions, documents, permissions."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from benecomune.calls.models import ApplicationStatus
from benecomune.core.models import AuditEvent, Membership, Role
from benecomune.core.scoping import all_tenants
from tests.calls.review_factory import (
    full_checklist,
    instruct,
    make_application,
    make_family,
    refresh,
)
from tests.helpers import actor_for, login

pytestmark = pytest.mark.django_db


def client_for(make_user, email, role, organization, *, extra_role=None):
    user = make_user(email, role=role, organization=organization)
    if extra_role:
        Membership.objects.create(user=user, organization=organization, role=extra_role)
    membership = Membership.objects.get(user=user, role=role, organization=organization)
    return login(Client(), user, membership), user


@pytest.fixture
def application(make_call, family):
    return make_application(make_call(), family)


@pytest.fixture
def desk(make_user, municipality):
    return client_for(make_user, "sportello.pagine@example.org", Role.DESK_OPERATOR, municipality)


@pytest.fixture
def validator(make_user, municipality):
    return client_for(make_user, "convalida.pagine@example.org", Role.VALIDATOR, municipality)


def detail_url(application):
    return reverse("calls:review_detail", args=[application.pk])


# --- list, search, export ------------------------------------------------------------------------


def test_list_defaults_to_the_roles_work(application, desk, validator, operator_actor):
    client, _user = desk
    page = client.get(reverse("calls:review_list")).content.decode()
    assert application.protocol in page
    instruct(operator_actor, application)
    assert application.protocol not in client.get(reverse("calls:review_list")).content.decode()
    client, _user = validator
    page = client.get(reverse("calls:review_list")).content.decode()
    assert application.protocol in page
    assert 'name="ids"' in page  # bulk selection for validators


def test_search_and_filters(make_call, family, make_person, municipality, admin_actor, desk):
    call = make_call()
    first = make_application(call, family)
    other = make_application(
        call,
        make_family(make_person, municipality, admin_actor, last_name="Neri"),
        isee_value=123_400,  # differs from INPS: flagged
    )
    client, _user = desk
    url = reverse("calls:review_list")

    def found(**params):
        page = client.get(url, {"status": "", **params}).content.decode()
        return {a.protocol for a in (first, other) if a.protocol in page}

    assert found() == {first.protocol, other.protocol}
    assert found(q="neri") == {other.protocol}
    assert found(q=family["child"].fiscal_code.lower()) == {first.protocol}  # a member's code
    assert found(q=first.protocol) == {first.protocol}
    assert found(q="Bianchi Giulia") == {first.protocol}
    assert found(mismatch="on") == {other.protocol}
    assert found(status="instructed") == set()
    assert found(call=str(call.pk)) == {first.protocol, other.protocol}


def test_htmx_returns_the_results_only(application, desk):
    client, _user = desk
    response = client.get(reverse("calls:review_list"), {"q": "Bianchi"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert application.protocol in body
    assert "<html" not in body


def test_other_comune_applications_are_not_found(application, make_user, other_municipality):
    client, _user = client_for(
        make_user, "sportello@limena.example.org", Role.DESK_OPERATOR, other_municipality
    )
    page = client.get(reverse("calls:review_list"), {"status": ""}).content.decode()
    assert application.protocol not in page
    assert client.get(detail_url(application)).status_code == 404
    with all_tenants():
        document = application.documents.get()
    url = reverse("calls:review_document", args=[application.pk, document.pk])
    assert client.get(url).status_code == 404
    response = client.post(
        reverse("calls:review_clarify", args=[application.pk]),
        {"message": "x", "due_date": "2099-01-01"},
    )
    assert response.status_code == 404
    assert refresh(application).status == ApplicationStatus.SUBMITTED


def test_csv_export_is_streamed_and_audited(application, desk):
    client, user = desk
    response = client.get(reverse("calls:review_export"), {"status": ""})
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    header, row = body.splitlines()[:2]
    assert header.startswith("protocollo;bando;stato")
    assert row.startswith(application.protocol + ";")
    assert "8500,00" in row
    assert AuditEvent.objects_unscoped.filter(
        action="calls.applications_exported", actor=user
    ).exists()


# --- detail and actions ------------------------------------------------------------------


def test_detail_for_the_desk(application, desk):
    client, _user = desk
    page = client.get(detail_url(application)).content.decode()
    assert 'id="h-checklist"' in page
    assert 'name="elig_residence__outcome"' in page
    assert 'id="h-clarify"' in page
    assert "Registra la decisione" not in page
    assert "carta-identita.pdf" in page
    assert "Valore ISEE confermato da INPS." in page


def test_checklist_saved_through_htmx(application, desk):
    client, _user = desk
    data = {f"{k}__outcome": v["outcome"] for k, v in full_checklist(application).items()}
    data["doc_id_card__note"] = "Carta valida fino al 2030"
    response = client.post(
        reverse("calls:review_checklist", args=[application.pk]), data, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert 'data-testid="checklist-saved"' in response.content.decode()
    application = refresh(application)
    assert application.checklist["items"]["doc_id_card"] == {
        "outcome": "ok",
        "note": "Carta valida fino al 2030",
    }


def test_clarification_from_the_page(application, desk):
    client, _user = desk
    url = reverse("calls:review_clarify", args=[application.pk])
    yesterday = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    response = client.post(url, {"message": "Firmi il modulo", "due_date": yesterday})
    assert response.status_code == 400
    assert response.content.decode().count("data futura") == 1  # once, not in two boxes
    assert refresh(application).status == ApplicationStatus.SUBMITTED
    due = (timezone.localdate() + datetime.timedelta(days=5)).isoformat()
    response = client.post(url, {"message": "Firmi il modulo", "due_date": due})
    assert response.status_code == 302
    assert refresh(application).status == ApplicationStatus.CLARIFICATION
    page = client.get(detail_url(application)).content.decode()
    assert "Firmi il modulo" in page
    assert 'data-testid="clarification"' in page


def test_complete_and_decide_from_the_pages(application, desk, validator):
    client, _user = desk
    response = client.post(
        reverse("calls:review_complete", args=[application.pk]), {"proposal": "admit"}
    )
    assert response.status_code == 400
    assert "Completi la lista di controllo" in response.content.decode()
    data = {f"{k}__outcome": "ok" for k in full_checklist(application)}
    client.post(reverse("calls:review_checklist", args=[application.pk]), data)
    response = client.post(
        reverse("calls:review_complete", args=[application.pk]), {"proposal": "admit", "note": ""}
    )
    assert response.status_code == 302
    assert refresh(application).status == ApplicationStatus.INSTRUCTED
    # The desk operator cannot decide, not even by posting the form.
    response = client.post(
        reverse("calls:review_decide", args=[application.pk]), {"decision": "approve"}
    )
    assert response.status_code == 403
    client, user = validator
    page = client.get(detail_url(application)).content.decode()
    assert "Registra la decisione" in page
    assert 'data-testid="proposal"' in page
    response = client.post(
        reverse("calls:review_decide", args=[application.pk]), {"decision": "reject", "reason": ""}
    )
    assert response.status_code == 400
    assert "indichi il motivo" in response.content.decode()
    response = client.post(
        reverse("calls:review_decide", args=[application.pk]), {"decision": "approve", "reason": ""}
    )
    assert response.status_code == 302
    application = refresh(application)
    assert application.status == ApplicationStatus.ADMITTED
    assert application.decided_by == user
    page = client.get(detail_url(application)).content.decode()
    assert 'data-testid="outcome"' in page
    # The applicant is Giulia: the confirmation speaks of her in the feminine.
    assert "Domanda ammessa; la richiedente è stata avvisata." in page
    assert "Domanda ammessa" in page  # the timeline


def test_decision_hidden_and_refused_for_the_instructing_user(application, make_user, municipality):
    client, user = client_for(
        make_user,
        "doppio.pagine@example.org",
        Role.VALIDATOR,
        municipality,
        extra_role=Role.DESK_OPERATOR,
    )
    instruct(actor_for(user, Role.DESK_OPERATOR, municipality), application)
    page = client.get(detail_url(application)).content.decode()
    assert 'data-testid="decide-blocked"' in page
    assert "Registra la decisione" not in page
    response = client.post(
        reverse("calls:review_decide", args=[application.pk]),
        {"decision": "approve", "reason": "ok"},
    )
    assert response.status_code == 400
    assert "quattro occhi" in response.content.decode()
    application = refresh(application)
    assert application.status == ApplicationStatus.INSTRUCTED
    assert application.decided_by is None


def test_bulk_from_the_list(
    make_call, make_person, municipality, admin_actor, operator_actor, validator
):
    call = make_call()
    apps = [
        make_application(call, make_family(make_person, municipality, admin_actor, last_name=name))
        for name in ("Uno", "Due", "Tre")
    ]
    instruct(operator_actor, apps[0])
    instruct(operator_actor, apps[1])
    client, _user = validator
    response = client.post(
        reverse("calls:review_bulk"),
        {
            "decision": "approve",
            "reason": "",
            "ids": [a.pk for a in apps],
            "next": "/gestione/domande/?status=",
        },
        follow=True,
    )
    page = response.content.decode()
    assert "Decise 2 domande." in page
    assert f"{apps[2].protocol}: Si decide solo su una domanda istruita" in page
    assert [refresh(a).status for a in apps] == ["admitted", "admitted", "submitted"]


def test_bulk_all_matching_as_a_job(
    make_call,
    make_person,
    municipality,
    admin_actor,
    operator_actor,
    validator,
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    monkeypatch.setattr("benecomune.calls.services.review.bulk.BULK_INLINE_LIMIT", 1)
    call = make_call()
    apps = [
        make_application(call, make_family(make_person, municipality, admin_actor, last_name=name))
        for name in ("Uno", "Due")
    ]
    for a in apps:
        instruct(operator_actor, a)
    client, _user = validator
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("calls:review_bulk"),
            {
                "decision": "reject",
                "reason": "Budget esaurito",
                "all_matching": "on",
                "status": "instructed",
                "call": str(call.pk),
            },
        )
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "2 domande decise; 0 non decise." in page
    assert [refresh(a).status for a in apps] == ["rejected", "rejected"]


# --- documents and access ----------------------------------------------------------------


def test_document_download_is_permission_checked(
    application, desk, family, make_user, municipality
):
    with all_tenants():
        document = application.documents.get()
    url = reverse("calls:review_document", args=[application.pk, document.pk])
    client, _user = desk
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert "attachment" in response["Content-Disposition"]
    assert Client().get(url).status_code == 302  # anonymous: to the login page
    citizen = make_user("giulia.cittadina@example.org", person=family["head"])
    assert login(Client(), citizen).get(url).status_code == 403
    comune_admin = client_for(
        make_user, "admin.pagine@example.org", Role.MUNICIPALITY_ADMIN, municipality
    )[0]
    assert comune_admin.get(url).status_code == 200  # the Comune's admin may read applications


def test_home_cards(application, desk, validator, operator_actor):
    client, _user = desk
    assert "Domande da istruire" in client.get("/").content.decode()
    instruct(operator_actor, application)
    client, _user = validator
    assert "Domande da decidere" in client.get("/").content.decode()


def test_a_very_long_document_name_does_not_widen_the_review_page(
    make_call, family, make_user, desk
):
    """A citizen's upload named with 240 characters and no spaces: the desk's page breaks it
    in the document list and in the checklist's automatic hint ("Allegato: ..."), which used
    to push the whole page sideways."""
    import re

    from benecomune.calls.services import applications as services
    from tests.calls.applications_factory import citizen, ready_draft, upload

    _user, head = citizen(make_user, family["head"])
    application = ready_draft(head, make_call(), family["head"], family["isee"], document=False)
    with all_tenants():
        services.add_document(head, application, "id_card", upload(name="a" * 240 + ".pdf"))
        services.submit_application(head, application)
    client, _desk_user = desk
    page = client.get(detail_url(application)).content.decode()
    hints = re.findall(
        r'<p class="([^"]*)">[^<]*(?:<span[^>]*>[^<]*</span>)?[^<]*Allegato: a{100}', page
    )
    assert hints and all("text-break" in classes.split() for classes in hints)
    links = re.findall(r'<a class="([^"]*)" href="[^"]*">a{100}', page)
    assert links and all("text-break" in classes.split() for classes in links)

"""Desk tools around a closed call: the ranking page lists what blocks the ranking and closes
the expired clarification requests; the desk records the citizen's consent on an application
they sent themselves, also after the call has closed, and answers the clarification for them."""

import datetime
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from benecomune.calls.models import Application, ApplicationStatus, ClarificationStatus
from benecomune.calls.services import applications as services
from benecomune.calls.services import definition, review
from benecomune.core.models import AuditEvent, Role
from benecomune.core.scoping import all_tenants
from tests.calls.applications_factory import citizen, ready_draft
from tests.calls.review_factory import refresh

pytestmark = pytest.mark.django_db


@pytest.fixture
def in_clarification(make_call, family, make_user, operator_actor, admin_actor):
    """An application the citizen sent online, a clarification due in 3 days, call closed."""
    call = make_call()
    _user, actor = citizen(make_user, family["head"])
    application = ready_draft(actor, call, family["head"], family["isee"])
    due = timezone.localdate() + datetime.timedelta(days=3)
    with all_tenants():
        services.submit_application(actor, application)
        definition.close_call(admin_actor, call, reason="Termine scaduto")
        review.request_application_clarification(
            operator_actor, refresh(application), "Firmi la domanda", due
        )
    return refresh(application)


def later(days):
    """The pages as they would run `days` from today."""
    return mock.patch(
        "django.utils.timezone.localdate",
        return_value=timezone.localdate() + datetime.timedelta(days=days),
    )


def test_ranking_page_lists_blockers_and_closes_expired_clarifications(
    staff_client, municipality, in_clarification
):
    application = in_clarification
    client, _user, _m = staff_client(Role.MUNICIPALITY_ADMIN, municipality)
    url = reverse("calls:ranking", kwargs={"pk": application.call_id})
    page = client.get(url).content.decode()
    assert 'data-testid="ranking-blockers"' in page
    assert reverse("calls:review_detail", kwargs={"pk": application.pk}) in page
    assert "Risposta attesa entro il" in page
    assert 'data-testid="close-expired"' not in page  # nothing expired yet
    close_url = reverse("calls:ranking_close_expired", kwargs={"pk": application.call_id})
    # Before the due date nothing is closed, even when asked.
    client.post(close_url)
    assert refresh(application).status == ApplicationStatus.CLARIFICATION

    with later(4):
        page = client.get(url).content.decode()
        assert "Scaduta il" in page and 'data-testid="close-expired"' in page
        response = client.post(close_url, follow=True)
    text = response.content.decode()
    assert "Chiusa 1 richiesta di integrazione scaduta" in text
    application = refresh(application)
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.clarifications.get().status == ClarificationStatus.EXPIRED
    with all_tenants():
        assert AuditEvent.objects.filter(action="calls.clarification_expired").count() == 1
        closed = AuditEvent.objects.get(action="calls.clarifications_closed")
    assert closed.after["expired"] == 1
    # Still blocking (to instruct and decide), but no more expired requests to close.
    page = client.get(url).content.decode()
    assert 'data-testid="ranking-blockers"' in page and "Scaduta il" not in page


def test_desk_operator_cannot_close_expired_clarifications(
    staff_client, municipality, in_clarification
):
    client, _user, _m = staff_client(Role.DESK_OPERATOR, municipality)
    close_url = reverse("calls:ranking_close_expired", kwargs={"pk": in_clarification.call_id})
    with later(4):
        assert client.post(close_url).status_code == 403
    assert refresh(in_clarification).status == ApplicationStatus.CLARIFICATION


def test_desk_records_consent_and_answer_after_the_call_closed(
    staff_client, municipality, in_clarification
):
    application = in_clarification
    assert not application.call.accepts_applications()
    client, user, _m = staff_client(Role.DESK_OPERATOR, municipality)
    detail = reverse("calls:desk_application", kwargs={"pk": application.pk})
    answer_url = reverse("calls:desk_application_answer", kwargs={"pk": application.pk})
    # Without consent the desk cannot answer for the citizen...
    refused = client.post(answer_url, {"answer": "Firmata allo sportello"})
    assert "Registri prima il consenso" in refused.content.decode()
    assert refresh(application).status == ApplicationStatus.CLARIFICATION
    # ...and the page offers to record it, even though the call is closed.
    page = client.get(detail).content.decode()
    assert 'data-testid="desk-consent"' in page
    consent_url = reverse("calls:desk_application_consent", kwargs={"pk": application.pk})
    empty = client.post(consent_url, {"consent_note": ""})
    assert empty.status_code == 400 and refresh(application).consent_at is None
    client.post(consent_url, {"consent_note": "Di persona, carta d'identità verificata"})
    application = refresh(application)
    assert application.consent_at is not None and application.assisted_by_id == user.pk
    with all_tenants():
        event = AuditEvent.objects.get(action="calls.application_consent")
    assert "per conto di Giulia Bianchi" in event.reason
    assert 'data-testid="desk-consent"' not in client.get(detail).content.decode()
    response = client.post(answer_url, {"answer": "Firmata allo sportello"})
    assert response.status_code == 302
    application = refresh(application)
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.clarifications.get().answer == "Firmata allo sportello"


def test_consent_needs_the_desk_of_the_applicants_comune(
    staff_client, other_municipality, in_clarification
):
    client, _user, _m = staff_client(Role.DESK_OPERATOR, other_municipality)
    consent_url = reverse("calls:desk_application_consent", kwargs={"pk": in_clarification.pk})
    response = client.post(consent_url, {"consent_note": "Di persona"})
    assert response.status_code == 404
    assert refresh(in_clarification).consent_at is None


def test_inps_isee_prefills_the_desk_form(staff_client, municipality, family, make_call):
    call = make_call()
    client, _user, _m = staff_client(Role.DESK_OPERATOR, municipality)
    client.post(
        reverse("calls:desk_person", kwargs={"pk": family["head"].pk}),
        {"call": call.pk, "consent_note": "Di persona, carta d'identità verificata"},
    )
    with all_tenants():
        application = Application.objects_unscoped.get(applicant=family["head"])
    edit_url = reverse("calls:desk_application_edit", kwargs={"pk": application.pk})
    page = client.get(edit_url).content.decode()
    isee = family["isee"]
    assert 'data-testid="isee-from-inps"' in page and isee.protocol in page
    assert 'value="8.500,00"' in page and f'value="{isee.issued_on.isoformat()}"' in page
    # Nothing is saved until the operator confirms the form.
    assert refresh(application).isee_value is None
    client.post(
        edit_url,
        {
            "isee_value": "8.500,00",
            "isee_protocol": isee.protocol,
            "isee_date": isee.issued_on.isoformat(),
        },
    )
    application = refresh(application)
    assert (application.isee_value, application.isee_protocol) == (850_000, isee.protocol)
    assert 'data-testid="isee-from-inps"' not in client.get(edit_url).content.decode()


def test_no_prefill_without_an_inps_attestation(staff_client, municipality, family, make_call):
    family["isee"].delete()
    call = make_call()
    client, _user, _m = staff_client(Role.DESK_OPERATOR, municipality)
    client.post(
        reverse("calls:desk_person", kwargs={"pk": family["head"].pk}),
        {"call": call.pk, "consent_note": "Di persona"},
    )
    with all_tenants():
        application = Application.objects_unscoped.get(applicant=family["head"])
    page = client.get(
        reverse("calls:desk_application_edit", kwargs={"pk": application.pk})
    ).content.decode()
    assert 'data-testid="isee-from-inps"' not in page


def test_the_desk_person_page_links_what_the_desk_does_for_a_resident(
    family, municipality, staff_client
):
    client, _user, _m = staff_client(Role.DESK_OPERATOR, municipality)
    person = family["head"]
    page = client.get(reverse("calls:desk_person", kwargs={"pk": person.pk})).content.decode()
    for testid, name in (
        ("desk-threads-link", "marketplace:desk_threads"),
        ("desk-bookings-link", "bookings:desk_bookings"),
        ("desk-reviews-link", "marketplace:desk_reviews"),
    ):
        url = reverse(name, args=[person.pk])
        assert f'href="{url}" data-testid="{testid}"' in page
        assert client.get(url).status_code == 200

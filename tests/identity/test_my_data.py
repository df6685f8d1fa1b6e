"""I miei dati: the page, the export (ZIP of JSON + PDF, in the background, the person's
only), the consents and their withdrawal, who viewed the data."""

import io
import json
import zipfile

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from benecomune.calls.models import Application, ApplicationStatus
from benecomune.core.models import AuditEvent, Job, JobStatus, Role
from benecomune.core.scoping import all_tenants
from benecomune.identity import my_data
from tests.helpers import login

pytestmark = pytest.mark.django_db


@pytest.fixture
def citizen(client, make_user, family):
    user = make_user("giulia.dati@example.org", person=family["head"])
    login(client, user)
    return client


def _export(citizen, django_capture_on_commit_callbacks) -> Job:
    with django_capture_on_commit_callbacks(execute=True):
        response = citizen.post(reverse("identity:my_data_export"))
    assert response.status_code == 302
    return Job.objects_unscoped.get(kind="identity.my_data")


def test_page_lists_categories_and_is_in_the_nav(citizen, application):
    page = citizen.get(reverse("identity:my_data"))
    assert page.status_code == 200
    text = page.content.decode()
    for category in my_data.CATEGORIES:
        assert escape(str(category.label)) in text
    assert 'href="/area-personale/i-miei-dati/"' in text


def test_export_contains_every_category_and_a_pdf(
    citizen, application, family, django_capture_on_commit_callbacks
):
    job = _export(citizen, django_capture_on_commit_callbacks)
    assert job.status == JobStatus.DONE
    assert job.organization_id == family["head"].residence_id
    assert AuditEvent.objects_unscoped.filter(
        action="identity.my_data_export", person=family["head"]
    ).exists()

    progress = citizen.get(reverse("identity:my_data_progress", args=[job.pk]))
    assert progress.status_code == 200
    download = reverse("core:my_file", args=["my-data", job.pk])
    assert download in progress.content.decode()

    response = citizen.get(download)
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    names = set(archive.namelist())
    assert names == {f"{c.key}.json" for c in my_data.CATEGORIES} | {"riepilogo.pdf"}
    person = json.loads(archive.read("persona.json"))
    assert person[0]["fiscal_code"] == family["head"].fiscal_code
    applications = json.loads(archive.read("domande.json"))
    assert [row["id"] for row in applications] == [application.pk]
    assert archive.read("riepilogo.pdf").startswith(b"%PDF")


def test_a_second_request_while_running_reuses_the_job(citizen, family):
    citizen.post(reverse("identity:my_data_export"))  # on_commit not run: still pending
    citizen.post(reverse("identity:my_data_export"))
    assert Job.objects_unscoped.filter(kind="identity.my_data").count() == 1


def test_only_the_person_downloads_their_export(
    citizen,
    client,
    application,
    family,
    make_user,
    staff_client,
    municipality,
    django_capture_on_commit_callbacks,
):
    job = _export(citizen, django_capture_on_commit_callbacks)
    other = make_user("piero.dati@example.org", person=family["child"])
    login(client, other)
    assert client.get(reverse("core:my_file", args=["my-data", job.pk])).status_code == 404
    assert client.get(reverse("identity:my_data_progress", args=[job.pk])).status_code == 404
    staff, _user, _membership = staff_client(Role.MUNICIPALITY_ADMIN, municipality)
    assert staff.get(reverse("core:file", args=["my-data", job.pk])).status_code == 404
    staff_job_page = staff.get(reverse("core:job", args=[job.pk]))
    assert reverse("core:my_file", args=["my-data", job.pk]) not in (
        staff_job_page.content.decode()
    )


def test_staff_cannot_ask_an_export(staff_client, municipality):
    staff, _user, _membership = staff_client(Role.DESK_OPERATOR, municipality)
    assert staff.post(reverse("identity:my_data_export")).status_code == 403
    assert not Job.objects_unscoped.filter(kind="identity.my_data").exists()


# --- Consents ------------------------------------------------------------------------------


def _assisted(application, status):
    with all_tenants():
        Application.objects_unscoped.filter(pk=application.pk).update(
            consent_at=timezone.now(),
            consent_note="di persona, con carta d'identità",
            status=status,
        )


def test_withdraw_the_assistance_consent_on_a_draft(citizen, application):
    _assisted(application, ApplicationStatus.DRAFT)
    page = citizen.get(reverse("identity:my_data")).content.decode()
    assert "di persona, con carta d&#x27;identità" in page
    url = reverse("identity:my_data_withdraw_consent", args=[application.pk])
    assert url in page
    assert citizen.post(url).status_code == 302
    with all_tenants():
        application.refresh_from_db()
    assert application.consent_at is None
    assert AuditEvent.objects_unscoped.filter(action="identity.consent_withdrawn").exists()


def test_no_withdrawal_once_the_application_is_submitted(citizen, application):
    _assisted(application, ApplicationStatus.SUBMITTED)
    url = reverse("identity:my_data_withdraw_consent", args=[application.pk])
    assert url not in citizen.get(reverse("identity:my_data")).content.decode()
    response = citizen.post(url, follow=True)
    assert "non si può più modificare" in response.content.decode()
    with all_tenants():
        application.refresh_from_db()
    assert application.consent_at is not None
    assert not AuditEvent.objects_unscoped.filter(action="identity.consent_withdrawn").exists()


def test_no_withdrawal_of_someone_elses_consent(client, make_user, application, family):
    _assisted(application, ApplicationStatus.DRAFT)
    login(client, make_user("piero.c@example.org", person=family["child"]))
    url = reverse("identity:my_data_withdraw_consent", args=[application.pk])
    assert client.post(url).status_code == 403
    with all_tenants():
        application.refresh_from_db()
    assert application.consent_at is not None


# --- Who viewed my data --------------------------------------------------------------------


def test_the_person_sees_who_viewed_their_file(citizen, desk, application):
    staff, _user, _membership = desk
    staff.get(reverse("calls:review_detail", args=[application.pk]))
    login(citizen, application.applicant.user)
    page = citizen.get(reverse("identity:my_data")).content.decode()
    assert "Sportellista" in page
    assert "Domanda" in page
    full = citizen.get(reverse("identity:my_data_accesses")).content.decode()
    assert "Sportellista" in full

"""A job's page links back to where the job was started and, once done, to its result; the
links are derived from the job's kind and its object (core/jobs.py `job_links`)."""

import pytest
from django.urls import reverse

from benecomune.core.jobs import JOB_LINKS
from benecomune.core.models import Job, Role
from benecomune.core.services.jobs import JOB_HANDLERS, start_job
from tests.calls.conftest import admin_actor, call_fund, make_call  # noqa: F401  (fixtures)
from tests.helpers import actor_for

pytestmark = pytest.mark.django_db


def job_page(client, job) -> str:
    response = client.get(reverse("core:job", args=[job.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_every_kind_of_job_says_where_it_leads():
    assert set(JOB_HANDLERS) - set(JOB_LINKS) == set()


def test_audit_export_links_back_to_the_log_with_its_filters(
    staff_client, municipality, django_capture_on_commit_callbacks
):
    client, user, _membership = staff_client(Role.MUNICIPALITY_ADMIN, municipality)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("core:audit_export"), {"object": "calls.call", "since": "2026-01-01"}
        )
    job = Job.objects_unscoped.get(created_by=user)
    assert response.url == reverse("core:job", args=[job.pk])
    page = job_page(client, job)
    assert 'data-testid="job-origin"' in page
    assert "Torna a: Registro delle attività" in page
    origin = reverse("core:audit") + "?object=calls.call&amp;since=2026-01-01"
    assert f'href="{origin}"' in page
    assert 'data-testid="job-download"' in page  # the file is the result
    assert 'data-testid="job-result"' not in page


def test_bulk_decision_links_to_the_list_and_to_its_outcome(
    staff_client, municipality, django_capture_on_commit_callbacks
):
    client, user, membership = staff_client(Role.VALIDATOR, municipality)
    actor = actor_for(user, Role.VALIDATOR, municipality)
    params = {"membership_id": membership.pk, "ids": [], "approve": True, "reason": ""}
    # Not run yet: where it was started, and no result to show.
    with django_capture_on_commit_callbacks(execute=False):
        pending = start_job(actor, municipality, "calls.bulk_decide", "Ammissione", params)
    page = job_page(client, pending)
    assert f'href="{reverse("calls:review_list")}" data-testid="job-origin"' in page
    assert 'data-testid="job-result"' not in page
    # Done: the outcome page, with what was not decided.
    with django_capture_on_commit_callbacks(execute=True):
        done = start_job(actor, municipality, "calls.bulk_decide", "Ammissione", params)
    done.refresh_from_db()
    assert done.status == "done"
    page = job_page(client, done)
    outcome = reverse("calls:review_bulk_job", args=[done.pk])
    assert f'href="{outcome}" data-testid="job-result"' in page
    assert "Vedi l&#x27;esito: domande decise e non decise" in page
    assert 'data-testid="job-origin"' in page


def test_origin_and_result_on_the_same_page_show_once(
    staff_client,
    municipality,
    make_call,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    """The ranking job starts on the ranking page and its outcome is there: one link."""
    client, user, _membership = staff_client(Role.MUNICIPALITY_ADMIN, municipality)
    call = make_call()
    actor = actor_for(user, Role.MUNICIPALITY_ADMIN, municipality)
    with django_capture_on_commit_callbacks(execute=False):
        job = start_job(
            actor,
            municipality,
            "calls.rank",
            "Graduatoria",
            {"call": call.pk, "kind": "provisional"},
        )
    ranking = reverse("calls:ranking", args=[call.pk])
    page = job_page(client, job)
    assert f'href="{ranking}" data-testid="job-origin"' in page
    assert f"Graduatoria del bando «{call.title}»" in page
    # Running the ranking itself is tested in tests/calls; here only its page, once done.
    Job.objects_unscoped.filter(pk=job.pk).update(status="done")
    page = job_page(client, job)
    assert f'href="{ranking}" data-testid="job-result"' in page
    assert 'data-testid="job-origin"' not in page


def test_a_job_whose_object_is_gone_shows_no_links(
    staff_client, municipality, django_capture_on_commit_callbacks
):
    client, user, _membership = staff_client(Role.MUNICIPALITY_ADMIN, municipality)
    actor = actor_for(user, Role.MUNICIPALITY_ADMIN, municipality)
    with django_capture_on_commit_callbacks(execute=False):
        job = start_job(
            actor, municipality, "payouts.generate_batch", "Distinta", {"batch_id": 999_999}
        )
    page = job_page(client, job)
    assert 'data-testid="job-origin"' not in page
    assert 'data-testid="job-result"' not in page

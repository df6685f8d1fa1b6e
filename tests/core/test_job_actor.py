"""Jobs act as who started them: `job_actor`, and the job's tenant scope (issue 14, point 3)."""

import pytest
from django.db import transaction

from benecomune.core import audit
from benecomune.core.actors import Actor
from benecomune.core.models import AuditEvent, Job, Membership, Person, Role
from benecomune.core.services import jobs
from benecomune.core.services.jobs import execute_job, job_actor, start_job
from benecomune.core.services.memberships import revoke_role

KIND = "tests.job_actor"


@pytest.fixture
def ran(monkeypatch):
    """A test job kind whose handler writes an audit event as the job's actor and notes the
    people it can read (Person is scoped by residence)."""
    calls = []

    def handler(job):
        actor = job_actor(job)
        with transaction.atomic():
            audit.record(actor, "tests.job_ran", job, organization=job.organization)
        job.result = {"people": sorted(Person.objects.values_list("pk", flat=True))}
        calls.append(job.pk)

    monkeypatch.setitem(jobs.JOB_HANDLERS, KIND, handler)
    return calls


@pytest.fixture
def admin(make_user, municipality):
    user = make_user("sindaco@example.org", role=Role.MUNICIPALITY_ADMIN, organization=municipality)
    membership = Membership.objects.select_related("organization", "user").get(user=user)
    return Actor.for_membership(membership)


def test_the_job_remembers_the_role_it_was_started_in(admin, municipality, ran):
    job = start_job(admin, municipality, KIND, "Prova")
    job.refresh_from_db()
    assert job.membership_id == admin.membership.pk
    assert job.created_by_id == admin.user.pk


def test_a_job_runs_as_the_member_who_started_it(admin, municipality, ran):
    job = start_job(admin, municipality, KIND, "Prova")
    job = execute_job(job.pk)
    assert job.status == "done" and ran == [job.pk]
    event = AuditEvent.objects_unscoped.get(action="tests.job_ran")
    assert event.actor_id == admin.user.pk
    assert event.actor_role == Role.MUNICIPALITY_ADMIN


def test_a_job_whose_role_was_revoked_meanwhile_fails_and_does_nothing(
    admin, municipality, ran, system_actor
):
    job = start_job(admin, municipality, KIND, "Prova")
    revoke_role(system_actor, admin.membership, reason="Fine incarico")
    job = execute_job(job.pk)
    assert ran == []
    assert not AuditEvent.objects_unscoped.filter(action="tests.job_ran").exists()
    stored = Job.objects_unscoped.get(pk=job.pk)
    assert stored.status == "failed"
    assert "revocato" in stored.message
    refused = AuditEvent.objects_unscoped.get(action="job.refused")
    assert refused.object_id == str(job.pk) and refused.organization_id == municipality.pk
    # Run again (a retried task): still refused, never run.
    assert execute_job(job.pk).status == "failed" and ran == []


def test_a_deactivated_user_stops_the_job_too(admin, municipality, ran):
    job = start_job(admin, municipality, KIND, "Prova")
    type(admin.user).objects.filter(pk=admin.user.pk).update(is_active=False)
    assert execute_job(job.pk).status == "failed" and ran == []


def test_a_job_started_by_a_user_without_a_role_never_runs_as_system(make_user, municipality, ran):
    citizen = Actor(user=make_user("cittadino@example.org"))
    job = start_job(citizen, municipality, KIND, "Prova")
    assert execute_job(job.pk).status == "failed" and ran == []


def test_only_a_job_started_by_a_command_acts_as_system(municipality, ran):
    job = start_job(Actor.system_actor("comando"), municipality, KIND, "Prova")
    assert job_actor(Job.objects_unscoped.get(pk=job.pk)).system
    assert execute_job(job.pk).status == "done"
    assert AuditEvent.objects_unscoped.get(action="tests.job_ran").actor_role == KIND


def test_a_job_reads_only_its_organisation_s_tenant(
    admin, municipality, other_municipality, make_person, ran
):
    own = make_person(municipality)
    make_person(other_municipality, first_name="Luca")
    job = execute_job(start_job(admin, municipality, KIND, "Prova").pk)
    assert job.status == "done"
    assert job.result["people"] == [own.pk]

"""Bulk decisions: each application checked on its own; big batches run as a job."""

import pytest
from django.core.exceptions import PermissionDenied

from benecomune.calls.exceptions import CallError
from benecomune.calls.models import ApplicationStatus
from benecomune.calls.services import review
from benecomune.core.models import AuditEvent, Job, Membership, Notification, Role
from benecomune.core.scoping import all_tenants
from tests.calls.review_factory import instruct, make_application, make_family, refresh
from tests.helpers import actor_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def batch(make_call, make_person, municipality, admin_actor, operator_actor, make_user):
    """Five applications of one call:
    ok1, ok2: instructed by the desk operator, eligible;
    own: instructed by `both` (a user who is also a validator);
    pending: submitted, not instructed;
    poor: instructed, but not eligible by the rules (ISEE over the ceiling)."""
    call = make_call()
    apps = {}
    for name, isee in (
        ("ok1", 300_000),
        ("ok2", 500_000),
        ("own", 400_000),
        ("pending", 400_000),
        ("poor", 1_500_000),
    ):
        family = make_family(
            make_person, municipality, admin_actor, last_name=name.title(), isee=isee
        )
        apps[name] = make_application(call, family)
    user = make_user("doppio@example.org", role=Role.DESK_OPERATOR, organization=municipality)
    Membership.objects.create(user=user, organization=municipality, role=Role.VALIDATOR)
    both_desk = actor_for(user, Role.DESK_OPERATOR, municipality)
    both_validator = actor_for(user, Role.VALIDATOR, municipality)
    instruct(operator_actor, apps["ok1"])
    instruct(operator_actor, apps["ok2"])
    instruct(both_desk, apps["own"])
    instruct(operator_actor, apps["poor"], "admit", "Da valutare")
    return apps, both_validator


def test_bulk_approval_decides_each_on_its_own(batch):
    apps, validator = batch
    ids = [a.pk for a in apps.values()] + [999_999]
    with all_tenants():
        result = review.bulk_decide(validator, ids, True, "")
    assert result["decided"] == 2
    refused = {r["id"]: r["message"] for r in result["refused"]}
    assert set(refused) == {apps["own"].pk, apps["pending"].pk, apps["poor"].pk, 999_999}
    assert "quattro occhi" in refused[apps["own"].pk]
    assert "istruita" in refused[apps["pending"].pk]
    assert "una domanda alla volta" in refused[apps["poor"].pk]
    assert refused[999_999] == "Domanda non trovata."
    statuses = {name: refresh(a).status for name, a in apps.items()}
    assert statuses == {
        "ok1": ApplicationStatus.ADMITTED,
        "ok2": ApplicationStatus.ADMITTED,
        "own": ApplicationStatus.INSTRUCTED,
        "pending": ApplicationStatus.SUBMITTED,
        "poor": ApplicationStatus.INSTRUCTED,
    }
    assert refresh(apps["ok1"]).decided_by == validator.user
    event = AuditEvent.objects_unscoped.get(action="calls.bulk_decided")
    assert event.after == {"approve": True, "decided": 2, "refused": 4}
    assert Notification.objects.filter(subject__startswith="Domanda ammessa").count() == 2


def test_bulk_rejection_needs_a_reason(batch):
    apps, validator = batch
    with all_tenants(), pytest.raises(CallError, match="indichi il motivo"):
        review.bulk_decide(validator, [apps["ok1"].pk], False, " ")
    assert refresh(apps["ok1"]).status == ApplicationStatus.INSTRUCTED
    with all_tenants():
        result = review.bulk_decide(
            validator, [apps["ok1"].pk, apps["poor"].pk], False, "Fondi esauriti"
        )
    assert result == {"decided": 2, "refused": []}
    assert refresh(apps["poor"]).decision_reason == "Fondi esauriti"


def test_bulk_needs_the_decide_permission(batch, operator_actor):
    apps, _validator = batch
    with all_tenants(), pytest.raises(PermissionDenied):
        review.bulk_decide(operator_actor, [apps["ok1"].pk], True, "")
    assert refresh(apps["ok1"]).status == ApplicationStatus.INSTRUCTED


def test_bulk_ignores_other_comuni(batch, make_user, other_municipality):
    apps, _validator = batch
    user = make_user(
        "convalida@limena.example.org", role=Role.VALIDATOR, organization=other_municipality
    )
    with all_tenants():
        result = review.bulk_decide(
            actor_for(user, Role.VALIDATOR, other_municipality), [apps["ok1"].pk], True, ""
        )
    assert result["decided"] == 0
    assert result["refused"][0]["message"] == "Domanda non trovata."
    assert refresh(apps["ok1"]).status == ApplicationStatus.INSTRUCTED


def test_big_batches_run_as_a_job(batch, monkeypatch, django_capture_on_commit_callbacks):
    monkeypatch.setattr("benecomune.calls.services.review.bulk.BULK_INLINE_LIMIT", 2)
    monkeypatch.setattr("benecomune.calls.jobs_review.CHUNK", 2)
    apps, validator = batch
    ids = [apps[n].pk for n in ("ok1", "own", "ok2")]
    with all_tenants(), django_capture_on_commit_callbacks(execute=True):
        result, job = review.start_bulk_decision(validator, ids, True, "")
    assert result is None
    job = Job.objects_unscoped.get(pk=job.pk)
    assert job.kind == "calls.bulk_decide"
    assert job.status == "done"
    assert (job.done, job.total) == (3, 3)
    assert job.result["decided"] == 2
    assert [r["id"] for r in job.result["refused"]] == [apps["own"].pk]
    assert refresh(apps["ok2"]).status == ApplicationStatus.ADMITTED
    # Re-running the finished job decides nothing twice.
    from benecomune.core.services.jobs import execute_job

    execute_job(job.pk)
    assert AuditEvent.objects_unscoped.filter(action="calls.application_admitted").count() == 2


def test_job_refuses_an_empty_rejection_before_starting(batch, monkeypatch):
    monkeypatch.setattr("benecomune.calls.services.review.bulk.BULK_INLINE_LIMIT", 1)
    apps, validator = batch
    with all_tenants(), pytest.raises(CallError, match="motivo"):
        review.start_bulk_decision(validator, [apps["ok1"].pk, apps["ok2"].pk], False, "")
    assert not Job.objects_unscoped.exists()

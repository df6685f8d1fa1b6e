"""Retention: periods per Comune, a dry run before the first run, the job anonymising and
deleting what expired while the ledger stays balanced and the audit untouched, the register."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from benecomune.calls.models import Application, ApplicationStatus, Call
from benecomune.core.models import AuditEvent, Notification, Role
from benecomune.core.scoping import all_tenants, tenant_scope
from benecomune.identity import retention
from benecomune.identity.models import PurgeRecord, RetentionRun
from tests.calls.review_factory import make_application

pytestmark = pytest.mark.django_db


@pytest.fixture
def dpo(make_actor, municipality):
    return make_actor("dpo.ret@example.org", Role.DATA_PROTECTION, municipality)


@pytest.fixture
def expired(make_call, family):
    """A rejected application of a call closed six years ago, and an old in-app message."""
    call = make_call()
    application = make_application(call, family, status=ApplicationStatus.REJECTED)
    long_ago = timezone.now() - datetime.timedelta(days=6 * 366)
    with all_tenants():
        Call.objects_unscoped.filter(pk=call.pk).update(
            opens_at=long_ago - datetime.timedelta(days=30), closes_at=long_ago
        )
        note = Notification.objects.create(person=family["head"], subject="Vecchio", body="x")
        Notification.objects.filter(pk=note.pk).update(
            created_at=timezone.now() - datetime.timedelta(days=3 * 366)
        )
        fresh = Notification.objects.create(person=family["head"], subject="Nuovo", body="y")
    return {"application": application, "note": note, "fresh": fresh}


def _run(actor, municipality, dry_run):
    with tenant_scope(actor.tenant_ids):
        return retention.run_retention(actor, municipality, dry_run=dry_run)


def _audit_rows():
    return list(
        AuditEvent.objects_unscoped.order_by("pk").values_list(
            "pk", "action", "object_id", "person_id", "before", "after", "reason"
        )
    )


def test_first_run_needs_a_dry_run(dpo, municipality, expired):
    with pytest.raises(ValidationError, match="simulazione"):
        _run(dpo, municipality, dry_run=False)
    assert not RetentionRun.objects_unscoped.exists()
    assert Notification.objects.filter(pk=expired["note"].pk).exists()


def test_dry_run_reports_and_changes_nothing(dpo, municipality, expired):
    run = _run(dpo, municipality, dry_run=True)
    assert run.summary["rejected_applications"]["count"] == 1
    assert run.summary["notifications"]["count"] == 1
    assert run.summary["ledger"]["action"] == run.summary["audit"]["action"] == "pseudonymised"
    assert not PurgeRecord.objects_unscoped.exists()
    with all_tenants():
        assert expired["application"].documents.count() == 1
    assert Notification.objects.filter(pk=expired["note"].pk).exists()


def test_run_purges_keeping_ledger_and_audit(dpo, municipality, expired, family):
    _run(dpo, municipality, dry_run=True)
    audit_before = _audit_rows()
    call_command("ledger_check")

    run = _run(dpo, municipality, dry_run=False)

    assert run.summary["rejected_applications"]["count"] == 1
    with all_tenants():
        application = Application.objects_unscoped.get(pk=expired["application"].pk)
        assert application.documents.count() == 0
        assert application.contact_email == "" and application.declarations == {}
        others = application.members.exclude(person=family["head"])
        assert others.exists()
        for member in others:
            assert member.full_name == "" and member.person_id is None
            assert member.fiscal_code.startswith("X")
    assert not Notification.objects.filter(pk=expired["note"].pk).exists()
    assert Notification.objects.filter(pk=expired["fresh"].pk).exists()

    records = PurgeRecord.objects_unscoped.filter(run=run)
    assert records.count() == 2
    for record in records:
        assert record.person_pseudonym == retention.pseudonym(family["head"].pk)
        assert family["head"].fiscal_code not in record.person_pseudonym

    # The audit: nothing changed or removed, one event for the run added.
    audit_after = _audit_rows()
    assert audit_after[: len(audit_before)] == audit_before
    assert [row[1] for row in audit_after[len(audit_before) :]] == ["identity.retention_run"]
    call_command("ledger_check")

    # A second run finds nothing more.
    again = _run(dpo, municipality, dry_run=False)
    assert again.summary["rejected_applications"]["count"] == 0
    assert again.summary["notifications"]["count"] == 0


def test_periods_per_comune(dpo, municipality, other_municipality, expired):
    with tenant_scope(dpo.tenant_ids):
        retention.set_periods(dpo, municipality, {"rejected_applications": 10})
        with pytest.raises(ValidationError):
            retention.set_periods(dpo, municipality, {"notifications": 0})
        with pytest.raises(PermissionDenied):
            retention.set_periods(dpo, other_municipality, {"notifications": 3})
    assert retention.years_for(municipality.pk)["rejected_applications"] == 10
    assert retention.years_for(other_municipality.pk)["rejected_applications"] == 5
    run = _run(dpo, municipality, dry_run=True)
    assert run.summary["rejected_applications"]["count"] == 0  # six years < ten


def test_page_saves_periods_and_starts_a_dry_run(
    staff_client, municipality, expired, django_capture_on_commit_callbacks
):
    client, _user, _membership = staff_client(Role.DATA_PROTECTION, municipality)
    url = reverse("identity:retention")
    assert client.get(url).status_code == 200
    bad = client.post(url, {"rejected_applications": "0"})
    assert bad.status_code == 400 and "tra 1 e 50" in bad.content.decode()
    # No real run before a dry run.
    start = reverse("identity:retention_start")
    client.post(start, {"mode": "run"})
    assert not RetentionRun.objects_unscoped.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(start, {"mode": "dry_run"})
    assert response.status_code == 302
    run = RetentionRun.objects_unscoped.get()
    assert run.dry_run and run.summary["notifications"]["count"] == 1
    assert "Esegui ora" in client.get(url).content.decode()


def test_other_comune_and_roles(staff_client, other_municipality, municipality, dpo, expired):
    _run(dpo, municipality, dry_run=True)
    _run(dpo, municipality, dry_run=False)
    other, _u, _m = staff_client(Role.DATA_PROTECTION, other_municipality)
    page = other.get(reverse("identity:retention")).content.decode()
    assert "calls.application n." not in page
    desk, _u2, _m2 = staff_client(Role.DESK_OPERATOR, municipality)
    assert desk.get(reverse("identity:retention")).status_code == 403

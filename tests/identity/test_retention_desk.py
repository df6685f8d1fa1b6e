# ruff: noqa: F811  (the desk fixtures are imported by name)
"""Retention of the Welfare Points' closed cases: deleted with notes, consents and attachment
files after their period (5 years from closing by default); open cases and recently closed ones
stay; the register records each deletion with a pseudonym, never the person."""

import datetime
import types

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from benecomune.core.models import Role
from benecomune.core.scoping import tenant_scope
from benecomune.desk.models import Case, CaseAttachment, CaseNote
from benecomune.desk.services import cases, intake
from benecomune.identity import retention
from benecomune.identity.models import PurgeRecord
from tests.desk.conftest import (  # noqa: F401 (fixtures)
    elder,
    intake_for,
    make_operator,
    manager,
    point,
)

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _later(monkeypatch, years):
    future = timezone.now() + datetime.timedelta(days=366 * years)
    monkeypatch.setattr(retention, "timezone", types.SimpleNamespace(now=lambda: future))


def _run(actor, municipality, dry_run):
    with tenant_scope(actor.tenant_ids):
        return retention.run_retention(actor, municipality, dry_run=dry_run)


def test_closed_cases_are_deleted_with_their_files_after_five_years(
    manager, point, elder, make_person, municipality, make_actor, monkeypatch
):
    actor = manager[0]
    closed = intake.open_case(actor, point, intake_for(elder))
    cases.add_note(actor, closed, text="Vive sola, figlia a Milano.", confidential=True)
    attachment = cases.add_attachment(
        actor,
        closed,
        upload=SimpleUploadedFile("certificato.pdf", PDF, content_type="application/pdf"),
    )
    stored = attachment.file.name
    cases.start(actor, closed)
    cases.close(actor, closed, outcome="answered", note="Servizio attivato.")
    still_open = intake.open_case(actor, point, intake_for(make_person(municipality)))
    dpo = make_actor("dpo.desk@example.org", Role.DATA_PROTECTION, municipality)

    _later(monkeypatch, 4)
    _run(dpo, municipality, dry_run=True)
    assert _run(dpo, municipality, dry_run=False).summary["desk_cases"]["count"] == 0

    _later(monkeypatch, 6)
    report = _run(dpo, municipality, dry_run=True)
    assert report.summary["desk_cases"] == {"years": 5, "action": "deleted", "count": 1}
    assert Case.objects_unscoped.filter(pk=closed.pk).exists()  # a dry run changes nothing

    run = _run(dpo, municipality, dry_run=False)
    assert run.summary["desk_cases"]["count"] == 1
    assert not Case.objects_unscoped.filter(pk=closed.pk).exists()
    assert not CaseNote.objects_unscoped.filter(case_id=closed.pk).exists()
    assert not CaseAttachment.objects_unscoped.filter(case_id=closed.pk).exists()
    assert not default_storage.exists(stored)
    assert Case.objects_unscoped.filter(pk=still_open.pk).exists()
    record = PurgeRecord.objects_unscoped.get(category="desk_cases")
    assert (record.object_type, record.object_id) == ("desk.case", str(closed.pk))
    assert record.person_pseudonym == retention.pseudonym(elder.pk)
    assert elder.fiscal_code not in record.person_pseudonym

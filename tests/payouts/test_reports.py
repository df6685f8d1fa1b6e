"""Rendicontazione (PDF and XLSX, per fund, per call, overview) and the call archive."""

import io
import zipfile

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from openpyxl import load_workbook

from benecomune.calls.models import ApplicationDocument
from benecomune.calls.services import definition
from benecomune.core.models import Job
from benecomune.core.scoping import all_tenants
from benecomune.payouts.services import claim_review, claims, reports
from benecomune.payouts.services.figures import call_figures, fund_figures
from tests.payouts.conftest import receipt
from tests.payouts.test_documents import keep

pytestmark = pytest.mark.django_db


@pytest.fixture
def reimbursed(make_reimbursement_call, beneficiary, operator, make_person, municipality):
    other = make_person(municipality, first_name="Anna", last_name="Neri", sex="F")
    call, (award, _other_award) = make_reimbursement_call([beneficiary.user.person, other])
    import datetime

    from django.utils import timezone

    claim = claims.submit_claim(
        beneficiary,
        award,
        category="summer_camp",
        amount=15_000,
        expense_date=timezone.localdate() - datetime.timedelta(days=2),
        payee="Centro estivo",
        upload=receipt(),
    )
    claim_review.accept_claim(operator, claim, amount=12_000, reason="Solo due settimane")
    return call


def run(job_starter, capture):
    with capture(execute=True):
        job = job_starter()
    job = Job.objects_unscoped.get(pk=job.pk)
    assert job.status == "done", job.message
    return job.result_file.read()


def test_call_and_fund_figures(reimbursed, fund):
    figures = call_figures(reimbursed)
    assert figures["awarded"] == 60_000 and figures["reimbursed"] == 12_000
    assert figures["paid"] == 0 and figures["pending"] == 60_000
    assert figures["paid"] + figures["pending"] + figures["returned"] == figures["awarded"]
    fund_view = fund_figures(fund)
    assert fund_view["reimbursed"] == 12_000 and fund_view["awarded_reimbursements"] == 60_000


@pytest.mark.parametrize("fmt", ["pdf", "xlsx"])
def test_reports_as_jobs(reimbursed, fund, admin, fmt, django_capture_on_commit_callbacks):
    for kind, obj in (("call", reimbursed), ("fund", fund), ("overview", None)):
        content = run(
            lambda kind=kind, obj=obj: reports.start_report(admin, kind=kind, obj=obj, fmt=fmt),
            django_capture_on_commit_callbacks,
        )
        keep(f"rendiconto-{kind}.{fmt}", content)
        if fmt == "pdf":
            assert content.startswith(b"%PDF")
        else:
            book = load_workbook(io.BytesIO(content))
            first = book.worksheets[0]
            assert first.cell(1, 1).value in ("Voce", "Fondo")
            if kind == "call":
                values = {row[0].value: row[1].value for row in first.iter_rows(min_row=2)}
                assert values["Rimborsato (spese accolte)"] == 120.0


def test_reports_need_funds_view(reimbursed, operator):
    with pytest.raises(PermissionDenied):
        reports.start_report(operator, kind="call", obj=reimbursed, fmt="pdf")
    with pytest.raises(ValidationError):
        reports.start_report(operator, kind="call", obj=reimbursed, fmt="docx")


def test_archive_of_a_closed_call(reimbursed, admin, django_capture_on_commit_callbacks):
    from django.core.files.base import ContentFile

    from benecomune.calls.models import Application

    application = Application.objects_unscoped.filter(call=reimbursed).first()
    document = ApplicationDocument(
        application=application,
        code="id_card",
        original_name="carta d'identità.pdf",
        content_type="application/pdf",
        size=10,
        sha256="x",
    )
    document.file.save("ci.pdf", ContentFile(b"%PDF-1.4 carta"), save=True)
    with all_tenants():
        definition.close_out_call(admin, reimbursed, reason="Fine del periodo")
    content = run(
        lambda: reports.start_archive(admin, reimbursed), django_capture_on_commit_callbacks
    )
    archive = zipfile.ZipFile(io.BytesIO(content))
    names = set(archive.namelist())
    assert {
        "decisioni.csv",
        "graduatoria.csv",
        "rimborsi.csv",
        "LEGGIMI.txt",
        "indice.csv",
    } <= names
    assert any(n.startswith("domande/") and n.endswith("carta_d_identit_.pdf") for n in names)
    assert any(n.startswith("rimborsi/") for n in names)
    index = archive.read("indice.csv").decode("utf-8-sig")
    assert "decisioni.csv" in index and len(index.splitlines()) == len(
        names
    )  # header + all but itself
    figures = call_figures(reimbursed)
    # Closed out: what was not claimed went back to the fund.
    assert (figures["paid"], figures["pending"], figures["returned"]) == (0, 12_000, 48_000)


def test_archive_refused_while_the_call_is_open(make_reimbursement_call, admin, fund):
    import datetime

    from django.utils import timezone

    with all_tenants():
        call = definition.create_call(
            admin,
            organization=fund.organization.specific,
            code="aperto",
            title="Aperto",
            benefit_type="reimbursement",
            fund=fund,
            budget=10_000,
            rules={"amount": {"kind": "fixed", "base": 1_000}},
            opens_at=timezone.now() - datetime.timedelta(days=1),
            closes_at=timezone.now() + datetime.timedelta(days=1),
        )
    with pytest.raises(ValidationError) as error:
        reports.start_archive(admin, call)
    assert "chiuso alle domande" in str(error.value)

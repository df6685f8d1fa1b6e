"""The payouts pages: merchant, paying Comune, validator; permissions and scoping."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from benecomune.core.models import Membership, Role
from benecomune.payouts.models import BatchStatus, DebitNote, DebitNoteStatus, PayoutBatch
from benecomune.payouts.services import batches, debit_notes
from tests.helpers import login
from tests.payouts.bank import pain002, refs

pytestmark = pytest.mark.django_db


def client_for(user, organization, role):
    return login(
        Client(), user, Membership.objects.get(user=user, organization=organization, role=role)
    )


@pytest.fixture
def merchant_client(shopkeeper, shop):
    return client_for(shopkeeper.user, shop, Role.MERCHANT_STAFF)


@pytest.fixture
def admin_client(admin, municipality):
    return client_for(admin.user, municipality, Role.MUNICIPALITY_ADMIN)


@pytest.fixture
def validator_client(validator, municipality):
    return client_for(validator.user, municipality, Role.VALIDATOR)


def test_merchant_prepares_issues_and_downloads_a_note(merchant_client, shop, make_wallet, pay):
    pay(make_wallet(), shop, 4_250)
    page = merchant_client.get(reverse("payouts:merchant_notes"))
    assert page.status_code == 200
    assert "€ 42,50" in page.content.decode()
    response = merchant_client.post(reverse("payouts:merchant_build_note"))
    note = DebitNote.objects_unscoped.get()
    assert response.url == reverse("payouts:merchant_note", args=[note.pk])
    merchant_client.post(reverse("payouts:merchant_issue_note", args=[note.pk]))
    note.refresh_from_db()
    assert note.status == DebitNoteStatus.ISSUED
    pdf = merchant_client.get(reverse("payouts:merchant_note_pdf", args=[note.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")


def test_merchant_sets_its_iban_with_a_clear_error_first(merchant_client, shop):
    url = reverse("payouts:merchant_account")
    bad = merchant_client.post(url, {"iban": "IT12", "holder": "Bepi"})
    assert "non è valido" in bad.content.decode()
    ok = merchant_client.post(url, {"iban": "IT60X0542811101000000123456", "holder": "Bepi"})
    assert ok.status_code == 302
    assert shop.payee_account.iban == "IT60X0542811101000000123456"


def test_another_merchant_cannot_see_the_note(
    shop, shopkeeper, make_wallet, pay, make_shop, make_user
):
    pay(make_wallet(), shop, 1_000)
    (note,) = debit_notes.build_debit_notes(shopkeeper, shop)
    other = make_shop()
    user = make_user("altro@example.org", role=Role.MERCHANT_STAFF, organization=other)
    client = client_for(user, other, Role.MERCHANT_STAFF)
    assert client.get(reverse("payouts:merchant_note", args=[note.pk])).status_code == 404


def test_comune_approves_prepares_and_the_validator_approves(
    admin_client,
    validator_client,
    payer,
    shop,
    shopkeeper,
    shop_iban,
    make_wallet,
    pay,
    django_capture_on_commit_callbacks,
):
    pay(make_wallet(), shop, 2_000)
    (note,) = debit_notes.build_debit_notes(shopkeeper, shop)
    debit_notes.issue_debit_note(shopkeeper, note)
    assert admin_client.get(reverse("payouts:home")).status_code == 200
    detail = admin_client.get(reverse("payouts:payer_note", args=[note.pk]))
    assert "Approva la nota" in detail.content.decode()
    admin_client.post(reverse("payouts:payer_note_decide", args=[note.pk]), {"decision": "approve"})
    note.refresh_from_db()
    assert note.status == DebitNoteStatus.APPROVED
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(reverse("payouts:batch_prepare"), {"execution_date": ""})
    batch = PayoutBatch.objects_unscoped.get()
    assert response.url == reverse("payouts:batch", args=[batch.pk])
    batch.refresh_from_db()
    assert batch.status == BatchStatus.READY
    # The maker sees no approval button; files are not downloadable yet.
    page = admin_client.get(reverse("payouts:batch", args=[batch.pk])).content.decode()
    assert "deve approvarla un convalidatore" in page
    early = admin_client.get(reverse("payouts:batch_file", args=[batch.pk, "sepa"]))
    assert early.status_code == 302
    assert admin_client.post(reverse("payouts:batch_approve", args=[batch.pk])).status_code == 403
    assert "1 distinta da approvare" in validator_client.get("/").content.decode()
    assert validator_client.get(reverse("payouts:batches")).status_code == 200
    # Approval goes through the summary and its explicit confirmation (test_confirm_batch).
    approve_url = reverse("payouts:batch_approve", args=[batch.pk])
    summary = validator_client.get(approve_url).content.decode()
    fingerprint = re.search(r'name="fingerprint" value="([0-9a-f]+)"', summary).group(1)
    validator_client.post(approve_url, {"confirmed": "on", "fingerprint": fingerprint})
    batch.refresh_from_db()
    assert batch.status == BatchStatus.APPROVED
    sepa = admin_client.get(reverse("payouts:batch_file", args=[batch.pk, "sepa"]))
    assert b"CstmrCdtTrfInitn" in b"".join(sepa.streaming_content)
    # Results: a file for another batch is refused with a clear message, then the right one.
    from django.core.files.uploadedfile import SimpleUploadedFile

    wrong = SimpleUploadedFile(
        "esiti.xml", pain002("BC-1-2020-00001", [(refs(batch)[0], "ACSC", "", None)])
    )
    response = admin_client.post(
        reverse("payouts:batch_results", args=[batch.pk]), {"file": wrong}, follow=True
    )
    assert "riguarda un&#x27;altra distinta" in response.content.decode()
    right = SimpleUploadedFile(
        "esiti.xml", pain002(batch.message_id, [(refs(batch)[0], "ACSC", "", None)])
    )
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(reverse("payouts:batch_results", args=[batch.pk]), {"file": right})
    batch.refresh_from_db()
    assert batch.status == BatchStatus.CLOSED
    note.refresh_from_db()
    assert note.status == DebitNoteStatus.PAID


def test_treasurer_list_as_xlsx_and_csv(
    admin_client,
    validator,
    admin,
    payer,
    shop,
    shopkeeper,
    shop_iban,
    make_wallet,
    pay,
    django_capture_on_commit_callbacks,
):
    from io import BytesIO

    from openpyxl import load_workbook

    from benecomune.core.models import Job
    from tests.payouts.bank import ready_batch

    pay(make_wallet(), shop, 3_333)
    (note,) = debit_notes.build_debit_notes(shopkeeper, shop)
    debit_notes.approve_debit_note(admin, debit_notes.issue_debit_note(shopkeeper, note))
    from benecomune.payouts.services.batches import approve_batch

    batch = approve_batch(validator, ready_batch(admin, payer))
    for fmt in ("xlsx", "csv"):
        with django_capture_on_commit_callbacks(execute=True):
            admin_client.post(reverse("payouts:batch_list_export", args=[batch.pk, fmt]))
        job = Job.objects_unscoped.filter(kind="payouts.beneficiary_list").latest("pk")
        assert job.status == "done"
        content = job.result_file.read()
        if fmt == "xlsx":
            sheet = load_workbook(BytesIO(content)).active
            values = [c.value for c in sheet[3]]
            assert values[1] == shop.name and values[3] == shop_iban.iban and values[5] == 33.33
        else:
            text = content.decode("utf-8-sig")
            assert f"{shop_iban.iban};Bepi Rossi;33,33" in text


def test_pages_need_the_right_role(merchant_client, validator_client, admin_client):
    assert merchant_client.get(reverse("payouts:home")).status_code == 403
    assert validator_client.get(reverse("payouts:home")).status_code == 403
    assert admin_client.get(reverse("payouts:merchant_notes")).status_code == 403
    assert validator_client.get(reverse("payouts:batch_prepare")).status_code == 403


def test_a_company_sees_no_link_to_the_comunes_reports(staff_client, company, admin_client):
    """A company's HR pays its debit notes on these pages but may not open the reports of the
    Comune's funds: the tab is not shown to it (it linked a 403)."""
    hr, _user, _membership = staff_client(Role.COMPANY_HR, company)
    page = hr.get(reverse("payouts:home"))
    assert page.status_code == 200
    assert reverse("payouts:reports") not in page.content.decode()
    assert hr.get(reverse("payouts:reports")).status_code == 403
    assert reverse("payouts:reports") in admin_client.get(reverse("payouts:home")).content.decode()


def test_a_batch_cannot_ask_the_bank_to_pay_on_a_weekend_or_a_bank_holiday(
    admin_client, payer, shop, shopkeeper, shop_iban, make_wallet, pay
):
    """The SEPA file's requested execution date must be a day banks execute transfers: a
    Saturday, a Sunday or a TARGET2 closing day (Christmas, Good Friday...) is refused in
    Italian, with the next working day suggested, and no batch is prepared."""
    import datetime

    from django.utils import timezone

    pay(make_wallet(), shop, 2_000)
    (note,) = debit_notes.build_debit_notes(shopkeeper, shop)
    debit_notes.issue_debit_note(shopkeeper, note)
    admin_client.post(reverse("payouts:payer_note_decide", args=[note.pk]), {"decision": "approve"})
    today = timezone.localdate()
    saturday = today + datetime.timedelta(days=(5 - today.weekday()) % 7 or 7)
    christmas = datetime.date(today.year, 12, 25)
    if christmas < today:
        christmas = datetime.date(today.year + 1, 12, 25)
    url = reverse("payouts:batch_prepare")
    for day in (saturday, christmas):
        response = admin_client.post(url, {"execution_date": day.isoformat()})
        page = response.content.decode()
        assert response.status_code == 200
        assert f"Il {day:%d/%m/%Y} le banche non eseguono bonifici" in page
        assert f"per esempio il {batches.next_business_day(day):%d/%m/%Y}" in page
        assert not PayoutBatch.objects_unscoped.exists()
    # Christmas and Boxing Day are skipped by the suggestion too.
    assert batches.next_business_day(datetime.date(2026, 12, 24)) == datetime.date(2026, 12, 28)
    monday = batches.next_business_day(saturday)
    assert monday.weekday() < 5
    response = admin_client.post(url, {"execution_date": monday.isoformat()})
    batch = PayoutBatch.objects_unscoped.get()
    assert response.url == reverse("payouts:batch", args=[batch.pk])
    assert batch.execution_date == monday

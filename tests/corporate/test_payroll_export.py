"""The payroll export (issue 17 point 7): activity made through the real services (allocate,
spend at the checkout, claims accepted by HR, a health-fund contribution passed to payroll);
the export's totals equal the ledger to the cent; rows per employee with the item code of the
company's mapping, the legal basis, exempt vs taxable, bonus, CU 701 year; CSV, XLSX and the
JSON API; cross-tenant 404s; bad periods refused in Italian."""

import csv
import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from benecomune.core.models import AuditEvent, Role
from benecomune.core.services.tokens import create_api_token
from benecomune.corporate.models import Employee, PayrollItemCode
from benecomune.corporate.services import declarations, payroll_export, payroll_mapping
from benecomune.corporate.services.payroll_export import Period, parse_period
from benecomune.ledger.models import Transfer, TransferKind
from benecomune.ledger.services.invariants import check_invariants
from tests.bookings.test_orders_fixtures import accredited, admins, checklist, seller  # noqa: F401
from tests.corporate import payroll_activity as activity
from tests.marketplace.conftest import _clear_cache, make_provider  # noqa: F401
from tests.marketplace.test_catalogue import make_service

pytestmark = pytest.mark.django_db


def ledger_spent(company, period: Period) -> int:
    """What the company's plan wallets paid in the period, read straight from the ledger."""
    start, end = period.bounds()
    wallet = {
        "debit_account__wallet__organization": company,
        "debit_account__wallet__source_kind": "company_plan",
    }
    spent = Transfer.objects_unscoped.filter(
        kind__in=(TransferKind.PAYMENT, TransferKind.REIMBURSEMENT),
        created_at__gte=start,
        created_at__lt=end,
        **wallet,
    ).aggregate(t=Sum("amount"))["t"]
    back = Transfer.objects_unscoped.filter(
        kind=TransferKind.REFUND,
        credit_account__wallet__organization=company,
        credit_account__wallet__source_kind="company_plan",
        created_at__gte=start,
        created_at__lt=end,
    ).aggregate(t=Sum("amount"))["t"]
    return (spent or 0) - (back or 0)


@pytest.fixture
def year(imported, hr_operator, hr_admin, employee, employee_actor, seller):  # noqa: F811
    version = activity.funded_plan(hr_operator, hr_admin, imported)
    provider, owner, _tutoring = seller
    care = make_service(
        owner, provider, title="Assistenza", art51_category="home_care", price="50,00"
    )
    activity.spend_at_checkout(employee_actor, employee, (provider, owner, care))  # 50, 10 back
    activity.camp_claim(employee_actor, employee, hr_admin)  # 300 claimed, 250 accepted
    activity.health_fund(employee_actor, employee, hr_admin)  # 120 passed to payroll
    return version


def test_payroll_export_totals_equal_the_ledger_to_the_cent(year, imported, hr_auditor):
    period = payroll_export.current_period()
    export = payroll_export.build_export(hr_auditor, imported, period)
    assert export.total_exempt + export.total_taxable == ledger_spent(imported, period)
    assert export.total_exempt == 4_000 + 25_000 + 12_000
    assert sum(r.exempt + r.taxable for r in export.rows) == ledger_spent(imported, period)
    by_basis = {t.basis_code: t.exempt for t in export.totals}
    assert by_basis == {"art51_c2_a": 12_000, "art51_c2_f": 4_000, "art51_c2_f_bis": 25_000}
    assert check_invariants() == []


def test_rows_per_employee_with_item_code_basis_and_cu_701_year(year, imported, hr_admin):
    export = payroll_export.build_export(hr_admin, imported, payroll_export.current_period())
    rows = {r.basis_code: r for r in export.rows}
    assert {r.employee_number for r in export.rows} == {"MB001"}
    camp = rows["art51_c2_f_bis"]
    assert (camp.item_code, camp.exempt, camp.taxable) == ("WFB-E", 25_000, 0)
    assert camp.expense_year == timezone.localdate().year  # CU, point 701
    assert (
        camp.fiscal_code
        == Employee.objects_unscoped.get(employee_number="MB001").person.fiscal_code
    )
    assert rows["art51_c2_f"].expense_year is None and not rows["art51_c2_f"].from_bonus
    assert rows["art51_c2_a"].item_code == "WA-E"
    # The company's own codes.
    payroll_mapping.set_item_codes(hr_admin, imported, {("art51_c2_f_bis", False, False): "0450"})
    export = payroll_export.build_export(hr_admin, imported, payroll_export.current_period())
    assert {r.basis_code: r.item_code for r in export.rows}["art51_c2_f_bis"] == "0450"
    assert AuditEvent.objects_unscoped.filter(action="corporate.payroll_codes_set").count() == 1


def test_fringe_over_the_cap_after_a_later_declaration_is_taxable(
    imported, hr_operator, hr_admin, employee, employee_actor
):
    activity.funded_plan(hr_operator, hr_admin, imported)
    activity.utilities_claim(employee_actor, employee, hr_admin, amount=50_000)
    period = payroll_export.current_period()
    (row,) = payroll_export.build_export(hr_admin, imported, period).rows
    assert (row.basis_code, row.exempt, row.taxable, row.item_code) == (
        "art51_c3_utilities",
        50_000,
        0,
        "WC3U-E",
    )
    # Payroll gave 600 euro of fringe benefits this year: 1,100 > 1,000, all taxable.
    declarations.declare_other_fringe_benefit(
        employee_actor,
        employee,
        amount=60_000,
        source="Buoni carburante in busta paga",
        received_on=timezone.localdate().replace(day=1),
    )
    export = payroll_export.build_export(hr_admin, imported, period)
    (row,) = export.rows
    assert (row.exempt, row.taxable, row.item_code) == (0, 50_000, "WC3U-T")
    assert export.total_taxable == ledger_spent(imported, period)


def test_a_limited_basis_is_taxable_above_the_yearly_limit():
    from benecomune.corporate.services.payroll_export import _split_over_limit

    limit = 361_520  # lett. a
    assert _split_over_limit(0, 100_000, limit) == 0
    assert _split_over_limit(300_000, 100_000, limit) == 38_480
    assert _split_over_limit(400_000, 100_000, limit) == 100_000


@pytest.mark.parametrize(
    "text, message",
    [
        ("marzo", "Indichi il periodo di paga come mese e anno"),
        ("13/2026", "non è un mese valido"),
        ("2026-3-1", "Indichi il periodo di paga"),
        ("", "Indichi il periodo di paga"),
    ],
)
def test_malformed_period_is_refused_in_italian(text, message):
    with pytest.raises(ValidationError, match=message):
        parse_period(text)


def test_future_period_is_refused_and_past_ones_accepted():
    today = datetime.date(2026, 5, 20)
    with pytest.raises(ValidationError, match="06/2026 è nel futuro"):
        parse_period("2026-06", today=today)
    assert parse_period("05/2026", today=today) == Period(2026, 5)
    assert parse_period("2025-12", today=today).label == "12/2025"


def test_csv_and_xlsx_downloads_are_audited(year, imported, company, staff_client):
    client, _user, _m = staff_client(Role.COMPANY_HR, company)
    url = reverse("corporate:payroll_export")
    period = payroll_export.current_period().label
    page = client.get(url, {"periodo": period})
    assert page.status_code == 200
    assert "WFB-E" in page.content.decode()
    response = client.get(url, {"periodo": period, "formato": "csv"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert lines[0][:3] == ["tipo_riga", "periodo", "matricola"]
    details = [line for line in lines[1:] if line[0] == "D"]
    totals = [line for line in lines[1:] if line[0] == "T"]
    assert sum(int(line[10]) + int(line[11]) for line in details) == ledger_spent(
        imported, payroll_export.current_period()
    )
    assert sum(int(line[10]) for line in totals) == 41_000
    camp = next(line for line in details if line[8] == "art51_c2_f_bis")
    assert camp[13] == str(timezone.localdate().year)
    response = client.get(url, {"periodo": period, "formato": "xlsx"})
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Voci", "Totali"]
    assert book["Totali"].cell(row=book["Totali"].max_row, column=3).value == 410.0
    events = AuditEvent.objects_unscoped.filter(action="corporate.payroll_exported")
    assert sorted(e.after["format"] for e in events) == ["csv", "xlsx"]


def test_bad_period_on_the_page_changes_nothing(year, company, staff_client):
    client, _user, _m = staff_client(Role.COMPANY_HR, company)
    url = reverse("corporate:payroll_export")
    page = client.get(url, {"periodo": "01/2099", "formato": "csv"}).content.decode()
    assert "è nel futuro" in page
    assert not AuditEvent.objects_unscoped.filter(action="corporate.payroll_exported").exists()


def test_hr_of_another_company_gets_404(year, imported, other_company, make_actor, staff_client):
    plan = year.plan
    stranger = make_actor("hr@tessiture.example.org", Role.COMPANY_HR, other_company)
    with pytest.raises(PermissionDenied):
        payroll_export.build_export(stranger, imported, payroll_export.current_period(), plan)
    client, _user, _m = staff_client(Role.COMPANY_HR, other_company)
    url = reverse("corporate:payroll_export")
    assert client.get(url, {"piano": plan.pk}).status_code == 404
    # Their own export is empty: nothing of Meccanica Brenta's.
    page = client.get(url).content.decode()
    assert "MB001" not in page and "Nessuna spesa" in page


def test_api_gives_the_same_rows_to_the_company_token_only(
    year, imported, other_company, hr_admin, make_actor, api_client
):
    _token, clear = create_api_token(hr_admin, imported, "Paghe")
    period = payroll_export.current_period()
    auth = {"HTTP_AUTHORIZATION": f"Bearer {clear}"}
    answer = api_client.get("/api/v1/payroll/export", {"period": period.key}, **auth)
    assert answer.status_code == 200, answer.content
    data = answer.json()
    assert data["total_exempt"] == ledger_spent(imported, period)
    camp = next(r for r in data["rows"] if r["legal_basis"] == "art51_c2_f_bis")
    assert camp["expense_year"] == timezone.localdate().year and camp["item_code"] == "WFB-E"
    plan = api_client.get(
        "/api/v1/payroll/export", {"period": period.key, "plan": year.plan_id}, **auth
    )
    assert plan.json()["rows"] == data["rows"]
    bad = api_client.get("/api/v1/payroll/export", {"period": "2099-01"}, **auth)
    assert bad.status_code == 400 and "nel futuro" in bad.json()["message"]
    other_hr = make_actor("hr@tessiture.example.org", Role.COMPANY_HR, other_company)
    _t, other_clear = create_api_token(other_hr, other_company, "Paghe")
    other = api_client.get(
        "/api/v1/payroll/export",
        {"period": period.key, "plan": year.plan_id},
        HTTP_AUTHORIZATION=f"Bearer {other_clear}",
    )
    assert other.status_code == 404
    assert api_client.get("/api/v1/payroll/export", {"period": period.key}).status_code == 401
    assert AuditEvent.objects_unscoped.filter(action="corporate.payroll_exported").count() == 2


def test_mapping_page_saves_codes_and_refuses_bad_ones(imported, company, staff_client):
    client, _user, _m = staff_client(Role.COMPANY_HR_OPERATOR, company)
    url = reverse("corporate:payroll_codes")
    page = client.get(url)
    assert page.status_code == 200 and "WFB-E-PDR" in page.content.decode()
    form = page.context["form"]
    data = {name: field.initial for name, field in form.fields.items()}
    data["art51_c2_f_bis__e__n"] = "= 1+1"
    answer = client.post(url, data)
    assert "non è una voce valida" in answer.content.decode()
    assert not PayrollItemCode.objects_unscoped.exists()
    data["art51_c2_f_bis__e__n"] = "0450"
    assert client.post(url, data).status_code == 302
    assert PayrollItemCode.objects_unscoped.get().code == "0450"
    # Back to the default: the row goes.
    data["art51_c2_f_bis__e__n"] = "WFB-E"
    client.post(url, data)
    assert not PayrollItemCode.objects_unscoped.exists()


def test_auditor_reads_but_cannot_change_codes(imported, company, staff_client):
    client, _user, _m = staff_client(Role.COMPANY_AUDITOR, company)
    assert client.get(reverse("corporate:payroll_export")).status_code == 200
    client.post(reverse("corporate:payroll_codes"), {"art51_c2_f__e__n": "X1"})
    assert not PayrollItemCode.objects_unscoped.exists()

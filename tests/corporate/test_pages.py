"""HR and employee pages: the three HR roles' permissions, cross-tenant 404s, an employee who
sees only their own employment, the plan PDF through core's checked file view."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from benecomune.core.models import Role, User
from benecomune.corporate.models import DependentChild, Employee, PlanVersion
from benecomune.corporate.services import plans, roster
from tests.corporate.conftest import pay, roster_csv
from tests.helpers import login

pytestmark = pytest.mark.django_db

YEAR = timezone.localdate().year


@pytest.fixture
def other_plan(other_company, make_actor):
    hr = make_actor("hr@tessiture.example.org", Role.COMPANY_HR, other_company)
    return plans.create_plan(
        hr, other_company, name="Altrui", starts_on=datetime.date(2026, 1, 1), origin="on_top"
    )


@pytest.mark.parametrize("role", [Role.COMPANY_HR, Role.COMPANY_HR_OPERATOR, Role.COMPANY_AUDITOR])
def test_every_hr_role_reads_employees_plans_and_the_pdf(
    role, staff_client, company, imported, approved_plan
):
    client, _user, _m = staff_client(role, company)
    employee = Employee.objects_unscoped.filter(company=company).first()
    for url in [
        reverse("core:home"),
        reverse("corporate:employees"),
        reverse("corporate:employees") + "?formato=csv",
        reverse("corporate:employee", args=[employee.pk]),
        reverse("corporate:plans"),
        reverse("corporate:plan", args=[approved_plan.pk]),
        reverse("corporate:profile"),
    ]:
        assert client.get(url).status_code == 200, url
    home = client.get(reverse("core:home")).content.decode()
    assert "Piani di welfare approvati" in home and "Dipendenti in servizio" in home
    pdf = client.get(reverse("core:file", args=["piano-welfare", approved_plan.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf).startswith(b"%PDF")


def test_the_auditor_changes_nothing(staff_client, company, draft_plan, municipality):
    client, _user, _m = staff_client(Role.COMPANY_AUDITOR, company)
    assert client.get(reverse("corporate:roster_import")).status_code == 403
    response = client.post(
        reverse("corporate:group_add", args=[draft_plan.pk]), {"name": "X", "credit": "10"}
    )
    assert response.status_code == 403
    response = client.post(reverse("corporate:profile"), {"ateco_code": "28.29", "ccnl": "credito"})
    assert response.status_code == 403
    assert draft_plan.group_rows().count() == 2


def test_the_operator_imports_but_cannot_approve_nor_manage_hr_users(
    staff_client, company, draft_plan, municipality
):
    client, _user, _m = staff_client(Role.COMPANY_HR_OPERATOR, company)
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("dipendenti.csv", roster_csv(), content_type="text/csv")
    page = client.post(reverse("corporate:roster_import"), {"file": upload})
    assert "Elenco importato" in page.content.decode()
    assert Employee.objects_unscoped.filter(company=company).count() == 4
    client.post(reverse("corporate:version_action", args=[draft_plan.pk, "presenta"]))
    client.post(reverse("corporate:version_action", args=[draft_plan.pk, "approva"]))
    draft_plan.refresh_from_db()
    assert draft_plan.status == "submitted"
    assert client.get(reverse("core:staff")).status_code == 403


def test_the_hr_admin_approves_through_the_page(staff_client, company, draft_plan, hr_operator):
    plans.submit(hr_operator, draft_plan)
    client, _user, _m = staff_client(Role.COMPANY_HR, company)
    response = client.post(reverse("corporate:version_action", args=[draft_plan.pk, "approva"]))
    assert response.status_code == 302
    draft_plan.refresh_from_db()
    assert draft_plan.status == "approved"


def test_closing_a_plan_is_a_step_with_a_reason(
    staff_client, company, imported, approved_plan, hr_admin
):
    from benecomune.core.models import AuditEvent
    from benecomune.corporate.services import allocation, funding

    [request] = funding.request_funding(hr_admin, approved_plan, schedule="single")
    pay(hr_admin, request, ref="CRO-C1")
    allocation.allocate(hr_admin, approved_plan)
    url = reverse("corporate:version_close", args=[approved_plan.pk])
    operator, _user, _m = staff_client(Role.COMPANY_HR_OPERATOR, company)
    assert operator.get(url).status_code == 403
    client, _user, _m = staff_client(Role.COMPANY_HR, company)
    plan_page = client.get(reverse("corporate:plan", args=[approved_plan.pk])).content.decode()
    assert f'href="{url}"' in plan_page and f'action="{url}"' not in plan_page  # no one click
    page = client.get(url).content.decode()
    assert "Che cosa cambia per i dipendenti" in page
    assert "€ 1.750,00 a 4 dipendenti" in page and "fino al 31/12/2026" in page
    assert 'name="reason"' in page

    def closed():
        approved_plan.refresh_from_db()
        return approved_plan.status == "closed"

    for data, message in [
        ({}, "Scriva perché chiude il piano"),
        ({"reason": "   "}, "Scriva perché chiude il piano"),
        ({"reason": "boh"}, "almeno 5 caratteri"),
        ({"reason": "x" * 301}, "al massimo 300 caratteri"),
    ]:
        refused = client.post(url, data)
        assert refused.status_code == 200 and message in refused.content.decode(), data
        assert not closed()
    assert not AuditEvent.objects_unscoped.filter(action="corporate.plan_closed").exists()
    done = client.post(url, {"reason": "Accordo aziendale scaduto"})
    assert done.status_code == 302 and done["Location"] == reverse(
        "corporate:plan", args=[approved_plan.pk]
    )
    assert closed()
    event = AuditEvent.objects_unscoped.get(action="corporate.plan_closed")
    assert event.reason == "Accordo aziendale scaduto" and event.before == {"status": "approved"}
    again = client.get(url, follow=True)
    assert "Si chiude soltanto una versione approvata" in again.content.decode()


def test_a_roster_with_errors_shows_the_row_report(staff_client, company, municipality):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client, _user, _m = staff_client(Role.COMPANY_HR, company)
    bad = roster_csv(overrides={0: {"cf": "RSSMRA80A01G224X"}})
    page = client.post(
        reverse("corporate:roster_import"),
        {"file": SimpleUploadedFile("d.csv", bad, content_type="text/csv")},
    ).content.decode()
    assert "nulla è cambiato" in page and "codice_fiscale" in page
    assert not Employee.objects_unscoped.exists()


def test_hr_of_another_company_finds_nothing(staff_client, other_company, imported, approved_plan):
    client, _user, _m = staff_client(Role.COMPANY_HR, other_company)
    employee = Employee.objects_unscoped.filter(company=imported).first()
    group = approved_plan.group_rows().first()
    for url in [
        reverse("corporate:employee", args=[employee.pk]),
        reverse("corporate:plan", args=[approved_plan.pk]),
        reverse("core:file", args=["piano-welfare", approved_plan.pk]),
    ]:
        assert client.get(url).status_code == 404, url
    for url in [
        reverse("corporate:group_add", args=[approved_plan.pk]),
        reverse("corporate:group_remove", args=[approved_plan.pk, group.pk]),
        reverse("corporate:version_close", args=[approved_plan.pk]),
    ]:
        assert client.post(url, {"name": "X", "credit": "1"}).status_code == 404, url
    listing = client.get(reverse("corporate:employees")).content.decode()
    assert employee.employee_number not in listing


def _employee_client(client, company, number):
    employee = Employee.objects_unscoped.select_related("person").get(
        company=company, employee_number=number
    )
    user = User.objects.create_user(
        f"{number}@example.org", "Password-di-prova-2026", person=employee.person
    )
    return login(client, user), employee


def test_an_employee_sees_only_their_own(
    client, company, imported, approved_plan, other_plan, other_company
):
    client, _employee = _employee_client(client, company, "MB001")
    page = client.get(reverse("corporate:my_welfare")).content.decode()
    assert "Welfare 2026" in page and "600,00" in page  # Operai, full year
    other = Employee.objects_unscoped.get(company=company, employee_number="MB002")
    response = client.post(
        reverse("corporate:child_add", args=[other.pk]),
        {"full_name": "X", "fiscal_code": "X", "tax_year": 2026},
    )
    assert response.status_code == 404
    assert client.get(reverse("corporate:employees")).status_code == 403
    assert (
        client.get(reverse("core:my_file", args=["piano-welfare", approved_plan.pk])).status_code
        == 200
    )
    PlanVersion.objects_unscoped.filter(pk=other_plan.pk).update(status="approved")
    assert (
        client.get(reverse("core:my_file", args=["piano-welfare", other_plan.pk])).status_code
        == 404
    )


def test_an_employee_declares_a_dependent_child(client, company, imported):
    from codicefiscale import codicefiscale

    client, employee = _employee_client(client, company, "MB002")
    child = codicefiscale.encode(
        lastname="Verdi",
        firstname="Tommaso",
        gender="M",
        birthdate="01/03/2015",
        birthplace="Padova",
    )
    url = reverse("corporate:child_add", args=[employee.pk])
    bad = client.post(url, {"full_name": "Tommaso Verdi", "fiscal_code": "ABC", "tax_year": YEAR})
    assert "16 caratteri" in bad.content.decode()
    assert not DependentChild.objects_unscoped.exists()
    client.post(url, {"full_name": "Tommaso Verdi", "fiscal_code": child, "tax_year": YEAR})
    assert DependentChild.objects_unscoped.get(employee=employee).fiscal_code == child
    fringe = client.post(
        reverse("corporate:fringe_add", args=[employee.pk]),
        {"amount": "150,50", "source": "Altro datore", "received_on": "2026-03-01"},
    )
    assert fringe.status_code == 302
    assert employee.other_fringe_benefits.model.objects_unscoped.get().amount == 15_050


def test_the_activation_link_creates_the_account_once(
    client, company, hr_operator, municipality, django_capture_on_commit_callbacks
):
    from django.core import mail

    with django_capture_on_commit_callbacks(execute=True):
        roster.import_roster(hr_operator, company, roster_csv(), base_url="http://testserver")
    giulia = next(m for m in mail.outbox if "Giulia" in m.body)
    body = giulia.body
    path = "/invito/dipendente/" + body.split("/invito/dipendente/")[1].split()[0]
    password = "Una-password-lunga-2026"
    response = client.post(path, {"password": password, "password2": password})
    assert response.status_code == 302
    user = User.objects.get(email=giulia.to[0])
    assert user.person is not None and user.check_password(password)
    # Giulia is welcomed in the feminine.
    assert "Account attivato: benvenuta." in client.get(response["Location"]).content.decode()
    client.logout()
    again = client.get(path).content.decode()
    assert "già attivo" in again or "non è valido" in again


def test_the_network_admin_adds_a_company_with_ateco_and_ccnl(
    staff_client, network, django_capture_on_commit_callbacks
):
    from benecomune.core.models import Company, Invitation

    client, _user, _m = staff_client(Role.PLATFORM_ADMIN, network)
    url = reverse("corporate:company_join")
    bad = client.post(url, {"name": "Nuova", "vat_number": "123", "ateco_code": "2", "ccnl": ""})
    page = bad.content.decode()
    assert "partita iva" in page.lower() and "ATECO" in page
    assert not Company.objects.filter(name="Nuova").exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            {
                "name": "Nuova Srl",
                "vat_number": "IT02987650286",
                "ateco_code": "28.29",
                "ccnl": "other",
                "ccnl_other": "CCNL Gomma plastica",
                "hr_admin_name": "Paola Rizzi",
                "hr_admin_email": "paola@nuova.example.org",
            },
        )
    assert response.status_code == 302
    company = Company.objects.get(name="Nuova Srl")
    assert company.welfare_profile.ccnl_label == "CCNL Gomma plastica"
    assert Invitation.objects_unscoped.get(organization=company).role == Role.COMPANY_HR


def test_a_plan_is_drafted_through_the_pages(staff_client, company):
    client, _user, _m = staff_client(Role.COMPANY_HR_OPERATOR, company)
    response = client.post(
        reverse("corporate:plans"),
        {
            "name": "Welfare 2027",
            "starts_on": "2027-04-01",
            "origin": "productivity_bonus",
            "pro_rata": "months_part_time",
            "unspent": "carry_over",
        },
    )
    version = PlanVersion.objects_unscoped.get(plan__name="Welfare 2027")
    assert response.status_code == 302 and version.binding is False
    group = client.post(
        reverse("corporate:group_add", args=[version.pk]),
        {"name": "Impiegati", "category": "impiegato", "credit": "1.250,50"},
    )
    assert group.status_code == 302
    assert version.group_rows().get().credit == 125_050
    bad = client.post(
        reverse("corporate:rule_set", args=[version.pk]),
        {"legal_basis": "art51_c2_f", "delivery": "reimbursable"},
    )
    assert bad.status_code == 200 and not version.rule_rows().exists()


def test_the_auditor_cannot_create_a_plan(staff_client, company):
    client, _user, _m = staff_client(Role.COMPANY_AUDITOR, company)
    response = client.post(reverse("corporate:plans"), {"name": "X"})
    assert response.status_code == 403
    assert not PlanVersion.objects_unscoped.exists()

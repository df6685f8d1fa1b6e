"""HR pages of funding and allocation (pro-forma PDF, recording a transfer, the allocation
job with its progress page), bonus entries, the employee's conversion page; bad input shows an
Italian message and changes nothing; another company's plan is a 404."""

import pytest
from django.test import Client
from django.urls import reverse

from benecomune.core.models import Job, Role, User
from benecomune.corporate.models import (
    BonusConversion,
    CreditAllocation,
    Employee,
    FundingPayment,
    FundingRequest,
    ProductivityBonus,
)
from benecomune.corporate.services import bonus, plans
from tests.corporate.conftest import money_written
from tests.helpers import login

pytestmark = pytest.mark.django_db

NEED = 60_000 + 40_000 + 40_000 + 35_000


def test_hr_admin_funds_and_allocates_from_the_pages(
    staff_client, company, imported, approved_plan, django_capture_on_commit_callbacks
):
    client, _user, _m = staff_client(Role.COMPANY_HR, company)
    url = reverse("corporate:funding", args=[approved_plan.pk])
    assert client.get(url).status_code == 200
    plan_page = client.get(reverse("corporate:plan", args=[approved_plan.pk])).content.decode()
    assert url in plan_page
    response = client.post(
        reverse("corporate:funding_request", args=[approved_plan.pk]), {"schedule": "single"}
    )
    assert response.status_code == 302
    request = FundingRequest.objects_unscoped.get()
    pdf = client.get(reverse("core:file", args=["proforma-welfare", request.pk]))
    assert pdf.status_code == 200 and b"".join(pdf).startswith(b"%PDF")
    # Allocating before the money arrived: refused, nothing allocated.
    response = client.post(reverse("corporate:allocate", args=[approved_plan.pk]), follow=True)
    assert "non basta" in response.content.decode()
    assert not CreditAllocation.objects_unscoped.exists()
    bad = client.post(
        reverse("corporate:funding_payment", args=[approved_plan.pk]),
        {
            "request": request.pk,
            "amount": "abc",
            "received_on": "2026-02-03",
            "bank_reference": "C",
        },
    )
    assert bad.status_code == 200 and not FundingPayment.objects_unscoped.exists()
    ok = client.post(
        reverse("corporate:funding_payment", args=[approved_plan.pk]),
        {
            "request": request.pk,
            "amount": "1.750,00",
            "received_on": "2026-02-03",
            "bank_reference": "CRO 1",
        },
    )
    assert ok.status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("corporate:allocate", args=[approved_plan.pk]))
    job = Job.objects_unscoped.get(kind="corporate.allocate")
    assert response.status_code == 302 and response["Location"] == reverse(
        "core:job", args=[job.pk]
    )
    job_page = client.get(response["Location"]).content.decode()
    assert "progress" in job_page
    job.refresh_from_db()
    assert job.status == "done" and job.result["paid_total"] == NEED
    assert sum(CreditAllocation.objects_unscoped.values_list("amount", flat=True)) == NEED
    page = client.get(url).content.decode()
    assert "€ 1.750,00" in page


@pytest.mark.parametrize("role", [Role.COMPANY_HR_OPERATOR, Role.COMPANY_AUDITOR])
def test_other_hr_roles_read_but_do_not_fund(role, staff_client, company, imported, approved_plan):
    client, _user, _m = staff_client(role, company)
    assert client.get(reverse("corporate:funding", args=[approved_plan.pk])).status_code == 200
    response = client.post(
        reverse("corporate:funding_request", args=[approved_plan.pk]), {"schedule": "single"}
    )
    assert response.status_code == 403
    assert not FundingRequest.objects_unscoped.exists()


def test_another_companys_plan_is_not_found(staff_client, other_company, make_actor, company):
    import datetime

    hr = make_actor("hr@tessiture.example.org", Role.COMPANY_HR, other_company)
    theirs = plans.create_plan(
        hr, other_company, name="Altrui", starts_on=datetime.date(2026, 1, 1), origin="on_top"
    )
    client, _user, _m = staff_client(Role.COMPANY_HR, company)
    assert client.get(reverse("corporate:funding", args=[theirs.pk])).status_code == 404


def test_hr_records_a_bonus_and_the_employee_converts_it(
    staff_client, client, company, imported, approved_plan
):
    hr_client, hr_user, membership = staff_client(Role.COMPANY_HR_OPERATOR, company)
    url = reverse("corporate:bonuses")
    bad = hr_client.post(url, {"employee_number": "NOPE", "year": 2026, "amount": "1000"})
    assert "Nessun dipendente" in bad.content.decode()
    ok = hr_client.post(url, {"employee_number": "MB002", "year": 2026, "amount": "3.000,00"})
    assert ok.status_code == 302
    entry = ProductivityBonus.objects_unscoped.get()
    assert entry.amount == 300_000
    employee = Employee.objects_unscoped.get(employee_number="MB002")
    user = User.objects.create_user("giulia@example.org", "x", person=employee.person)
    client = Client()
    login(client, user)
    page = client.get(reverse("corporate:my_bonuses"))
    assert page.status_code == 200 and "€ 3.000,00" in page.content.decode()
    convert = reverse("corporate:my_bonus_convert", args=[entry.pk])
    refused = client.post(convert, {f"b{entry.pk}-amount": "1.000,00"})
    assert "80.000" in refused.content.decode()
    assert not BonusConversion.objects_unscoped.exists()
    done = client.post(
        convert, {f"b{entry.pk}-amount": "1.000,00", f"b{entry.pk}-income_declared": "on"}
    )
    assert done.status_code == 302
    assert BonusConversion.objects_unscoped.get().amount == 100_000
    login(hr_client, hr_user, membership)
    listing = hr_client.get(url).content.decode()
    assert "€ 1.000,00" in listing


def test_an_employee_cannot_convert_someone_elses_bonus(
    client, company, imported, approved_plan, hr_operator
):
    giulia = Employee.objects_unscoped.get(employee_number="MB002")
    entry = bonus.record_bonus(hr_operator, giulia, year=2026, amount=100_000)
    luca = Employee.objects_unscoped.get(employee_number="MB001")
    login(client, User.objects.create_user("luca@example.org", "x", person=luca.person))
    response = client.post(
        reverse("corporate:my_bonus_convert", args=[entry.pk]),
        {f"b{entry.pk}-amount": "10", f"b{entry.pk}-income_declared": "on"},
    )
    assert response.status_code == 404
    assert not BonusConversion.objects_unscoped.exists()


def test_hr_imports_bonuses_from_a_file(staff_client, company, imported):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client, _user, _m = staff_client(Role.COMPANY_HR_OPERATOR, company)
    url = reverse("corporate:bonus_import")
    bad = SimpleUploadedFile("premi.csv", b"matricola;anno;importo\r\nXX;2026;10\r\n")
    response = client.post(url, {"file": bad})
    assert response.status_code == 200 and "sconosciuta" in response.content.decode()
    good = SimpleUploadedFile("premi.csv", b"matricola;anno;importo\r\nMB001;2026;1.000,00\r\n")
    assert client.post(url, {"file": good}).status_code == 302
    assert ProductivityBonus.objects_unscoped.get().amount == 100_000


def _post_transfer(client, version, request, amount, reference, **extra):
    return client.post(
        reverse("corporate:funding_payment", args=[version.pk]),
        {
            "request": request.pk,
            "amount": amount,
            "received_on": "2026-02-03",
            "bank_reference": reference,
            **extra,
        },
    )


def test_a_transfer_against_a_paid_request_is_refused_on_the_page(
    staff_client, company, imported, approved_plan, hr_admin
):
    from benecomune.corporate.services import funding

    [request] = funding.request_funding(hr_admin, approved_plan, schedule="single")
    client, _user, _m = staff_client(Role.COMPANY_HR, company)
    assert _post_transfer(client, approved_plan, request, "1.750,00", "CRO 1").status_code == 302
    page = client.get(reverse("corporate:funding", args=[approved_plan.pk])).content.decode()
    assert f'<option value="{request.pk}"' not in page  # a paid request is not offered
    assert "Nessuna richiesta da pagare" in page
    before = money_written(approved_plan)
    refused = _post_transfer(
        client,
        approved_plan,
        request,
        "9.999.999,00",
        "CRO 2",
        excess="999825000",
        accept_excess="on",
    )
    assert refused.status_code == 200
    text = refused.content.decode()
    assert f"La richiesta {request.reference} è già pagata per intero" in text
    assert "contatti" in text
    assert money_written(approved_plan) == before
    request.refresh_from_db()
    assert (request.received, request.status) == (NEED, "paid")


def test_an_excess_is_recorded_only_once_confirmed_on_the_page(
    staff_client, company, imported, approved_plan, hr_admin
):
    from benecomune.corporate.services import funding

    [request] = funding.request_funding(hr_admin, approved_plan, schedule="single")
    client, _user, _m = staff_client(Role.COMPANY_HR, company)
    page = client.get(reverse("corporate:funding", args=[approved_plan.pk])).content.decode()
    assert "da pagare € 1.750,00" in page and "Confermo" not in page
    asked = _post_transfer(client, approved_plan, request, "1.800,00", "CRO 9")
    text = asked.content.decode()
    assert asked.status_code == 200
    assert "supera di € 50,00 quanto resta da pagare" in text
    assert "Confermo che il bonifico supera il dovuto di € 50,00" in text
    assert 'name="excess" value="5000"' in text
    assert money_written(approved_plan) == (0, 0, 0, 0)
    # Confirming another excess than this amount's (the amount changed): asked again.
    stale = _post_transfer(
        client, approved_plan, request, "1.900,00", "CRO 9", excess="5000", accept_excess="on"
    )
    assert "supera il dovuto di € 150,00" in stale.content.decode()
    assert money_written(approved_plan) == (0, 0, 0, 0)
    done = _post_transfer(
        client, approved_plan, request, "1.800,00", "CRO 9", excess="5000", accept_excess="on"
    )
    assert done.status_code == 302
    request.refresh_from_db()
    assert (request.received, request.status) == (180_000, "paid")
    figures = funding.plan_figures(approved_plan)
    assert figures["funded"] == figures["available"] == 180_000  # the excess is in the fund


def test_an_absurd_transfer_is_refused_on_the_page_even_confirmed(
    staff_client, company, imported, approved_plan, hr_admin
):
    from benecomune.corporate.services import funding

    [request] = funding.request_funding(hr_admin, approved_plan, schedule="single")
    client, _user, _m = staff_client(Role.COMPANY_HR, company)
    refused = _post_transfer(
        client,
        approved_plan,
        request,
        "9.999.999,00",
        "CRO 5",
        excess="999825000",
        accept_excess="on",
    )
    text = refused.content.decode()
    assert refused.status_code == 200 and "oltre dieci volte" in text
    assert request.reference in text and "controlli le cifre" in text
    assert money_written(approved_plan) == (0, 0, 0, 0)

"""Claim pages: the employee's new claim (bad input: Italian message, nothing written), my
claims with the fringe cap; HR's queue, one claim and its decision; another company's HR gets
404."""

import pytest
from django.test import Client
from django.urls import reverse

from benecomune.core.models import Role
from benecomune.payouts.models import ClaimStatus, ExpenseClaim
from tests.corporate.conftest import fiscal_code
from tests.corporate.plan_wallet import approved_version, open_plan_wallet, receipt
from tests.helpers import login

pytestmark = pytest.mark.django_db
CHILD_CF = fiscal_code("Anna", "Bianchi", "F", "01/06/2015")


@pytest.fixture
def wallet(system_actor, hr_operator, hr_admin, company, employee, employee_actor):
    from benecomune.corporate.services import declarations

    declarations.declare_child(
        employee_actor, employee, fiscal_code=CHILD_CF, full_name="Anna Bianchi", tax_year=2026
    )
    version = approved_version(
        hr_operator, hr_admin, company, [("art51_c2_f_bis", "reimbursable", None)]
    )
    return open_plan_wallet(system_actor, version, employee, 50_000)


def _form(wallet, **over):
    data = {
        "wallet": wallet.pk,
        "category": "summer_camp",
        "beneficiary": "child",
        "beneficiary_fiscal_code": CHILD_CF,
        "expense_date": "2026-07-10",
        "payee": "Cooperativa Il Girasole",
        "document_type": "invoice",
        "document_amount": "320,00",
        "amount": "300,00",
        "payment_method": "transfer",
        "document": receipt(),
    }
    data.update(over)
    return data


def test_employee_claims_a_camp_and_hr_approves(wallet, employee_actor, staff_client, company):
    employee_client = login(Client(), employee_actor.user)
    page = employee_client.get(reverse("corporate:my_claims"))
    assert page.status_code == 200 and "Fringe benefit" in page.content.decode()
    assert employee_client.get(reverse("corporate:claim_new")).status_code == 200
    bad = employee_client.post(reverse("corporate:claim_new"), _form(wallet, amount="330,00"))
    assert bad.status_code == 200
    assert "Non si può chiedere più dell&#x27;importo del documento" in bad.content.decode()
    assert ExpenseClaim.objects_unscoped.count() == 0
    done = employee_client.post(reverse("corporate:claim_new"), _form(wallet))
    assert done.status_code == 302
    claim = ExpenseClaim.objects_unscoped.get()

    hr, _user, _m = staff_client(Role.COMPANY_HR, company)
    assert str(claim.pk) in hr.get(reverse("corporate:claims")).content.decode()
    review = hr.get(reverse("corporate:claim_review", args=[claim.pk]))
    assert review.status_code == 200 and "Anna Bianchi" in review.content.decode()
    hr.post(
        reverse("corporate:claim_review", args=[claim.pk]), {"decision": "accept", "reason": ""}
    )
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.ACCEPTED


def test_hr_of_another_company_gets_404(wallet, employee_actor, staff_client, other_company):
    employee_client = login(Client(), employee_actor.user)
    employee_client.post(reverse("corporate:claim_new"), _form(wallet))
    claim = ExpenseClaim.objects_unscoped.get()
    other, _user, _m = staff_client(Role.COMPANY_HR, other_company)
    assert other.get(reverse("corporate:claim_review", args=[claim.pk])).status_code == 404
    assert "Cooperativa Il Girasole" not in other.get(reverse("corporate:claims")).content.decode()
    assert (
        "Nessuna richiesta da verificare" in other.get(reverse("corporate:claims")).content.decode()
    )
    assert other.get(reverse("core:file", args=["ricevuta-welfare", claim.pk])).status_code == 404

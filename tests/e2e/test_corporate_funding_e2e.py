"""HR funds an approved plan (pro-forma, bank transfer), allocates the credit and watches the
job; an employee converts their productivity bonus. Pages checked by axe-core (page_for)."""

import datetime
from importlib import import_module

import pytest
from django.apps import apps

from benecomune.core.models import Role, User
from benecomune.corporate.models import CreditAllocation, Employee
from benecomune.corporate.services import bonus, plans, roster
from tests.corporate.conftest import basis, roster_csv
from tests.e2e.helpers import sign_in
from tests.helpers import actor_for

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def funded_setup(company, municipality, make_user):
    # The flush of transactional tests empties the migrations' reference rows.
    import_module("benecomune.corporate.migrations.0002_companies_plans").load_legal_bases(
        apps, None
    )
    import_module("benecomune.corporate.migrations.0004_bonus").seed_rules(apps, None)
    operator = make_user(
        "operatore@example.org", role=Role.COMPANY_HR_OPERATOR, organization=company
    )
    admin = make_user("admin@example.org", role=Role.COMPANY_HR, organization=company)
    op = actor_for(operator, Role.COMPANY_HR_OPERATOR, company)
    roster.import_roster(op, company, roster_csv(), base_url="http://testserver")
    version = plans.create_plan(
        op, company, name="Welfare 2026", starts_on=datetime.date(2026, 1, 1), origin="on_top"
    )
    plans.add_group(op, version, name="Tutti", credit=50_000)
    plans.set_rule(op, version, legal_basis=basis("art51_c2_f"), delivery="platform")
    plans.submit(op, version)
    plans.approve(actor_for(admin, Role.COMPANY_HR, company), version)
    return admin, op, version


def test_hr_funds_and_allocates_and_an_employee_converts_the_bonus(
    live_server, page_for, screenshot_dir, funded_setup
):
    admin, op, version = funded_setup
    page = page_for()
    sign_in(page, live_server.url, admin)
    page.goto(f"{live_server.url}/gestione/azienda/piani/{version.pk}/finanziamento/")
    page.get_by_role("button", name="Emetti il pro forma").click()
    assert "WELF-" in page.content()
    page.get_by_label("Importo accreditato").fill("1.000,00")
    page.get_by_label("Riferimento del bonifico (CRO/TRN)").fill("CRO-E2E-1")
    page.get_by_role("button", name="Registra il bonifico").click()
    assert "Pagata in parte" in page.content()
    page.screenshot(path=screenshot_dir / "corporate-funding.png", full_page=True)
    page.get_by_role("button", name="Assegna il credito").click()
    assert "non basta" in page.content()  # 1.000 € of the 1.791,66 € needed: nothing allocated
    page.get_by_label("Importo accreditato").fill("800,00")
    page.get_by_label("Riferimento del bonifico (CRO/TRN)").fill("CRO-E2E-2")
    page.get_by_role("button", name="Registra il bonifico").click()
    # 8,34 € more than still due: refused until HR confirms the excess, which stays in the fund.
    assert "supera di € 8,34" in page.content()
    page.get_by_text("Confermo che il bonifico supera il dovuto di € 8,34").click()
    page.get_by_role("button", name="Registra il bonifico").click()
    assert "Pagata" in page.content()
    page.get_by_role("button", name="Assegna il credito").click()
    page.wait_for_url(f"{live_server.url}/gestione/lavori/*/")
    page.screenshot(path=screenshot_dir / "corporate-allocation-job.png", full_page=True)
    assert CreditAllocation.objects_unscoped.count() == 4

    giulia = Employee.objects_unscoped.get(employee_number="MB002")
    bonus.record_bonus(op, giulia, year=2026, amount=200_000)
    user = User.objects.create_user("giulia@example.org", "x", person=giulia.person)
    user.set_password(__import__("tests.conftest", fromlist=["PASSWORD"]).PASSWORD)
    user.save()
    employee_page = page_for()
    sign_in(employee_page, live_server.url, user)
    employee_page.goto(f"{live_server.url}/area-personale/welfare-aziendale/premi/")
    employee_page.get_by_label("Quanto vuole convertire in credito welfare").fill("1.500")
    employee_page.get_by_role("button", name="Converti").click()
    assert "80.000" in employee_page.content()  # the declaration is missing: refused
    employee_page.get_by_text("Dichiaro che il mio reddito").click()
    employee_page.get_by_role("button", name="Converti").click()
    assert "Conversione registrata" in employee_page.content()
    employee_page.screenshot(path=screenshot_dir / "corporate-bonus.png", full_page=True)

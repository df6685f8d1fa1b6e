"""Issue 17's journey in Chromium (axe-core checks every page): HR imports the roster (file
upload), approves the plan, funds it against the pro-forma and allocates the credit; an employee
books a cooperative's service paying with the company credit (the cooperative marks it done:
captured) and claims a summer camp for a declared child with the receipt; HR accepts the claim;
the payroll export page shows the purchase and the claim, each with its item code, and the
CSV downloads."""

import datetime
from importlib import import_module
from pathlib import Path

import pytest
from django.apps import apps
from django.utils import timezone
from playwright.sync_api import expect

from benecomune.bookings.models import Booking, BookingStatus
from benecomune.bookings.services import booking_moves
from benecomune.core.models import Role, User
from benecomune.corporate.models import CreditAllocation, Employee, PlanStatus
from benecomune.corporate.services import declarations, plans
from benecomune.payouts.models import ClaimStatus, ExpenseClaim
from tests.bookings import booking_fixtures
from tests.bookings.agenda_fixtures import add_resource, set_rules
from tests.conftest import PASSWORD
from tests.corporate.conftest import basis, fiscal_code, roster_csv
from tests.corporate.payroll_activity import CHILD_CF
from tests.e2e.helpers import sign_in, use_fixtures
from tests.helpers import actor_for
from tests.marketplace.test_search import publish_profile

use_fixtures(globals(), booking_fixtures, *booking_fixtures.__all__)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def journey(company, municipality, make_user, seller):
    # The flush of transactional tests empties the migrations' reference rows.
    migrations = "benecomune.corporate.migrations."
    import_module(migrations + "0002_companies_plans").load_legal_bases(apps, None)
    import_module(migrations + "0004_bonus").seed_rules(apps, None)
    import_module(migrations + "0005_spending").seed_caps(apps, None)
    provider, owner, service = seller
    publish_profile(owner, provider)
    set_rules(owner, service, [add_resource(owner, provider)])
    operator = make_user(
        "operatore@example.org", role=Role.COMPANY_HR_OPERATOR, organization=company
    )
    admin = make_user("admin@example.org", role=Role.COMPANY_HR, organization=company)
    op = actor_for(operator, Role.COMPANY_HR_OPERATOR, company)
    version = plans.create_plan(
        op,
        company,
        name="Welfare",
        starts_on=datetime.date(timezone.localdate().year, 1, 1),
        origin="company_contract",
    )
    plans.add_group(op, version, name="Tutti", credit=50_000)
    plans.set_rule(op, version, legal_basis=basis("art51_c2_f"), delivery="platform")
    plans.set_rule(op, version, legal_basis=basis("art51_c2_f_bis"), delivery="reimbursable")
    plans.submit(op, version)
    return admin, version, seller


def test_hr_and_an_employee_through_a_welfare_year_to_the_payroll_export(
    live_server, page_for, screenshot_dir, journey, municipality, tmp_path
):
    admin, version, (_provider, owner, service) = journey
    base = live_server.url
    hr = page_for()
    sign_in(hr, base, admin)

    # The roster, uploaded.
    roster = tmp_path / "dipendenti.csv"
    roster.write_bytes(roster_csv())
    hr.goto(f"{base}/gestione/azienda/dipendenti/importa/")
    hr.get_by_label("Elenco dei dipendenti (CSV o XLSX)").set_input_files(str(roster))
    hr.get_by_role("button", name="Importa").click()
    expect(hr.locator("main")).to_contain_text("Nuovi: 4", timeout=20_000)
    assert Employee.objects_unscoped.count() == 4

    # Approved, funded against the pro-forma, allocated.
    hr.goto(f"{base}/gestione/azienda/piani/{version.pk}/")
    hr.get_by_role("button", name="Approva e blocca").click()
    expect(hr.locator("main")).to_contain_text("Approvata")
    version.refresh_from_db()
    assert version.status == PlanStatus.APPROVED
    hr.goto(f"{base}/gestione/azienda/piani/{version.pk}/finanziamento/")
    hr.get_by_role("button", name="Emetti il pro forma").click()
    hr.get_by_label("Importo accreditato").fill("1.791,66")
    hr.get_by_label("Riferimento del bonifico (CRO/TRN)").fill("CRO-JOURNEY-1")
    hr.get_by_role("button", name="Registra il bonifico").click()
    hr.get_by_role("button", name="Assegna il credito").click()
    hr.wait_for_url(f"{base}/gestione/lavori/*/")
    assert CreditAllocation.objects_unscoped.count() == 4

    # The employee books the cooperative's service with the company credit.
    luca = Employee.objects_unscoped.select_related("person").get(employee_number="MB001")
    user = User.objects.create_user("luca@example.org", PASSWORD, person=luca.person)
    me = page_for()
    sign_in(me, base, user)
    me.goto(f"{base}/{municipality.slug}/servizi/{service.pk}/")
    me.get_by_role("link", name="Vedi le date e gli orari disponibili").click()
    me.get_by_test_id("week").locator("ul a").first.click()
    me.get_by_test_id("book").click()
    expect(me.get_by_test_id("amount")).to_contain_text("€ 50,00")
    expect(me.get_by_label("Welfare").first).to_have_value("50,00")
    me.screenshot(path=screenshot_dir / "corporate-journey-booking.png", full_page=True)
    me.get_by_test_id("confirm").click()
    expect(me.get_by_test_id("booking")).to_contain_text("Confermata")
    booking = Booking.objects_unscoped.get()
    # The cooperative marks it done after the appointment: the credit is captured.
    booking_moves.complete(owner, booking, now=booking.starts_at + datetime.timedelta(hours=1))
    booking.refresh_from_db()
    assert booking.status == BookingStatus.COMPLETED

    # A summer camp for a declared child, claimed with its receipt.
    declarations.declare_child(
        actor_for(user),
        luca,
        fiscal_code=CHILD_CF,
        full_name="Anna Bianchi",
        tax_year=timezone.localdate().year,
    )
    receipt = tmp_path / "fattura-centro-estivo.pdf"
    receipt.write_bytes(b"%PDF-1.4\ncentro estivo\n%%EOF\n")
    me.goto(f"{base}/area-personale/welfare-aziendale/rimborsi/nuovo/")
    me.get_by_label("Tipo di spesa").select_option("summer_camp")
    me.get_by_label("Chi ha beneficiato della spesa").select_option("child")
    me.get_by_label("Codice fiscale del figlio o del familiare").fill(CHILD_CF)
    me.get_by_label("Data della spesa").fill(timezone.localdate().isoformat())
    me.get_by_label("Pagata a").fill("Cooperativa Il Girasole")
    me.get_by_role("combobox", name="Documento", exact=True).select_option("invoice")
    me.get_by_label("Importo del documento").fill("300,00")
    me.get_by_label("Importo da rimborsare").fill("300,00")
    me.get_by_label("Come ha pagato").select_option("transfer")
    me.get_by_label("Documento di spesa (PDF, JPEG o PNG)").set_input_files(str(receipt))
    me.get_by_role("button", name="Invia la richiesta").click()
    expect(me.locator("main")).to_contain_text("Richiesta di rimborso inviata")
    claim = ExpenseClaim.objects_unscoped.get()

    # HR accepts it.
    hr.goto(f"{base}/gestione/azienda/rimborsi/{claim.pk}/")
    hr.get_by_label("Decisione").select_option("accept")
    hr.get_by_role("button", name="Registra la decisione").click()
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.ACCEPTED

    # The payroll export of the month shows both.
    hr.goto(f"{base}/gestione/azienda/paghe/")
    rows = hr.get_by_test_id("payroll-rows")
    expect(rows).to_contain_text("MB001")
    expect(rows).to_contain_text("WFB-E")
    expect(rows).to_contain_text("€ 50,00")
    expect(rows).to_contain_text("€ 300,00")
    expect(rows).to_contain_text(str(timezone.localdate().year))  # the camp's CU 701 year
    expect(hr.get_by_test_id("payroll-totals")).to_contain_text("€ 350,00")
    hr.screenshot(path=screenshot_dir / "corporate-payroll-export.png", full_page=True)
    with hr.expect_download() as download:
        hr.get_by_role("link", name="Scarica CSV").click()
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert (
        "tipo_riga;periodo;matricola" in text
        and fiscal_code("Luca", "Bianchi", "M", "03/04/1980") in text
    )

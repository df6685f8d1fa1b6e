"""Issue 18's journey: a 70-year-old without SPID walks into the Piazzola Point; the Welfare
Manager opens a case (home care, loneliness) with the consents, the orientation proposes a
home-care service payable from the person's public wallet and a socialisation lab; the manager
gives the list, records a paper delegation, books the home-care session for the person and
refers them to the lab's provider; the citizen sees the list and the booking in their area and
the provider sees the referral. Every page is checked with axe-core by `page_for`."""

import datetime
from importlib import import_module

import pytest
from django.apps import apps
from django.utils import timezone
from playwright.sync_api import expect

from benecomune.bookings.models import Booking
from benecomune.core.models import Membership, Role
from benecomune.desk.models import Case, Referral
from benecomune.desk.services import points
from tests.bookings.agenda_fixtures import add_resource, set_rules
from tests.desk import orientation_fixtures
from tests.desk.conftest import make_point
from tests.e2e.helpers import PHONE, assert_fits, log_in, use_fixtures

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

use_fixtures(
    globals(),
    orientation_fixtures,
    *("accredited", "admins", "checklist", "make_fund", "make_provider", "make_wallet"),
    "services",
)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def taxonomy(transactional_db):
    """Earlier transactional tests' flush empties the data migrations' needs and mapping: put
    them back (the migrations' own, idempotent functions)."""
    import_module("benecomune.desk.migrations.0001_initial").load_taxonomy(apps, None)
    import_module("benecomune.desk.migrations.0003_orientation").load_mapping(apps, None)


@pytest.fixture
def scene(
    system_actor,
    municipality,
    make_user,
    make_person,
    services,
    accredited,
    make_fund,
    make_wallet,
):
    point = make_point(system_actor, municipality, municipality, "Punto di Piazzola", "municipal")
    manager = make_user("wm@example.org", role=Role.WELFARE_MANAGER, organization=municipality)
    points.add_operator(system_actor, point, Membership.objects.get(user=manager))
    seventy = timezone.localdate().year - 70
    elder = make_person(
        municipality, first_name="Ada", last_name="Bassi", sex="F", birthdate=f"01/01/{seventy}"
    )
    citizen = make_user("ada@example.org", person=elder)
    make_wallet(make_fund(50_000), 50_000, person=elder)
    provider, owner, _accreditation = accredited
    set_rules(owner, services["home_care"], [add_resource(owner, provider)])
    return {
        "point": point,
        "manager": manager,
        "elder": elder,
        "citizen": citizen,
        "provider": provider,
        "owner": owner,
    }


def open_case(page, base, elder):
    page.goto(f"{base}/gestione/sportello-welfare/")
    page.get_by_role("link", name="Apri un nuovo caso").first.click()
    page.get_by_label("Codice fiscale").fill(elder.fiscal_code)
    elderly = page.get_by_role("group", name="Anziani")
    elderly.locator("label", has_text="Assistenza domiciliare").click()
    elderly.locator("label", has_text="Solitudine e socialità").click()
    page.get_by_label("Provenienza").select_option("walk_in")
    page.locator(
        "label", has_text="Ho consegnato o letto l'informativa sul trattamento dei dati"
    ).click()
    page.locator("label", has_text="Presa in carico e orientamento (art. 6 GDPR)").click()
    page.locator("label", has_text="Comunicazione dei dati a servizi ed enti").click()
    page.get_by_label("Come ha accettato").select_option("signed")
    page.get_by_role("button", name="Apri il caso").click()
    case = Case.objects_unscoped.get()
    page.wait_for_url(f"{base}/gestione/sportello-welfare/casi/{case.pk}/")
    page.get_by_role("button", name="Prendi in carico").click()
    return case


def record_paper_delegation(page, base, case, point):
    page.goto(f"{base}/gestione/sportello-welfare/casi/{case.pk}/deleghe/nuova/")
    page.get_by_label("Punto Welfare delegato").select_option(str(point.pk))
    page.locator("label", has_text="Prenotare e pagare servizi dai suoi portafogli").click()
    today = timezone.localdate()
    page.get_by_label("Valida dal").fill(today.isoformat())
    page.get_by_label("Valida fino al").fill((today + datetime.timedelta(days=180)).isoformat())
    page.get_by_label("Documento d'identità").select_option(index=1)
    page.get_by_label("Numero del documento").fill("CA12345AB")
    page.get_by_label("Scadenza del documento").fill(
        (today + datetime.timedelta(days=900)).isoformat()
    )
    page.get_by_label("Copia del documento e della delega firmata").set_input_files(
        {"name": "delega.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    page.get_by_role("button", name="Registra la delega").click()
    expect(page.locator("body")).to_contain_text("Delega registrata")


def test_a_seventy_year_old_at_the_piazzola_point(
    live_server,
    page_for,
    scene,
    services,
    make_user,
    screenshot_dir,
):
    base, elder = live_server.url, scene["elder"]
    page = page_for()
    log_in(page, base, scene["manager"])
    case = open_case(page, base, elder)

    # Orientation: the home-care service payable from the public wallet, the lab.
    page.goto(f"{base}/gestione/sportello-welfare/orientamento/{case.pk}/")
    home_care = page.locator("section.card", has_text="Assistenza domiciliare anziani")
    expect(home_care).to_contain_text("Si può pagare con «Buono spesa 2026»")
    expect(page.locator("section.card", has_text="Laboratorio di socializzazione")).to_be_visible()
    phone = page_for(**PHONE)
    phone.context.add_cookies(page.context.cookies())
    phone.goto(page.url)
    assert_fits(phone)
    phone.screenshot(path=screenshot_dir / "deskfinish-orientation-phone.png", full_page=True)
    give = page.locator("form[action$='/consegna/']")
    give.locator("label", has_text="Assistenza domiciliare anziani").click()
    give.locator("label", has_text="Laboratorio di socializzazione").click()
    page.get_by_role("button", name="Consegna la lista").click()
    expect(page.locator("body")).to_contain_text("2 proposte")

    # Booking for the person: first a refusal without delegation, then the paper delegation.
    page.locator("section.card", has_text="Assistenza domiciliare anziani").get_by_role(
        "link", name="Prenota per la persona"
    ).click()
    expect(page.locator("body")).to_contain_text("serve una sua delega")
    record_paper_delegation(page, base, case, scene["point"])
    page.goto(f"{base}/gestione/sportello-welfare/orientamento/{case.pk}/")
    page.locator("section.card", has_text="Assistenza domiciliare anziani").get_by_role(
        "link", name="Prenota per la persona"
    ).click()
    expect(page.locator("body")).to_contain_text("per conto di Ada Bassi")
    page.get_by_test_id("proposals").locator("a").first.click()
    page.get_by_label("Come ha dato il consenso").fill("Delega su carta allo sportello")
    page.get_by_test_id("confirm").click()
    page.wait_for_url(f"{base}/gestione/sportello-welfare/casi/{case.pk}/")
    expect(page.locator("body")).to_contain_text("Prenotazione registrata per conto")
    booking = Booking.objects_unscoped.get(booker=elder)
    assert booking.service_id == services["home_care"].pk

    # Referral to the lab's provider.
    page.get_by_role("link", name="Invia una segnalazione").click()
    page.locator("label", has_text="Fornitore").first.click()
    page.get_by_label("Fornitore", exact=True).select_option(str(scene["provider"].pk))
    page.get_by_label("Servizio (facoltativo)").select_option(str(services["lab"].pk))
    page.get_by_label("Motivo della segnalazione").fill("Vive sola, cerca compagnia")
    page.get_by_label("Dati condivisi con il destinatario").fill("Nome e telefono")
    page.get_by_label("Data di verifica").fill(
        (timezone.localdate() + datetime.timedelta(days=14)).isoformat()
    )
    page.get_by_role("button", name="Invia").click()
    assert Referral.objects_unscoped.filter(case=case).count() == 1

    # The citizen, on a phone: the list and the booking in their area.
    citizen = page_for(**PHONE)
    log_in(citizen, base, scene["citizen"])
    citizen.goto(f"{base}/area-personale/orientamento/")
    expect(citizen.locator("main")).to_contain_text("Laboratorio di socializzazione")
    assert_fits(citizen)
    citizen.screenshot(
        path=screenshot_dir / "deskfinish-citizen-orientation-phone.png", full_page=True
    )
    citizen.goto(f"{base}/area-personale/prenotazioni/")
    expect(citizen.locator("main")).to_contain_text("Assistenza domiciliare anziani")
    assert_fits(citizen)
    citizen.screenshot(
        path=screenshot_dir / "deskfinish-citizen-bookings-phone.png", full_page=True
    )
    citizen.goto(f"{base}/area-personale/chi-ha-agito-per-me/")
    # Who acted: the operator in their desk role (the event's tenant is the provider's).
    expect(citizen.locator("main")).to_contain_text("Welfare Manager")
    expect(citizen.locator("main")).not_to_contain_text("Cooperativa")

    # The provider: "Segnalazioni ricevute".
    staff = make_user(
        "operatrice@coop.example.org", role=Role.PROVIDER_STAFF, organization=scene["provider"]
    )
    provider = page_for()
    log_in(provider, base, staff)
    provider.goto(f"{base}/gestione/segnalazioni-ricevute/")
    expect(provider.locator("main")).to_contain_text("Vive sola, cerca compagnia")

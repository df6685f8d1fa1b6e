"""The marketplace's whole journey in Chromium, through the real pages: a social cooperative
signs up, applies for accreditation with its documents and two network administrators accredit
it (the steps of test_marketplace_e2e.py); its owner, on a phone, creates a service in the
accredited area from "Servizi offerti" (price typed "25,00"), publishes it and publishes the
profile; a resident of the network, on a phone, opens the Comune's services from the menu,
searches a word of the title, opens the service and writes to the provider; the owner finds the
unread conversation in "Messaggi" and answers; the citizen reads the answer. axe-core checks
every page (the `page_for` fixture); every phone page must fit the screen."""

import re

import pytest
from playwright.sync_api import expect

from benecomune.marketplace.models import Message, Service, ServiceStatus, Thread
from tests.e2e.helpers import PHONE, assert_fits, open_menu_entry, sign_in
from tests.e2e.test_marketplace_e2e import sign_up_and_get_accredited

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TITLE = "Laboratorio di lettura per bambini"
QUESTION = "Buongiorno, ci sono posti il sabato mattina per mia figlia di 7 anni?"
ANSWER = "Buongiorno, sì: il sabato dalle 10 alle 12 ci sono ancora tre posti."


def create_and_publish_service(phone, base, snap):
    """The owner, from "Servizi offerti": a new service, then its confirmed publication."""
    open_menu_entry(phone, "Servizi offerti")
    phone.wait_for_url(f"{base}/gestione/fornitore/servizi/")
    assert_fits(phone)
    phone.get_by_role("link", name="Nuovo servizio").click()
    expect(phone.get_by_role("heading", name="Nuovo servizio")).to_be_visible()
    phone.get_by_label("Titolo").fill(TITLE)
    phone.get_by_label("Descrizione").fill(
        "Letture ad alta voce e giochi con i libri, in piccoli gruppi, ogni sabato mattina."
    )
    phone.get_by_label("Area di utenza").select_option(label="Famiglia e minori")
    phone.get_by_label("Tipo di servizio").select_option(label="Laboratori")
    phone.get_by_label("Importo in euro").fill("25,00")
    phone.get_by_label("Il prezzo è").select_option(label="a incontro")
    phone.get_by_label("Area di accreditamento (UNI/PdR 58)").select_option(label="Famiglia")
    assert_fits(phone)
    phone.get_by_role("button", name="Crea il servizio").click()
    expect(phone.get_by_text("Servizio creato come bozza.")).to_be_visible()
    expect(phone.get_by_role("heading", level=1)).to_have_text(TITLE)
    assert_fits(phone)
    snap(phone, "journey-service-draft-phone")
    phone.get_by_role("link", name="Pubblica", exact=True).click()
    expect(phone.get_by_role("heading", name="Pubblicare il servizio?")).to_be_visible()
    expect(phone.get_by_test_id("profile-unpublished")).to_be_visible()
    assert_fits(phone)
    snap(phone, "journey-publish-confirm-phone")
    phone.get_by_role("button", name="Conferma").click()
    expect(phone.locator(".lead")).to_contain_text("Pubblicato")
    # The profile is not published yet: the page says the service stays out of the catalogue.
    expect(phone.get_by_test_id("profile-unpublished")).to_be_visible()
    service = Service.objects_unscoped.get(title=TITLE)
    assert service.status == ServiceStatus.PUBLISHED
    assert service.price == 2500
    return service


def publish_profile(phone, base, service):
    """A profile not yet published hides its services from the public pages: the service's
    page links the profile, where the owner publishes it."""
    phone.get_by_role("link", name="Pubblichi il profilo").click()
    phone.wait_for_url(f"{base}/gestione/fornitore/profilo/")
    phone.get_by_label("Descrizione", exact=True).fill(
        "Cooperativa sociale di tipo A: servizi educativi per bambini e famiglie."
    )
    phone.get_by_label("Pubblicazione").select_option(label="Pubblicato")
    phone.get_by_role("button", name="Salva il profilo").click()
    expect(phone.get_by_label("Pubblicazione")).to_have_value("published")
    assert_fits(phone)
    phone.goto(f"{base}/gestione/fornitore/servizi/{service.pk}/")
    expect(phone.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(phone.get_by_test_id("profile-unpublished")).to_have_count(0)


def test_from_sign_up_to_a_citizens_question_answered(
    live_server,
    page_for,
    make_user,
    make_person,
    network,
    municipality,
    tmp_path,
    screenshot_dir,
):
    base = live_server.url

    def snap(page, name):
        page.screenshot(path=str(screenshot_dir / f"{name}.png"), full_page=True)

    owner = sign_up_and_get_accredited(
        live_server, page_for, make_user, network, municipality, tmp_path, screenshot_dir
    )

    # The owner offers a service in the accredited area and publishes it, and the profile.
    service = create_and_publish_service(owner, base, snap)
    publish_profile(owner, base, service)

    # A resident of the network, on a phone: the Comune's services, a search, the service.
    person = make_person(
        municipality, first_name="Rosa", last_name="Verdi", sex="F", email="rosa@example.org"
    )
    citizen = page_for(**PHONE)
    sign_in(citizen, base, make_user("rosa@example.org", person=person))
    open_menu_entry(citizen, "Servizi del territorio")
    citizen.wait_for_url(f"{base}/{municipality.slug}/servizi/")
    assert_fits(citizen)
    citizen.get_by_label("Cerca un servizio").fill("lettura")
    citizen.get_by_role("button", name="Cerca").click()
    expect(citizen.get_by_test_id("result-count")).to_have_text("1 servizio trovato")
    assert_fits(citizen)
    snap(citizen, "journey-search-phone")
    citizen.get_by_role("link", name=TITLE).click()
    expect(citizen.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(citizen.get_by_test_id("price")).to_contain_text("25,00")
    expect(citizen.get_by_test_id("accredited")).to_contain_text("Famiglia")
    assert_fits(citizen)
    snap(citizen, "journey-service-phone")

    # She writes to the provider about the service.
    citizen.get_by_role("link", name="Scrivi al fornitore").click()
    citizen.wait_for_url(re.compile(rf"/area-personale/conversazioni/nuovo/{service.provider_id}/"))
    expect(citizen.get_by_text(TITLE)).to_be_visible()
    citizen.get_by_label("Messaggio").fill(QUESTION)
    assert_fits(citizen)
    citizen.get_by_role("button", name="Invia").click()
    thread = Thread.objects_unscoped.get(person=person)
    citizen.wait_for_url(re.compile(rf"/area-personale/conversazioni/{thread.pk}/"))
    expect(citizen.get_by_text(QUESTION)).to_be_visible()
    assert (thread.about_type, thread.about_id) == ("marketplace.service", service.pk)
    assert_fits(citizen)

    # The owner sees the unread conversation in "Messaggi", opens it and answers.
    owner.goto(f"{base}/gestione/fornitore/")
    owner.locator(".custom-navbar-toggler").click()
    messages_link = owner.get_by_role("link", name=re.compile("^Messaggi"))
    expect(messages_link).to_contain_text("1")
    messages_link.click()
    owner.wait_for_url(f"{base}/gestione/fornitore/messaggi/")
    item = owner.locator("li", has=owner.get_by_role("link", name=TITLE))
    expect(item).to_contain_text("1 da leggere")
    expect(item).to_contain_text("Rosa Verdi")
    assert_fits(owner)
    snap(owner, "journey-inbox-phone")
    item.get_by_role("link", name=TITLE).click()
    expect(owner.get_by_text(QUESTION)).to_be_visible()
    owner.get_by_label("Messaggio").fill(ANSWER)
    owner.get_by_role("button", name="Invia").click()
    expect(owner.get_by_text(ANSWER)).to_be_visible()
    assert_fits(owner)
    snap(owner, "journey-answered-phone")

    # The citizen finds the answer.
    citizen.goto(f"{base}/area-personale/conversazioni/")
    row = citizen.locator("li", has=citizen.get_by_role("link", name=TITLE))
    expect(row).to_contain_text("1 da leggere")
    assert_fits(citizen)
    row.get_by_role("link", name=TITLE).click()
    expect(citizen.get_by_text(ANSWER)).to_be_visible()
    assert_fits(citizen)
    snap(citizen, "journey-answer-read-phone")
    assert Message.objects_unscoped.filter(thread=thread).count() == 2

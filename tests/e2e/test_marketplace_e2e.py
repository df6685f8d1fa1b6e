"""End to end in Chromium: a social cooperative signs up from the public page (a wrong partita
IVA first), the network's administrator approves it, its owner chooses a password, enrols the
second factor and, on a phone, applies for accreditation uploading every required document
and submits; one administrator takes the request in review and verifies the documents, a
second one accredits it (maker-checker). axe-core checks every page (the `page_for` fixture);
the provider's pages must fit the phone's screen."""

import datetime
import re

import pytest
from django.core.cache import cache
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from benecomune.core.models import Role, User
from benecomune.core.models.notifications import OutboxMessage
from benecomune.marketplace.models import Accreditation, AccreditationStatus
from tests.conftest import PASSWORD
from tests.e2e.helpers import PHONE, assert_fits, log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

OWNER_EMAIL = "anna@girasole.example.org"


def pdf_file(tmp_path, n: int) -> str:
    path = tmp_path / f"documento-{n}.pdf"
    path.write_bytes(b"%PDF-1.4\n" + f"documento {n}".encode() + b"\n%%EOF")
    return str(path)


def sign_up(page, base_url, municipality):
    page.goto(f"{base_url}/fornitore/iscriviti/")
    page.get_by_label("Denominazione").fill("Cooperativa Sociale Girasole")
    page.get_by_label("Partita IVA").fill("12345678901")  # wrong check digit
    page.get_by_label("Codice fiscale dell'ente").fill("01234560280")
    page.get_by_label("Numero di iscrizione al RUNTS").fill("A123456")
    page.get_by_label("Comune della sede").select_option(label=municipality.name)
    page.get_by_label("Nome e cognome di chi fa la richiesta").fill("Anna Bianchi")
    page.get_by_label("E-mail").fill(OWNER_EMAIL)
    page.get_by_role("button", name="Invia la richiesta").click()
    expect(page.locator("#id_vat_number-error")).to_contain_text("non è valida")
    assert_fits(page)
    page.get_by_label("Partita IVA").fill("01234560280")
    page.get_by_role("button", name="Invia la richiesta").click()
    expect(page.get_by_role("heading", name="Richiesta inviata")).to_be_visible()
    assert_fits(page)


def set_password_and_enrol(page, base_url):
    body = OutboxMessage.objects_unscoped.get(template_key="marketplace_signup_approved").body
    page.goto(re.search(r"https?://\S+", body).group(0).replace("http://testserver", base_url))
    page.locator("#id_new_password1").fill(PASSWORD)
    page.locator("#id_new_password2").fill(PASSWORD)
    page.get_by_role("button", name="Salva la password").click()
    page.goto(f"{base_url}/accedi/")
    page.get_by_label("E-mail").fill(OWNER_EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Accedi").last.click()
    page.wait_for_url(re.compile(r"/verifica/attiva/"))
    device = TOTPDevice.objects.get(user__email=OWNER_EMAIL, confirmed=False)
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    page.get_by_label("Codice di verifica (6 cifre)").fill(code)
    page.get_by_role("button").filter(has_text="Attiva").first.click()
    page.wait_for_url(re.compile(r"^(?!.*/verifica/).*$"))


def apply_for_accreditation(page, base_url, tmp_path):
    page.goto(f"{base_url}/gestione/fornitore/accreditamenti/")
    assert_fits(page)
    page.get_by_label("Area di servizio").select_option(label="Famiglia")
    page.get_by_role("button", name="Inizia la domanda").click()
    expect(page.get_by_role("heading", name="Accreditamento: Famiglia")).to_be_visible()
    today = timezone.localdate()
    issued = (today - datetime.timedelta(days=10)).isoformat()
    expires = (today + datetime.timedelta(days=365)).isoformat()
    items = page.locator("li[id^=req-]")
    for n in range(items.count()):
        item = page.locator("li[id^=req-]").nth(n)
        if not item.get_by_text("obbligatorio", exact=True).count():
            continue
        item.locator("summary").click()
        item.get_by_label("Documento (PDF, JPEG o PNG").set_input_files(pdf_file(tmp_path, n))
        item.get_by_label("Rilasciato il").fill(issued)
        if item.get_by_label("Scade il").get_attribute("required") is not None:
            item.get_by_label("Scade il").fill(expires)
        item.get_by_role("button", name="Carica il documento").click()
        expect(item.get_by_text("da verificare")).to_be_visible()
        assert_fits(page)
    page.get_by_role("button", name="Presenta la domanda").click()
    expect(page.get_by_text("Domanda presentata")).to_be_visible()
    assert_fits(page)


def sign_up_and_get_accredited(
    live_server, page_for, make_user, network, municipality, tmp_path, screenshot_dir
):
    """The whole path from the public sign-up to the second administrator's accreditation, in
    the real pages; returns the owner's phone, logged in, on the accreditations page."""
    cache.clear()  # the sign-up's limit per address
    maker = make_user("rete1@example.org", role=Role.PLATFORM_ADMIN, organization=network)
    checker = make_user("rete2@example.org", role=Role.PLATFORM_ADMIN, organization=network)

    # The cooperative signs up on a phone.
    phone = page_for(**PHONE)
    sign_up(phone, live_server.url, municipality)

    # The network's administrator prepares the checklist and approves the sign-up.
    admin = page_for()
    log_in(admin, live_server.url, maker)
    admin.goto(f"{live_server.url}/gestione/rete/fornitori/requisiti/")
    admin.get_by_role("button", name="Aggiungi i documenti predefiniti mancanti").click()
    admin.goto(f"{live_server.url}/gestione/rete/fornitori/")
    admin.get_by_role("link", name="Cooperativa Sociale Girasole").click()
    admin.get_by_role("button", name="Approva l'iscrizione").click()
    expect(admin.get_by_text("Iscrizione approvata.").first).to_be_visible()

    # The owner, on the phone: password, second factor, profile, accreditation.
    set_password_and_enrol(phone, live_server.url)
    phone.goto(f"{live_server.url}/gestione/fornitore/profilo/")
    expect(phone.get_by_role("group", name="Comuni serviti")).to_be_visible()
    assert_fits(phone)
    apply_for_accreditation(phone, live_server.url, tmp_path)
    phone.screenshot(path=str(screenshot_dir / "marketplace-submitted-phone.png"), full_page=True)

    # The maker takes it in review and verifies every document: the decision is not theirs.
    admin.goto(f"{live_server.url}/gestione/rete/fornitori/")
    admin.get_by_role("link", name="Cooperativa Sociale Girasole").click()
    admin.get_by_role("button", name="Prendi in esame la domanda").click()
    expect(admin.get_by_text("Domanda presa in esame")).to_be_visible()
    verify = admin.get_by_role("button", name=re.compile("^Segna come verificato"))
    while verify.count():
        verify.first.click()
        expect(admin.get_by_text("Documento verificato.")).to_be_visible()
    expect(admin.get_by_text("la decisione spetta a un altro amministratore")).to_be_visible()
    expect(admin.get_by_role("button", name="Accredita il fornitore")).to_have_count(0)
    review_url = admin.url

    # The checker accredits.
    second = page_for()
    log_in(second, live_server.url, checker)
    second.goto(review_url)
    second.get_by_role("button", name="Accredita il fornitore").click()
    expect(second.get_by_text("Fornitore accreditato")).to_be_visible()
    second.screenshot(path=str(screenshot_dir / "marketplace-accredited.png"), full_page=True)
    accreditation = Accreditation.objects_unscoped.get(
        provider__name="Cooperativa Sociale Girasole"
    )
    assert accreditation.status == AccreditationStatus.ACCREDITED
    assert accreditation.reviewer == User.objects.get(email=maker.email)

    # The owner sees it.
    phone.goto(f"{live_server.url}/gestione/fornitore/accreditamenti/")
    expect(phone.get_by_text("Accreditato").first).to_be_visible()
    assert_fits(phone)
    return phone


def test_a_cooperative_signs_up_applies_and_is_accredited_by_two_admins(
    live_server, page_for, make_user, network, municipality, tmp_path, screenshot_dir
):
    sign_up_and_get_accredited(
        live_server, page_for, make_user, network, municipality, tmp_path, screenshot_dir
    )

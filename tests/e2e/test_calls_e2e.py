"""Issue #4 end to end in Chromium: a citizen applies on a phone, the desk asks for a
clarification (soccorso istruttorio), the citizen answers, the desk closes the instruction, a
different person (the validator) admits, the Comune closes the call, ranks, awards, and the
citizen finds the voucher wallet with the amount the call's rules give.

Only the starting data is made through services (Comune, fund, family and ISEE, staff, the
published call); every step of the journey is clicked and typed in the real pages."""

import datetime
import re

import pytest
from django.utils import timezone, translation
from django.utils.formats import date_format
from playwright.sync_api import expect

from benecomune.calls.models import Application, ApplicationStatus
from benecomune.core.scoping import all_tenants
from tests.calls.conftest import (  # noqa: F401  (fixtures used by this module)
    admin_actor,
    call_fund,
    family,
    make_call,
    operator_actor,
    validator_actor,
)
from tests.e2e.helpers import PHONE, assert_fits, confirm, open_menu_entry, sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# The food call's rules (tests/calls/conftest.py FOOD_RULES) for a family of three with one
# minor: base 50,00 + 3 x 50,00 per member + 25,00 per minor = 225,00 (under the 400,00 cap).
EXPECTED_AMOUNT = "€ 225,00"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def set_outcomes(page, outcomes: dict[str, str]):
    """Tick an outcome per checklist item, found by the item's legend."""
    for label, outcome in outcomes.items():
        item = page.locator("fieldset.checklist-item").filter(
            has=page.locator("legend", has_text=label)
        )
        item.get_by_text(outcome, exact=True).click()
        expect(item.get_by_label(outcome, exact=True)).to_be_checked()


@pytest.fixture
def scene(
    make_call,  # noqa: F811
    family,  # noqa: F811
    make_user,
    operator_actor,  # noqa: F811
    validator_actor,  # noqa: F811
    admin_actor,  # noqa: F811
):
    call = make_call()
    citizen = make_user("giulia@example.org", person=family["head"])
    return {
        "call": call,
        "family": family,
        "citizen": citizen,
        "operator": operator_actor.user,
        "validator": validator_actor.user,
        "admin": admin_actor.user,
    }


def test_apply_review_rank_award(scene, live_server, page_for, screenshot_dir, tmp_path):
    base = live_server.url
    call, isee = scene["call"], scene["family"]["isee"]
    shot = 0

    def snap(page, name):
        nonlocal shot
        shot += 1
        page.screenshot(path=screenshot_dir / f"calls-{shot:02d}-{name}.png", full_page=True)

    identity = tmp_path / "carta-identita.pdf"
    identity.write_bytes(PDF)
    isee_scan = tmp_path / "attestazione-isee.pdf"
    # Other bytes than the identity card's: the same file twice is refused.
    isee_scan.write_bytes(PDF.replace(b"<<>>", b"<</Pages 4>>", 1))

    # 1. The citizen, on a phone, finds the call on the Comune's "Bandi" page and applies.
    citizen = page_for(**PHONE)
    sign_in(citizen, base, scene["citizen"])
    citizen.goto(f"{base}/{call.organization.slug}/bandi/")
    assert_fits(citizen)
    snap(citizen, "cittadino-bandi")
    citizen.get_by_role("link", name=call.title).first.click()
    expect(citizen.get_by_test_id("call-open")).to_be_visible()
    assert_fits(citizen)
    snap(citizen, "cittadino-bando")
    citizen.get_by_test_id("apply-link").click()
    expect(citizen.get_by_role("heading", name="Che cosa le serve")).to_be_visible()
    assert_fits(citizen)
    snap(citizen, "cittadino-avvio")
    citizen.get_by_role("button", name="Inizia la domanda").click()
    citizen.wait_for_url(re.compile(r"/area-personale/domande/\d+/compila/"))
    application_url = citizen.url.removesuffix("compila/")

    # The identity document the call asks for.
    citizen.get_by_label("Che documento è").select_option("id_card")
    citizen.get_by_label("File (PDF, JPEG o PNG)").set_input_files(str(identity))
    citizen.get_by_role("button", name="Carica il documento").click()
    expect(citizen.get_by_role("link", name="carta-identita.pdf")).to_be_visible()

    # ISEE and declarations; the draft saves itself (HTMX) as she goes.
    citizen.get_by_label("Valore ISEE, in euro").fill("8.500,00")
    citizen.get_by_label("Numero di protocollo della DSU").fill(isee.protocol)
    citizen.get_by_label("Data di rilascio dell'ISEE").fill(isee.issued_on.isoformat())
    for declaration in ("Dichiaro che i dati sono veri", "Non ricevo altri buoni spesa comunali"):
        # Bootstrap Italia draws the box over the input: people tap the label.
        citizen.locator("label", has_text=declaration).click()
        expect(citizen.get_by_label(declaration)).to_be_checked()
    expect(citizen.get_by_test_id("saved-at")).to_be_visible()
    # The autosave also refreshes the list of what is still missing.
    expect(citizen.get_by_test_id("complete")).to_be_visible()
    expect(citizen.get_by_test_id("problems")).to_have_count(0)
    assert_fits(citizen)
    snap(citizen, "cittadino-compila")
    citizen.get_by_role("button", name="Salva e vai all'invio").click()
    citizen.wait_for_url(re.compile(r"/invia/$"))
    expect(citizen.get_by_test_id("preview")).to_contain_text(EXPECTED_AMOUNT)
    assert_fits(citizen)
    snap(citizen, "cittadino-riepilogo")
    citizen.get_by_role("button", name="Invia la domanda").click()
    citizen.wait_for_url(application_url)
    protocol = citizen.get_by_test_id("protocol").inner_text().strip()
    assert protocol
    expect(citizen.get_by_test_id("status")).to_have_text("Presentata")
    expect(citizen.get_by_text(f"Numero di protocollo: {protocol}")).to_be_visible()
    assert_fits(citizen)
    snap(citizen, "cittadino-protocollo")
    receipt_url = citizen.get_by_test_id("receipt").get_attribute("href")
    receipt = citizen.context.request.get(f"{base}{receipt_url}")
    assert receipt.ok
    assert receipt.headers["content-type"] == "application/pdf"
    assert receipt.body().startswith(b"%PDF-")

    # 2. The desk operator (desktop) opens it from the review list, saves part of the checklist
    # and asks for a clarification with a deadline.
    desk = page_for()
    sign_in(desk, base, scene["operator"])
    open_menu_entry(desk, "Domande")
    desk.get_by_role("link", name=protocol).first.click()
    desk.wait_for_url(re.compile(r"/gestione/domande/\d+/$"))
    review_url = desk.url
    expect(desk.get_by_test_id("check-isee")).to_contain_text("conforme")
    set_outcomes(desk, {"Residenza in un Comune del bando": "Conforme"})
    desk.get_by_label("Note istruttorie").fill("Residenza verificata in anagrafe.")
    desk.get_by_role("button", name="Salva la lista di controllo").click()
    expect(desk.get_by_test_id("checklist-saved")).to_be_visible()
    clarify = desk.locator("section", has=desk.locator("#h-clarify"))
    clarify.get_by_label("Che cosa deve integrare il richiedente").fill(
        "Alleghi l'attestazione ISEE completa, con tutte le pagine."
    )
    due = timezone.localdate() + datetime.timedelta(days=10)
    clarify.get_by_label("Entro il").fill(due.isoformat())
    snap(desk, "sportello-istruttoria")
    clarify.get_by_role("button", name="Invia la richiesta").click()
    expect(desk.get_by_text("Richiesta di integrazione inviata")).to_be_visible()
    expect(desk.get_by_test_id("clarification")).to_contain_text("attestazione ISEE completa")

    # 3. The citizen sees the request, answers with the scan, and the application goes back.
    citizen.goto(f"{base}/area-personale/domande/")
    assert_fits(citizen)
    citizen.get_by_role("link", name="Rispondi al Comune").click()
    expect(citizen.get_by_test_id("status")).to_have_text("Integrazione richiesta")
    expect(citizen.get_by_test_id("clarification")).to_contain_text("attestazione ISEE completa")
    with translation.override("it"):
        due_text = date_format(due, "j F Y")
    expect(citizen.locator("#integrazione")).to_contain_text(
        f"Risponda entro il {due_text}", ignore_case=True
    )
    citizen.get_by_label("La sua risposta").fill("Allego l'attestazione completa di 4 pagine.")
    citizen.get_by_label("Che documento allega").select_option("other")
    citizen.get_by_label("Documento da allegare (facoltativo)").set_input_files(str(isee_scan))
    assert_fits(citizen)
    snap(citizen, "cittadino-integrazione")
    citizen.get_by_role("button", name="Invia la risposta").click()
    expect(citizen.get_by_text("Risposta inviata")).to_be_visible()
    expect(citizen.get_by_test_id("status")).to_have_text("Presentata")
    expect(citizen.get_by_text("Allego l'attestazione completa")).to_be_visible()

    # 4. The desk completes the checklist and closes the instruction proposing admission;
    # there is no decision form for the desk (maker-checker).
    desk.goto(review_url)
    expect(desk.get_by_role("link", name="attestazione-isee.pdf")).to_be_visible()
    set_outcomes(
        desk,
        {
            "Residenza in un Comune del bando": "Conforme",
            "ISEE valido nell'anno e non oltre": "Conforme",
            "Nucleo di almeno 1 componente": "Conforme",
            "Dichiaro che i dati sono veri": "Conforme",
            "Non ricevo altri buoni spesa": "Conforme",
            "Documento d'identità": "Conforme",
            "Residenza e nucleo in anagrafe (ANPR)": "Conforme",
            "ISEE confermato da INPS": "Conforme",
        },
    )
    desk.get_by_role("button", name="Salva la lista di controllo").click()
    expect(desk.get_by_test_id("checklist-saved")).to_be_visible()
    desk.get_by_text("Ammissione", exact=True).click()
    desk.get_by_label("Motivazione della proposta").fill("Requisiti e documenti in regola.")
    snap(desk, "sportello-conclude")
    desk.get_by_role("button", name="Concludi e passa al convalidatore").click()
    expect(desk.get_by_text("Istruttoria conclusa: la domanda passa")).to_be_visible()
    expect(desk.get_by_test_id("proposal")).to_contain_text("Ammissione")
    expect(desk.get_by_role("button", name="Registra la decisione")).to_have_count(0)
    expect(desk.get_by_role("heading", name="Decida sulla domanda")).to_have_count(0)

    # 5. A different person, the validator, admits it with a reason.
    checker = page_for()
    sign_in(checker, base, scene["validator"])
    open_menu_entry(checker, "Domande")
    checker.get_by_role("link", name=protocol).first.click()
    decide = checker.locator("section", has=checker.locator("#h-decide"))
    decide.get_by_text("Ammetti", exact=True).click()
    decide.get_by_label("Motivazione").fill("Ammessa secondo la proposta dello sportello.")
    snap(checker, "convalidatore-decisione")
    decide.get_by_role("button", name="Registra la decisione").click()
    expect(checker.get_by_test_id("outcome")).to_contain_text("Ammessa")
    expect(checker.get_by_test_id("outcome")).to_contain_text(scene["validator"].full_name)

    # 6. The Comune closes the call early, ranks it, makes the ranking final and awards.
    admin = page_for()
    sign_in(admin, base, scene["admin"])
    open_menu_entry(admin, "Bandi")
    admin.get_by_role("link", name=call.title).first.click()
    admin.get_by_role("link", name="Chiudi alle domande").click()
    snap(admin, "comune-chiusura")
    admin.get_by_role("button", name="Chiudi il bando").click()
    # Before the announced deadline the reason is required: nothing closes without it.
    expect(admin.get_by_text("Questo campo è obbligatorio")).to_be_visible()
    admin.get_by_label("Motivo").fill("Budget esaurito dalle domande presentate.")
    admin.get_by_role("button", name="Chiudi il bando").click()
    expect(admin.get_by_text("Bando chiuso: non accetta più domande.")).to_be_visible()
    admin.get_by_role("link", name="Graduatoria", exact=True).click()
    expect(admin.get_by_test_id("call-status")).to_have_text("Chiuso alle domande")
    admin.get_by_test_id("build-provisional").click()
    expect(admin.get_by_test_id("ranking-table")).to_contain_text(protocol)
    expect(admin.get_by_test_id("ranking-table")).to_contain_text("Finanziata")
    # 10 points for an ISEE up to 12.000 euro, 5 for the child.
    expect(admin.get_by_test_id("ranking-table")).to_contain_text("15,00")
    snap(admin, "comune-provvisoria")
    # Appeals are open for the call's days: making it final now needs a reason.
    # First a summary with the warning and the appeals still to decide, then a confirmation.
    admin.get_by_test_id("build-final").click()
    expect(admin.get_by_test_id("appeal-window-warning")).to_contain_text(
        "I ricorsi sono aperti fino al"
    )
    expect(admin.get_by_test_id("pending-appeals")).to_contain_text("Ricorsi ancora da decidere: 0")
    expect(admin.get_by_test_id("confirm-summary")).to_contain_text("finanzia 1 domanda")
    snap(admin, "comune-conferma-definitiva")
    admin.get_by_label("Motivo, se i ricorsi sono ancora aperti").fill(
        "Nessun ricorso possibile: unica domanda, ammessa e finanziata."
    )
    confirm(admin, "confirm-final")
    expect(admin.get_by_role("heading", name="Graduatoria definitiva").last).to_be_visible()
    expect(admin.get_by_text("Pubblicata il")).to_be_visible()
    admin.get_by_test_id("award").click()
    expect(admin.get_by_test_id("confirm-summary")).to_contain_text(
        f"Si assegnano {EXPECTED_AMOUNT} a 1 domanda finanziata"
    )
    expect(admin.get_by_test_id("confirm-by-comune")).to_be_visible()
    snap(admin, "comune-conferma-assegnazione")
    confirm(admin, "confirm-award")
    expect(admin.get_by_test_id("awarded")).to_contain_text("Assegnato a 1 beneficiario")
    snap(admin, "comune-assegnato")

    # 7. The citizen finds the wallet with the awarded amount.
    citizen.goto(application_url)
    expect(citizen.get_by_test_id("status")).to_have_text("Ammessa")
    expect(citizen.get_by_text(f"Contributo assegnato: {EXPECTED_AMOUNT}")).to_be_visible()
    assert_fits(citizen)
    snap(citizen, "cittadino-esito")
    citizen.goto(f"{base}/")
    open_menu_entry(citizen, "I miei buoni")
    citizen.wait_for_url(f"{base}/area-personale/borsellini/")
    card = citizen.locator(".card", has=citizen.get_by_role("heading", name=call.title))
    expect(card.get_by_test_id("wallet-balance")).to_have_text(EXPECTED_AMOUNT)
    assert_fits(citizen)
    snap(citizen, "cittadino-borsellino")

    with all_tenants():
        application = Application.objects_unscoped.get(protocol=protocol)
    assert application.status == ApplicationStatus.ADMITTED
    assert application.amount == 22_500
    assert application.instructed_by == scene["operator"]
    assert application.decided_by == scene["validator"]

"""End to end in Chromium: a citizen claims with a receipt, the validator accepts part of it,
the Comune prepares a batch, a second person approves it, the bank file is downloaded, the
bank's result is imported, and the citizen sees "Pagato"."""

import re

import pytest
from lxml import etree
from playwright.sync_api import expect

from benecomune.core.actors import Actor
from benecomune.core.models import Person, Role
from tests.e2e.helpers import (
    OVERFLOWING_ELEMENTS,
    PHONE,
    assert_fits,
    confirm,
    log_in,
    use_fixtures,
)
from tests.payouts import conftest as payouts_fixtures
from tests.payouts.bank import pain002

# The payouts fixtures, made visible to this module.
use_fixtures(
    globals(),
    payouts_fixtures,
    "admin",
    "beneficiary",
    "fund",
    "ledger_stays_sound",
    "make_reimbursement_call",
    "payer",
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def scene(make_reimbursement_call, beneficiary, payer, make_user, municipality):
    _call, (award,) = make_reimbursement_call([beneficiary.user.person])
    validator = make_user(
        "convalida.e2e@example.org", role=Role.VALIDATOR, organization=municipality
    )
    return award, beneficiary.user, validator


def test_claim_to_paid(scene, admin, live_server, page_for, screenshot_dir, tmp_path):
    _award, citizen_user, validator_user = scene
    base = live_server.url
    shot = 0

    def snap(page, name):
        nonlocal shot
        shot += 1
        page.screenshot(path=screenshot_dir / f"payouts-{shot:02d}-{name}.png", full_page=True)

    # 1. The citizen asks for a reimbursement with the receipt.
    receipt = tmp_path / "ricevuta-centro-estivo.pdf"
    receipt.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    citizen = page_for()
    log_in(citizen, base, citizen_user)
    citizen.goto(f"{base}/area-personale/rimborsi/")
    snap(citizen, "cittadino-rimborsi")
    citizen.get_by_role("link", name="Chiedi un rimborso").click()
    citizen.get_by_label("Tipo di spesa").select_option("summer_camp")
    citizen.get_by_label("Importo pagato").fill("180,00")
    citizen.get_by_label("Data della spesa").fill(
        __import__("django.utils.timezone", fromlist=["x"]).localdate().isoformat()
    )
    citizen.get_by_label("Pagato a").fill("Centro estivo Il Girasole")
    citizen.get_by_label("Ricevuta o fattura (PDF, JPEG o PNG)").set_input_files(str(receipt))
    snap(citizen, "cittadino-richiesta")
    citizen.get_by_role("button", name="Invia la richiesta").click()
    citizen.wait_for_url(re.compile(r"/area-personale/rimborsi/richieste/\d+/"))
    assert "Presentata, in verifica" in citizen.content()
    claim_url = citizen.url

    # 2. The validator accepts part of it, with the reason.
    checker = page_for()
    log_in(checker, base, validator_user)
    checker.goto(f"{base}/gestione/rimborsi/")
    checker.get_by_role("link", name=re.compile(r"n\. \d+")).first.click()
    checker.get_by_label("Decisione").select_option("partial")
    checker.get_by_label("Importo riconosciuto (se in parte)").fill("150,00")
    checker.get_by_label("Motivazione o richiesta al beneficiario").fill(
        "Rimborsabili solo le settimane di luglio"
    )
    snap(checker, "convalidatore-decisione")
    checker.get_by_role("button", name="Registra la decisione").click()
    assert "Accolta in parte" in checker.content()

    # 3. The Comune prepares the batch (background job) ...
    maker = page_for()
    log_in(maker, base, admin.user)
    maker.goto(f"{base}/gestione/pagamenti/distinte/nuova/")
    maker.get_by_role("button", name="Prepara").click()
    maker.wait_for_url(re.compile(r"/gestione/pagamenti/distinte/\d+/$"))
    batch_url = maker.url
    maker.reload()
    assert "Da approvare" in maker.content()
    assert "deve approvarla un convalidatore" in maker.content()
    snap(maker, "comune-distinta-da-approvare")

    # 4. ... and a second person approves it.
    checker.goto(batch_url)
    checker.get_by_test_id("approve-batch").click()
    # First the summary (an HTMX panel), then the explicit confirmation.
    expect(checker.get_by_test_id("confirm-summary")).to_contain_text("1 bonifico")
    expect(checker.get_by_test_id("no-own-household")).to_be_visible()
    snap(checker, "convalidatore-distinta-riepilogo")
    confirm(checker, "confirm-approve")
    expect(checker.locator("body")).to_contain_text("Bonifico unico dell")
    snap(checker, "convalidatore-distinta-approvata")

    # 5. The bank file is downloaded and is what the bank expects.
    maker.goto(batch_url)
    with maker.expect_download() as download_info:
        maker.get_by_test_id("download-sepa").click()
    path = download_info.value.path()
    document = etree.parse(path)
    ns = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.001.001.09"}
    assert document.findtext(".//p:InstdAmt", namespaces=ns) == "150.00"
    reference = document.findtext(".//p:EndToEndId", namespaces=ns)
    message_id = document.findtext(".//p:MsgId", namespaces=ns)

    # 6. The bank's result is imported ...
    result = tmp_path / "esito-banca.xml"
    result.write_bytes(pain002(message_id, [(reference, "ACSC", "", 15_000)]))
    maker.get_by_label("File degli esiti").set_input_files(str(result))
    maker.get_by_role("button", name="Carica gli esiti").click()
    maker.goto(batch_url)
    assert "Chiusa: esiti registrati" in maker.content()
    snap(maker, "comune-distinta-chiusa")

    # 7. ... and the citizen sees "Pagato", on a phone too.
    citizen.goto(claim_url)
    assert citizen.get_by_test_id("claim-state").inner_text().strip() == "Pagato"
    assert "€ 150,00" in citizen.content()
    snap(citizen, "cittadino-pagato")
    phone = page_for(**PHONE)
    phone.context.add_cookies(citizen.context.cookies())
    for url in (claim_url, f"{base}/area-personale/rimborsi/"):
        phone.goto(url)
        assert_fits(phone)
    snap(phone, "cittadino-telefono")
    maker_phone = page_for(**PHONE)
    maker_phone.context.add_cookies(maker.context.cookies())
    maker_phone.goto(batch_url)
    assert_fits(maker_phone)
    snap(maker_phone, "comune-distinta-telefono")


def test_merchant_and_comune_pages_on_a_phone(
    live_server, page_for, screenshot_dir, shop, make_user, admin, payer, fund
):
    from benecomune.ledger.services import funds, wallets
    from benecomune.payouts.services import debit_notes
    from benecomune.payouts.services.payees import set_payee_account
    from tests.payouts.conftest import new_iban

    base = live_server.url
    merchant_user = make_user("cassa.e2e@example.org", role=Role.MERCHANT_STAFF, organization=shop)
    system = Actor.system_actor("e2e")
    person_wallet = wallets.open_wallet(
        system,
        person=Person.objects_unscoped.create(
            fiscal_code="RSSMRA80A01G224K",
            first_name="Mario",
            last_name="Rossi",
            birth_date="1980-01-01",
            sex="M",
            birthplace_code="G224",
            residence=payer,
        ),
        organization=payer,
        title="Buono spesa",
        source_kind="call_award",
        fund=fund,
    )
    funds.award(system, fund, person_wallet, 50_000)
    for n, amount in enumerate((1_250, 4_000, 780)):
        wallets.pay_from_wallet(
            system, wallet=person_wallet, merchant=shop, amount=amount, idempotency_key=f"e2e-{n}"
        )
    set_payee_account(system, shop, iban=new_iban(), holder="Alimentari Da Bepi")

    merchant = page_for(**PHONE)
    log_in(merchant, base, merchant_user)
    merchant.goto(f"{base}/gestione/liquidazione/")
    assert "€ 60,30" in merchant.content()
    merchant.get_by_role("button", name="Prepara la nota di debito ora").click()
    merchant.get_by_role("button", name="Emetti la nota di debito").click()
    assert "Emessa, in attesa di approvazione" in merchant.content()
    for url in (merchant.url, f"{base}/gestione/liquidazione/"):
        merchant.goto(url)
        assert_fits(merchant)
    merchant.screenshot(path=screenshot_dir / "payouts-esercente-telefono.png", full_page=True)

    note = debit_notes.DebitNote.objects_unscoped.get()
    comune = page_for(**PHONE)
    log_in(comune, base, admin.user)
    comune.goto(f"{base}/gestione/pagamenti/note-di-debito/{note.pk}/")
    comune.get_by_role("button", name="Approva la nota").click()
    assert "Approvata, in attesa di pagamento" in comune.content()
    for path in ("", "note-di-debito/", "ordini/", "distinte/", "rendiconti/", "impostazioni/"):
        comune.goto(f"{base}/gestione/pagamenti/{path}")
        wide = comune.evaluate(OVERFLOWING_ELEMENTS, 390)
        assert comune.evaluate("document.documentElement.scrollWidth") <= 390, (path, wide)
    comune.goto(f"{base}/gestione/pagamenti/")
    comune.screenshot(path=screenshot_dir / "payouts-comune-telefono.png", full_page=True)

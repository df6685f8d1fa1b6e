"""A voucher spent at the till, through the real pages, in Chromium: the citizen shows the
code, the shopkeeper (on a phone-sized screen) types it and charges, the receipt shows the
balance left, the citizen sees it; then a printed card with its PIN, and the lockout after
five wrong PINs."""

import re

import pytest
from playwright.sync_api import expect

from benecomune.core.models import Role
from tests.e2e.helpers import PHONE, assert_fits, sign_in, use_voucher_fixtures

# Fixtures of tests/vouchers (a funded voucher, a shop in the circuit, the ledger's checks).
use_voucher_fixtures(globals())

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def people(make_user, citizen, member_shop):
    holder = make_user("anna@example.org", person=citizen)
    cashier = make_user("bepi@example.org", role=Role.MERCHANT_STAFF, organization=member_shop)
    return holder, cashier


def test_qr_code_at_the_till_and_receipt(live_server, page_for, people, voucher, screenshot_dir):
    holder, cashier = people
    citizen = page_for(**PHONE)
    sign_in(citizen, live_server.url, holder)
    citizen.goto(f"{live_server.url}/area-personale/buoni/")
    citizen.get_by_role("link", name="Paga in negozio").click()
    assert citizen.get_by_test_id("voucher-balance").inner_text() == "€ 100,00"
    assert citizen.locator("[data-testid=qr-code] svg").is_visible()
    typed = citizen.get_by_test_id("typed-code").inner_text().replace(" ", "")
    assert re.fullmatch(r"\d{8}", typed)
    assert_fits(citizen)
    citizen.screenshot(path=screenshot_dir / "vouchers-citizen-qr-phone.png", full_page=True)

    till = page_for(**PHONE)
    sign_in(till, live_server.url, cashier)
    till.goto(f"{live_server.url}/gestione/cassa/")
    assert_fits(till)
    till.screenshot(path=screenshot_dir / "vouchers-till-phone.png", full_page=True)
    till.get_by_label("Codice del buono").fill(f"{typed[:4]} {typed[4:]}")
    till.get_by_test_id("read-code").click()
    expect(till.get_by_test_id("till-available")).to_have_text("€ 100,00")
    assert till.get_by_test_id("till-ok").is_visible()
    assert_fits(till)
    till.screenshot(path=screenshot_dir / "vouchers-till-voucher-phone.png", full_page=True)
    till.get_by_label("Importo della spesa").fill("12,50")
    till.get_by_test_id("charge").click()
    till.wait_for_url(re.compile(r".*/gestione/cassa/scontrini/\d+/$"))
    assert till.get_by_test_id("receipt-amount").inner_text() == "€ 12,50"
    assert till.get_by_test_id("receipt-balance").inner_text() == "€ 87,50"
    assert_fits(till)
    till.screenshot(path=screenshot_dir / "vouchers-till-receipt-phone.png", full_page=True)

    # The typed code was good for one payment: typed again, it is refused.
    till.goto(f"{live_server.url}/gestione/cassa/")
    till.get_by_label("Codice del buono").fill(typed)
    till.get_by_test_id("read-code").click()
    expect(till.locator("#till-panel")).to_contain_text("già stato usato")

    # The citizen's page now shows a new code. More than the balance: refused, nothing
    # charged (no change is ever given).
    citizen.reload()
    fresh = citizen.get_by_test_id("typed-code").inner_text().replace(" ", "")
    assert re.fullmatch(r"\d{8}", fresh) and fresh != typed
    till.goto(f"{live_server.url}/gestione/cassa/")
    till.get_by_label("Codice del buono").fill(fresh)
    till.get_by_test_id("read-code").click()
    till.get_by_label("Importo della spesa").fill("90")
    till.get_by_test_id("charge").click()
    expect(till.locator("#till-panel")).to_contain_text("Saldo insufficiente")

    citizen.reload()
    assert citizen.get_by_test_id("voucher-balance").first.inner_text() == "€ 87,50"
    citizen.goto(f"{live_server.url}/area-personale/borsellini/{voucher.pk}/")
    assert citizen.get_by_test_id("wallet-balance").inner_text() == "€ 87,50"
    assert "Alimentari Da Bepi" in citizen.content()


def test_printed_card_pin_and_lockout(live_server, page_for, people, voucher, screenshot_dir):
    holder, cashier = people
    citizen = page_for()
    sign_in(citizen, live_server.url, holder)
    citizen.goto(f"{live_server.url}/area-personale/buoni/{voucher.pk}/tessera/")
    citizen.get_by_label("PIN scelto (facoltativo)").fill("2468")
    citizen.get_by_label("Ripeta il PIN").fill("2468")
    citizen.get_by_role("button", name="Emetti la tessera").click()
    assert "2468" in citizen.get_by_test_id("issued-pin").inner_text()
    number = citizen.get_by_test_id("card-number").inner_text()
    with citizen.expect_popup() as popup:
        citizen.get_by_role("link", name="Stampa la tessera e il foglio del PIN (PDF)").click()
    assert popup.value.url.endswith("/tessera.pdf")
    citizen.screenshot(path=screenshot_dir / "vouchers-card-desktop.png", full_page=True)

    till = page_for(**PHONE)
    sign_in(till, live_server.url, cashier)
    till.goto(f"{live_server.url}/gestione/cassa/")
    till.get_by_label("Codice del buono").fill(number)
    till.get_by_label("PIN della tessera").fill("2468")
    till.get_by_test_id("read-code").click()
    expect(till.get_by_test_id("till-available")).to_have_text("€ 100,00")
    till.get_by_label("Importo della spesa").fill("5")
    till.get_by_test_id("charge").click()
    till.wait_for_url(re.compile(r".*/scontrini/\d+/$"))
    assert till.get_by_test_id("receipt-balance").inner_text() == "€ 95,00"

    for attempt in range(1, 6):
        till.goto(f"{live_server.url}/gestione/cassa/")
        till.get_by_label("Codice del buono").fill(number)
        till.get_by_label("PIN della tessera").fill("1357")
        till.get_by_test_id("read-code").click()
        feedback = till.locator("#till-panel .invalid-feedback").first
        if attempt < 5:
            expect(feedback).to_contain_text(f"Tentativi rimasti prima del blocco: {5 - attempt}")
        else:
            expect(feedback).to_contain_text("la tessera ora è bloccata")
    till.screenshot(path=screenshot_dir / "vouchers-till-card-locked-phone.png", full_page=True)
    till.goto(f"{live_server.url}/gestione/cassa/")
    till.get_by_label("Codice del buono").fill(number)
    till.get_by_label("PIN della tessera").fill("2468")
    till.get_by_test_id("read-code").click()
    expect(till.locator("#till-panel .invalid-feedback").first).to_contain_text("bloccata")

    citizen.reload()
    assert citizen.get_by_test_id("card-status").inner_text() == "Bloccata per PIN errati"
    citizen.goto(f"{live_server.url}/area-personale/messaggi/")
    assert "PIN errati" in citizen.content()

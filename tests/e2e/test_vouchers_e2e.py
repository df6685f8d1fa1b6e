"""A voucher spent at the till, through the real pages, in Chromium: the citizen shows the
code, the shopkeeper (on a phone-sized screen) types it and charges, the receipt shows the
balance left, the citizen sees it; then a printed card with its PIN, and the lockout after
five wrong PINs."""

import re

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from benecomune.core.models import Role
from tests.conftest import PASSWORD
from tests.vouchers import conftest as voucher_fixtures

# Fixtures of tests/vouchers (a funded voucher, a shop in the circuit, the ledger's checks).
citizen = voucher_fixtures.citizen
fresh_caches = voucher_fixtures.fresh_caches
join = voucher_fixtures.join
ledger_stays_sound = voucher_fixtures.ledger_stays_sound
make_fund = voucher_fixtures.make_fund
make_wallet = voucher_fixtures.make_wallet
member_shop = voucher_fixtures.member_shop
voucher = voucher_fixtures.voucher

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844, "is_mobile": True, "has_touch": True}
OVERFLOWING = """(width) => Array.from(document.querySelectorAll('body *'))
  .filter(e => e.getBoundingClientRect().right > width + 1)
  .slice(0, 5).map(e => e.tagName + '.' + e.className)"""


def log_in(page, base_url, user):
    page.goto(f"{base_url}/accedi/")
    page.get_by_label("E-mail").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Accedi").last.click()
    if "/verifica/" in page.url:
        device = TOTPDevice.objects.get(user=user, confirmed=True)
        code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
        page.get_by_label("Codice di verifica (6 cifre)").fill(f"{code:06d}")
        page.get_by_role("button", name="Verifica").click()
    page.wait_for_url(f"{base_url}/")


def assert_fits(page, width=390):
    wide = page.evaluate(OVERFLOWING, width)
    assert page.evaluate("document.documentElement.scrollWidth") <= width, wide


@pytest.fixture
def people(make_user, citizen, member_shop):
    holder = make_user("anna@example.org", person=citizen)
    cashier = make_user("bepi@example.org", role=Role.MERCHANT_STAFF, organization=member_shop)
    return holder, cashier


def test_qr_code_at_the_till_and_receipt(live_server, page_for, people, voucher, screenshot_dir):
    holder, cashier = people
    citizen = page_for(**PHONE)
    log_in(citizen, live_server.url, holder)
    citizen.goto(f"{live_server.url}/area-personale/buoni/")
    citizen.get_by_role("link", name="Paga in negozio").click()
    assert citizen.get_by_test_id("voucher-balance").inner_text() == "€ 100,00"
    assert citizen.locator("[data-testid=qr-code] svg").is_visible()
    typed = citizen.get_by_test_id("typed-code").inner_text().replace(" ", "")
    assert re.fullmatch(r"\d{8}", typed)
    assert_fits(citizen)
    citizen.screenshot(path=screenshot_dir / "vouchers-citizen-qr-phone.png", full_page=True)

    till = page_for(**PHONE)
    log_in(till, live_server.url, cashier)
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
    log_in(citizen, live_server.url, holder)
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
    log_in(till, live_server.url, cashier)
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

"""The shop's end of day on a phone, in Chromium (axe-core checks every page): the "Incassi"
page with a sale and a void fits 390 px, shows the day's totals and the "Annullato" badge; the
voided receipt shows the balance after the void; the day close PDF opens. At 320 px the
receipts and "Incassi e note di debito" show every column on screen (they hid the state off to
the right, to scroll sideways)."""

import pytest

from tests.e2e.helpers import OFF_SCREEN_IN, PHONE, assert_fits, sign_in, use_voucher_fixtures
from tests.vouchers.conftest import qr

use_voucher_fixtures(globals(), "cashier", "cashier_actor", "device_token", "pos")

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
SMALL = 320


def test_incassi_and_day_close_on_a_phone(
    live_server, page_for, cashier, voucher, pos, screenshot_dir
):
    pos("redeem", {"code": qr(voucher), "amount": 1_250})
    wrong = pos("redeem", {"code": qr(voucher), "amount": 990})
    void = pos(f"redemptions/{wrong.body['id']}/void", {"reason": "importo errato"})
    assert void.status_code == 200

    page = page_for(**PHONE)
    sign_in(page, live_server.url, cashier)
    page.goto(f"{live_server.url}/gestione/cassa/scontrini/")
    assert page.get_by_test_id("day-gross").inner_text() == "€ 22,40"
    assert page.get_by_test_id("day-net").inner_text() == "€ 12,50"
    assert page.get_by_test_id("voided").inner_text() == "Annullato"
    assert_fits(page)
    page.screenshot(path=screenshot_dir / "shop-incassi-phone.png", full_page=True)

    page.get_by_test_id("receipt-number").first.click()  # newest first: the voided n. 2
    assert page.get_by_test_id("receipt-number").inner_text() == "n. 2"
    assert page.get_by_test_id("receipt-balance-after-void").inner_text() == "€ 87,50"
    assert_fits(page)
    page.screenshot(path=screenshot_dir / "shop-voided-receipt-phone.png", full_page=True)

    response = page.request.get(page.url.split("/gestione/")[0] + "/gestione/cassa/chiusura/")
    assert response.headers["content-type"] == "application/pdf"


def test_the_shops_tables_show_every_column_on_a_small_phone(
    live_server, page_for, cashier, voucher, pos, screenshot_dir
):
    """At 320 px (WCAG reflow) each row of the receipts and of "Incassi e note di debito" is a
    block of labelled values: nothing (a receipt's state, a note's payment) is off to the
    right, to scroll sideways for."""
    pos("redeem", {"code": qr(voucher), "amount": 1_250})
    page = page_for(**{**PHONE, "width": SMALL})
    sign_in(page, live_server.url, cashier)
    page.goto(f"{live_server.url}/gestione/cassa/scontrini/")
    assert page.evaluate(OFF_SCREEN_IN, ["main table", SMALL]) == []
    page.goto(f"{live_server.url}/gestione/liquidazione/")
    page.get_by_role("button", name="Prepara la nota di debito ora").click()
    page.get_by_role("button", name="Emetti la nota di debito").click()
    page.goto(f"{live_server.url}/gestione/liquidazione/")
    assert page.get_by_text("Scontrino n. 1").is_visible()
    assert_fits(page, SMALL)
    assert page.evaluate(OFF_SCREEN_IN, ["main table", SMALL]) == []
    page.screenshot(path=screenshot_dir / "shop-settlement-320.png", full_page=True)

"""The shop's end of day on a phone, in Chromium (axe-core checks every page): the "Incassi"
page with a sale and a void fits 390 px, shows the day's totals and the "Annullato" badge; the
voided receipt shows the balance after the void; the day close PDF opens."""

import pytest

from tests.e2e.helpers import PHONE, assert_fits, sign_in, use_voucher_fixtures
from tests.vouchers.conftest import qr

use_voucher_fixtures(globals(), "cashier", "cashier_actor", "device_token", "pos")

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


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

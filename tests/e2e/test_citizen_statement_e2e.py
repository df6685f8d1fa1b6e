"""The citizen's statement of a voucher on a phone, in Chromium (axe-core checks every page):
at 320 and 360 px the movements are a list with the amount and the balance on screen and the
page never scrolls sideways; on a desktop the table. The home page's "Paga" shortcut leads to
the QR."""

import datetime

import pytest
from django.utils import timezone

from benecomune.vouchers.services.lookup import merchant_context
from benecomune.vouchers.services.redeem import redeem
from tests.calls import conftest as calls_fixtures
from tests.e2e.helpers import sign_in, use_fixtures, use_voucher_fixtures
from tests.vouchers.conftest import qr

use_voucher_fixtures(globals())

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

NO_SIDEWAYS_SCROLL = "document.scrollingElement.scrollWidth"


@pytest.fixture
def holder(make_user, citizen, voucher, member_shop, system_actor):
    ctx = merchant_context(member_shop.pk)
    for n, amount in enumerate((1_250, 990, 3_475)):
        redeem(system_actor, ctx, code=qr(voucher), amount=amount, idempotency_key=f"e2e-{n}")
    return make_user("anna@example.org", person=citizen)


@pytest.mark.parametrize("width", [320, 360])
def test_the_statement_fits_a_phone(live_server, page_for, holder, voucher, width, screenshot_dir):
    page = page_for(width=width, height=740, is_mobile=True, has_touch=True)
    sign_in(page, live_server.url, holder)
    page.goto(f"{live_server.url}/area-personale/borsellini/{voucher.pk}/")
    statement = page.get_by_test_id("statement-list")
    assert statement.is_visible()
    assert not page.locator("table.table").is_visible()
    amounts = statement.get_by_test_id("movement-amount")
    balances = statement.get_by_test_id("movement-balance")
    assert amounts.count() == balances.count() == 4
    assert amounts.first.inner_text() == "-€ 34,75"
    assert balances.first.inner_text() == "saldo € 42,85"
    for locator in (amounts.first, balances.first, amounts.last, balances.last):
        box = locator.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width, box
    assert page.evaluate(NO_SIDEWAYS_SCROLL) <= width + 1
    page.screenshot(path=screenshot_dir / f"statement-{width}.png", full_page=True)


def test_the_statement_is_a_table_on_a_desktop_and_home_has_pay(
    live_server, page_for, holder, voucher
):
    page = page_for()
    sign_in(page, live_server.url, holder)
    pay = page.get_by_role("link", name="Paga in negozio")
    assert pay.is_visible()
    pay.click()
    page.wait_for_url(f"{live_server.url}/area-personale/buoni/{voucher.pk}/")
    page.goto(f"{live_server.url}/area-personale/borsellini/{voucher.pk}/")
    assert page.locator("table.table").is_visible()
    assert not page.get_by_test_id("statement-list").is_visible()


use_fixtures(globals(), calls_fixtures, "admin_actor", "call_fund", "make_call")


def test_the_comunes_page_and_a_call_on_a_phone(
    live_server, page_for, make_call, member_shop, municipality, screenshot_dir
):
    now = timezone.now()
    call = make_call(title="Buoni spesa 2026", code="buoni-2026", budget=100_000)
    make_call(
        title="Buoni scuola",
        code="scuola",
        budget=100_000,
        opens_at=now + datetime.timedelta(days=1),
        closes_at=now + datetime.timedelta(days=30),
    )
    page = page_for(width=360, height=740, is_mobile=True, has_touch=True)
    page.goto(f"{live_server.url}/{municipality.slug}/")
    upcoming = page.get_by_test_id("upcoming-calls")
    assert "Buoni scuola" in upcoming.inner_text() and "apre il" in upcoming.inner_text()
    assert "Buoni scuola" not in page.get_by_test_id("open-calls").inner_text()
    assert page.evaluate(NO_SIDEWAYS_SCROLL) <= 361
    page.screenshot(path=screenshot_dir / "comune-360.png", full_page=True)
    page.goto(f"{live_server.url}/{municipality.slug}/bandi/{call.code}/")
    assert member_shop.name in page.get_by_test_id("shop-list").inner_text()
    assert page.evaluate(NO_SIDEWAYS_SCROLL) <= 361

"""The public catalogue on a phone (390 px), in Chromium with axe-core on every page: an
anonymous visitor searches a Comune's services, opens the filters (a details/summary), filters
by delivery, reads the announced count and opens a service; nothing scrolls sideways."""

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import assert_fits, use_fixtures
from tests.e2e.test_phone_layouts_e2e import LABEL_OVERLAPS
from tests.marketplace import conftest as marketplace_fixtures
from tests.marketplace import test_public_pages

use_fixtures(globals(), marketplace_fixtures, "admins", "make_provider", "checklist", "accredited")
use_fixtures(globals(), test_public_pages, "coop")

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
WIDTH = 390


def test_search_on_a_phone_and_open_a_service(
    live_server, page_for, coop, municipality, screenshot_dir
):
    _provider, _owner, service = coop
    phone = page_for(width=WIDTH, height=800, is_mobile=True, has_touch=True)
    phone.goto(f"{live_server.url}/{municipality.slug}/servizi/")
    expect(phone.get_by_role("heading", level=1)).to_contain_text("Servizi del territorio")
    assert_fits(phone, WIDTH)
    phone.get_by_label("Cerca un servizio").fill("compiti")
    phone.get_by_role("button", name="Cerca").click()
    expect(phone.get_by_test_id("result-count")).to_have_text("1 servizio trovato")
    assert_fits(phone, WIDTH)
    # The filters are folded on a phone; opened, every field has its label and fits.
    filters = phone.locator("details")
    assert not phone.get_by_label("Modalità").is_visible()
    filters.locator("summary").click()
    phone.get_by_label("Modalità").select_option("online")
    phone.get_by_role("button", name="Applica i filtri").click()
    expect(phone.get_by_test_id("result-count")).to_have_text("0 servizi trovati")
    assert_fits(phone, WIDTH)
    assert phone.evaluate(LABEL_OVERLAPS) == []
    phone.screenshot(path=screenshot_dir / "catalogue-search-390.png", full_page=True)
    phone.get_by_label("Modalità").select_option("at_home")
    phone.get_by_role("button", name="Applica i filtri").click()
    expect(phone.get_by_test_id("result-count")).to_have_text("1 servizio trovato")
    phone.get_by_role("link", name=service.title).click()
    expect(phone.get_by_role("heading", level=1)).to_have_text(service.title)
    expect(phone.get_by_test_id("offered-to")).to_contain_text("Solo ai residenti")
    expect(phone.get_by_role("link", name="Scrivi al fornitore")).to_be_visible()
    assert_fits(phone, WIDTH)
    # The service's photo is served to the anonymous visitor.
    image = phone.locator("img[alt='Un incontro']")
    expect(image).to_be_visible()
    assert phone.evaluate("(img) => img.naturalWidth", image.element_handle()) > 0
    phone.screenshot(path=screenshot_dir / "catalogue-service-390.png", full_page=True)

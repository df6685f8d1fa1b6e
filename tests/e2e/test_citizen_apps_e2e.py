"""A citizen on a phone connects an app on "App collegate": names it, copies the key shown
once, then revokes it (axe-core on every page, by page_for)."""

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_citizen_connects_and_revokes_an_app(
    live_server, page_for, make_user, make_person, municipality, screenshot_dir
):
    user = make_user("anna@example.org", person=make_person(municipality))
    page = page_for(width=390, height=844, is_mobile=True, has_touch=True)
    log_in(page, live_server.url, user)
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/area-personale/app-collegate/")
    expect(page.get_by_role("heading", level=1)).to_have_text("App collegate")
    page.get_by_role("button", name="Crea una chiave").click()
    expect(page.get_by_text("Questo campo è obbligatorio")).to_be_visible()
    page.get_by_label("Nome dell'app").fill("App sul telefono")
    page.get_by_role("button", name="Crea una chiave").click()
    expect(page.get_by_test_id("clear-token")).to_contain_text("bcp_")
    page.screenshot(path=screenshot_dir / "app-collegate-390.png", full_page=True)
    page.get_by_role("button", name="Revoca App sul telefono").click()
    expect(page.get_by_text("Accesso revocato")).to_be_visible()
    expect(page.get_by_text("Revocato", exact=True)).to_be_visible()

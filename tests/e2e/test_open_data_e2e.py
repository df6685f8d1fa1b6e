"""The open-data page for an anonymous visitor, on a phone and a desktop, in Chromium with
axe-core: the datasets are listed with their CSV, the catalogue links work."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import assert_fits

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [390, 1280])
def test_open_data_page_lists_datasets_and_catalogue(live_server, page_for, width, screenshot_dir):
    page = page_for(width=width, height=900)
    page.goto(f"{live_server.url}/dati-aperti/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Dati aperti")
    expect(page.get_by_test_id("datasets").get_by_role("heading", level=3)).to_have_count(5)
    for title in ("Bisogni registrati per Comune e categoria", "Valore condiviso"):
        expect(page.get_by_test_id("datasets")).to_contain_text(title)
    assert_fits(page, width)
    page.screenshot(path=screenshot_dir / f"open-data-{width}.png", full_page=True)
    with page.expect_download() as download:
        page.get_by_role(
            "link", name=re.compile(r"Scarica CSV\W+Contributi assegnati per bando")
        ).click()
    assert download.value.suggested_filename == "contributi-bandi.csv"
    page.get_by_role("link", name="Catalogo in formato Turtle").click()
    expect(page.locator("body")).to_contain_text("dcatapit:Catalog")

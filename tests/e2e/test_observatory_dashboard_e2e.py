"""A Comune admin's observatory, on a phone and a desktop, in Chromium with axe-core on every
page: the dashboard with its charts and tables, a filter, a table exported as CSV, the PDF
report downloaded; the needs-vs-offer page."""

import pytest
from playwright.sync_api import expect

from benecomune.core.models import Role
from benecomune.ledger.services import wallets
from benecomune.observatory.services import upkeep
from tests.e2e.helpers import assert_fits, open_menu_entry, sign_in, use_fixtures
from tests.ledger import conftest as ledger_fixtures

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

use_fixtures(globals(), ledger_fixtures, "make_fund", "make_wallet", "make_provider")


@pytest.fixture
def comune_admin(make_user, municipality, make_fund, make_wallet, make_provider, system_actor):
    fund = make_fund(100_000)
    grocer = make_provider(name="Alimentari Rossi", category="grocery")
    chemist = make_provider(name="Farmacia Verdi", category="pharmacy")
    for n, shop in enumerate((grocer, chemist, grocer)):
        wallet = make_wallet(fund, 5_000)
        wallets.pay_from_wallet(
            system_actor,
            wallet=wallet,
            merchant=shop,
            amount=1_000 + 500 * n,
            idempotency_key=f"e2e-obs-{n}",
        )
    upkeep.run()
    return make_user(
        "sindaco@piazzola.example.org", role=Role.MUNICIPALITY_ADMIN, organization=municipality
    )


@pytest.mark.parametrize("width", [390, 1280])
def test_comune_admin_filters_exports_and_downloads_the_report(
    live_server, page_for, width, comune_admin, screenshot_dir
):
    page = page_for(width=width, height=900)
    sign_in(page, live_server.url, comune_admin)
    open_menu_entry(page, "Osservatorio")
    expect(page.get_by_role("heading", level=1)).to_have_text("Osservatorio")
    categories = page.locator("#tabella-categorie")
    expect(categories.locator("tbody tr")).to_have_count(2)
    expect(categories.locator("canvas")).to_be_visible()
    if width == 390:
        assert_fits(page, width)
    page.screenshot(path=screenshot_dir / f"observatory-{width}.png", full_page=True)

    page.get_by_test_id("dashboard-filters").get_by_label("Categoria").select_option("pharmacy")
    page.get_by_role("button", name="Applica i filtri").click()
    page.wait_for_url("**categoria=pharmacy**")
    expect(categories.locator("tbody tr")).to_have_count(1)
    expect(categories.locator("tbody tr")).to_contain_text("Farmacia")

    with page.expect_download() as csv:
        page.get_by_test_id("csv-categorie").click()
    assert csv.value.suggested_filename.endswith(".csv")
    text = open(csv.value.path(), encoding="utf-8-sig").read()  # noqa: SIM115
    assert text.splitlines() == ["Categoria;Speso;Transazioni", "Farmacia;15,00;1"]

    with page.expect_download() as report:
        page.get_by_test_id("dashboard-pdf").click()
    assert report.value.suggested_filename.endswith(".pdf")
    assert open(report.value.path(), "rb").read(4) == b"%PDF"  # noqa: SIM115

    open_menu_entry(page, "Bisogni e offerta")
    expect(page.get_by_role("heading", level=1)).to_have_text("Bisogni e offerta di servizi")
    if width == 390:
        assert_fits(page, width)

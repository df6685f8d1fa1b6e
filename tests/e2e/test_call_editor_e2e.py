"""The call editor in Chromium: numbered sections with their list, a draft saved as it goes
(the status line says when), the summary rebuilt from the saved draft, and an invalid value
reported without touching the draft. The page runs under the strict CSP and axe-core."""

import pytest
from playwright.sync_api import expect

from benecomune.calls.models import Call
from tests.calls.conftest import admin_actor, call_fund, make_call  # noqa: F401
from tests.e2e.helpers import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_editor_saves_a_draft_as_it_goes(
    live_server,
    page_for,
    screenshot_dir,
    make_call,  # noqa: F811
    admin_actor,  # noqa: F811
):
    call = make_call(publish=False)
    base = live_server.url
    page = page_for()
    log_in(page, base, admin_actor.user)
    page.wait_for_url(f"{base}/")
    page.goto(f"{base}/gestione/bandi/{call.pk}/modifica/")

    sections = page.get_by_role("navigation", name="Sezioni del modulo")
    expect(sections.get_by_role("link", name="7. Riepilogo")).to_be_visible()
    status = page.get_by_role("status").filter(has_text="salvat")
    page.get_by_label("Importo massimo per nucleo").fill("450,00")
    page.get_by_label("Importo massimo per nucleo").blur()
    expect(status).to_contain_text("Bozza salvata alle")
    summary = page.get_by_test_id("editor-summary")
    expect(summary).to_contain_text("Importo massimo per nucleo: € 450,00.")
    assert Call.objects_unscoped.get(pk=call.pk).rules["amount"]["cap"] == 45_000
    page.screenshot(path=str(screenshot_dir / "bando-modulo-sezioni.png"), full_page=False)

    page.get_by_label("Budget del bando").fill("tanti")
    page.get_by_label("Budget del bando").blur()
    expect(status).to_contain_text("Bozza non salvata")
    assert Call.objects_unscoped.get(pk=call.pk).budget == call.budget

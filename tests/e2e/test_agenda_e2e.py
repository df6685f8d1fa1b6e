"""The agenda on a phone (390 px), in Chromium with axe-core on every page: a visitor opens a
service's available dates from its page, moves to the next week, chooses a time with the
keyboard only and reads the choice; a provider's staff saves a resource's week with a break.
Nothing scrolls sideways."""

import pytest
from playwright.sync_api import expect

from benecomune.bookings.models import WorkingHours
from benecomune.core.models import Role
from tests.bookings import agenda_fixtures
from tests.e2e.helpers import PHONE, assert_fits, sign_in, use_fixtures
from tests.marketplace import conftest as marketplace_fixtures
from tests.marketplace.test_search import publish_profile

use_fixtures(
    globals(), marketplace_fixtures, "_clear_cache", "admins", "checklist", "make_provider"
)
use_fixtures(globals(), agenda_fixtures, "coop")

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_choose_a_time_with_the_keyboard_on_a_phone(
    live_server, page_for, coop, municipality, screenshot_dir
):
    provider, owner, service, _resource = coop
    publish_profile(owner, provider)
    phone = page_for(**PHONE)
    phone.goto(f"{live_server.url}/{municipality.slug}/servizi/{service.pk}/")
    phone.get_by_role("link", name="Vedi le date e gli orari disponibili").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Date e orari disponibili")
    assert_fits(phone)
    phone.get_by_role("link", name="Settimana successiva").click()
    expect(phone.get_by_role("link", name="Settimana precedente")).to_be_visible()
    week = phone.get_by_test_id("week")
    first = week.locator("ul a").first
    label = first.inner_text().split(",")[0].strip()
    # Keyboard only: focus moves through the page's links; Enter chooses the time.
    first.focus()
    phone.keyboard.press("Enter")
    expect(phone.get_by_test_id("chosen")).to_contain_text(f"dalle {label}")
    assert_fits(phone)
    phone.screenshot(path=screenshot_dir / "agenda-slots-390.png", full_page=True)


def test_staff_save_a_week_with_a_break_on_a_phone(
    live_server, page_for, coop, make_user, screenshot_dir
):
    provider, _owner, _service, resource = coop
    operator = make_user(
        "operatrice@coop.example.org", role=Role.PROVIDER_STAFF, organization=provider
    )
    phone = page_for(**PHONE)
    sign_in(phone, live_server.url, operator)
    phone.goto(f"{live_server.url}/gestione/fornitore/agenda/")
    phone.get_by_role("link", name=resource.name).click()
    expect(phone.get_by_role("heading", level=1)).to_have_text(resource.name)
    phone.get_by_label("Sabato, fascia 1: dalle").fill("08:00")
    phone.get_by_label("Sabato, fascia 1: alle").fill("12:00")
    phone.get_by_role("button", name="Salva gli orari").click()
    expect(phone.get_by_text("Orari di lavoro salvati.")).to_be_visible()
    assert WorkingHours.objects_unscoped.filter(resource=resource, weekday=5).count() == 1
    assert_fits(phone)
    phone.screenshot(path=screenshot_dir / "agenda-resource-390.png", full_page=True)

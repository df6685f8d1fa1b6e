"""The provider's agenda on a phone (390 px) and on a wide screen, in Chromium with axe-core
on every page: a walk-in booking made at the counter appears on the day; the operator
confirms nothing by colour (the state is text), moves to the next day and back with the
keyboard, opens the week (a list per day on the phone, a grid on a wide screen). Nothing
scrolls sideways."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from benecomune.bookings.services import booking_walk_in
from benecomune.bookings.slots import ROME
from benecomune.core.models import Role
from benecomune.core.scoping import all_tenants
from tests.bookings import agenda_fixtures
from tests.e2e.helpers import PHONE, assert_fits, sign_in, use_fixtures
from tests.marketplace import conftest as marketplace_fixtures
from tests.marketplace.test_search import publish_profile

use_fixtures(
    globals(), marketplace_fixtures, "_clear_cache", "admins", "checklist", "make_provider"
)
use_fixtures(globals(), agenda_fixtures, "coop")

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_day_and_the_week_on_a_phone_and_wide(
    live_server, page_for, coop, make_user, make_person, municipality, screenshot_dir
):
    provider, owner, service, resource = coop
    publish_profile(owner, provider)
    person = make_person(municipality, first_name="Giulia", last_name="Bianchi")
    today = timezone.localdate()
    monday = today + datetime.timedelta(days=7 - today.weekday())
    with all_tenants():
        booking = booking_walk_in.book_walk_in(
            owner,
            service=service,
            person=person,
            day=monday,
            time=datetime.time(10),
            idempotency_key="e2e-1",
        )
    day = booking.starts_at.astimezone(ROME).date()
    operator = make_user(
        "operatrice@coop.example.org", role=Role.PROVIDER_STAFF, organization=provider
    )
    phone = page_for(**PHONE)
    sign_in(phone, live_server.url, operator)
    phone.goto(f"{live_server.url}/gestione/fornitore/agenda/giorno/?data={day}")
    expect(phone.get_by_role("heading", level=1)).to_contain_text("Agenda del giorno")
    item = phone.get_by_test_id("agenda-booking")
    expect(item).to_contain_text("Giulia")
    expect(item).to_contain_text("Confermata")
    expect(item).to_contain_text("al banco")
    assert_fits(phone)
    phone.screenshot(path=screenshot_dir / "provider-agenda-day-390.png", full_page=True)
    # Keyboard: the next day, then back.
    phone.get_by_test_id("next").focus()
    phone.keyboard.press("Enter")
    expect(phone.get_by_test_id("agenda-booking")).to_have_count(0)
    phone.get_by_test_id("previous").focus()
    phone.keyboard.press("Enter")
    expect(phone.get_by_test_id("agenda-booking")).to_have_count(1)
    phone.get_by_role("link", name="Vista settimana").click()
    expect(phone.get_by_test_id("week-list")).to_be_visible()
    expect(phone.get_by_test_id("week-grid")).to_be_hidden()
    assert_fits(phone)
    phone.screenshot(path=screenshot_dir / "provider-agenda-week-390.png", full_page=True)
    # The same session on a wide screen: the grid instead of the lists.
    wide = phone
    wide.set_viewport_size({"width": 1280, "height": 900})
    wide.goto(f"{live_server.url}/gestione/fornitore/agenda/settimana/?dal={day}")
    grid = wide.get_by_test_id("week-grid")
    expect(grid).to_be_visible()
    expect(grid.get_by_role("rowheader", name=resource.name)).to_be_visible()
    expect(wide.get_by_test_id("week-list")).to_be_hidden()
    wide.screenshot(path=screenshot_dir / "provider-agenda-week-1280.png", full_page=True)

"""The waiting list on a phone (390 px) in Chromium, axe-core on every page: a resident opens
the booking page of a full turn, joins its waiting list, reads their position in "Le mie
prenotazioni"; the seat is freed, the offer appears with its time limit, they accept it and
read the booking with "Aggiungi al calendario". No page scrolls sideways."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from benecomune.bookings.models import BookingStatus, WaitlistEntry
from benecomune.bookings.services import booking_moves, bookings
from benecomune.bookings.slots import ROME
from benecomune.core.actors import Actor
from benecomune.core.scoping import all_tenants
from tests.bookings import booking_fixtures
from tests.bookings.booking_fixtures import free_slots
from tests.bookings.waitlist_fixtures import one_seat
from tests.e2e.helpers import PHONE, assert_fits, sign_in, use_fixtures

use_fixtures(globals(), booking_fixtures, *booking_fixtures.__all__)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_join_the_list_and_accept_the_offer_on_a_phone(
    live_server,
    page_for,
    seller,
    free_service,
    buyer_user,
    make_person,
    make_user,
    municipality,
    screenshot_dir,
):
    _provider, owner, _service = seller
    one_seat(free_service, owner)
    other = make_person(municipality, first_name="Dario")
    other_actor = Actor(user=make_user("dario@example.org", person=other))
    day, time, _slot = free_slots(free_service)[0]
    with all_tenants():
        held = bookings.book(
            other_actor,
            service=free_service,
            booker=other,
            day=day,
            time=time,
            idempotency_key="held",
        )
    at = held.starts_at.astimezone(ROME)
    base = live_server.url
    phone = page_for(**PHONE)
    sign_in(phone, base, buyer_user)
    phone.goto(
        base
        + reverse("bookings:booking_new", args=[free_service.pk])
        + f"?giorno={at:%Y-%m-%d}&ora={at:%H:%M}"
    )
    expect(phone.get_by_test_id("waitlist-join")).to_be_visible()
    assert_fits(phone)
    phone.screenshot(path=screenshot_dir / "waitlist-join-390.png", full_page=True)
    phone.get_by_role("button", name="Mettiti in lista d'attesa").click()
    expect(phone.get_by_test_id("waitlist-status")).to_contain_text("posizione 1")
    assert_fits(phone)
    phone.goto(base + reverse("bookings:my_bookings"))
    expect(phone.get_by_test_id("waitlist")).to_contain_text("Posizione in lista: 1")

    with all_tenants():
        booking_moves.cancel_by_citizen(other_actor, held)
    phone.reload()
    # "entro il 9 dicembre", "entro l'8 dicembre": the article depends on the day.
    expect(phone.get_by_test_id("waitlist")).to_contain_text(re.compile(r"Accetti entro (il |l')"))
    assert_fits(phone)
    phone.screenshot(path=screenshot_dir / "waitlist-offer-list-390.png", full_page=True)
    phone.get_by_test_id("waitlist").get_by_role("link").first.click()
    expect(phone.get_by_test_id("offer")).to_be_visible()
    assert_fits(phone)
    phone.screenshot(path=screenshot_dir / "waitlist-offer-390.png", full_page=True)
    phone.get_by_role("button", name="Accetta e prenota").click()
    expect(phone.get_by_text("Prenotazione confermata.")).to_be_visible()
    expect(phone.get_by_role("link", name="Aggiungi al calendario")).to_be_visible()
    assert_fits(phone)
    entry = WaitlistEntry.objects_unscoped.get()
    assert entry.booking.status == BookingStatus.CONFIRMED

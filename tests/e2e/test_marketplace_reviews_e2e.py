# ruff: noqa: F811 (the fixtures imported from the helpers are used by name)
"""Feedback in Chromium, through the real pages: a resident who paid a service (through the
payments services) opens "Le mie recensioni" on a phone, rates it with the stars (a radio group
reached by its label) and comments; the provider's owner answers from "Recensioni"; the public
service page shows the rating, the review with the first name and initial, and the answer.
axe-core checks every page (the `page_for` fixture); every phone page must fit the screen."""

import pytest
from playwright.sync_api import expect

from benecomune.marketplace.models import Review
from tests.conftest import PASSWORD
from tests.e2e.helpers import PHONE, assert_fits, open_menu_entry, sign_in, use_fixtures
from tests.marketplace import conftest as marketplace_fixtures
from tests.marketplace.reviews_helpers import buy, coop  # noqa: F401 (fixture)
from tests.payments.conftest import fake_gateway  # noqa: F401 (fixture)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
use_fixtures(globals(), marketplace_fixtures, "admins", "make_provider")

COMMENT = "Operatrici puntuali e gentili, mia madre si è trovata bene."
ANSWER = "Grazie, lo diremo alla squadra!"


@pytest.mark.usefixtures("fake_gateway")
def test_a_purchase_reviewed_answered_and_shown(
    live_server,
    page_for,
    coop,
    make_person,
    make_user,
    municipality,
):
    base = live_server.url
    provider, owner, service = coop
    person = make_person(
        municipality, first_name="Rosa", last_name="Verdi", sex="F", email="rosa@example.org"
    )
    buy(person, service)

    # The resident, on a phone: her purchases, the form, the stars.
    citizen = page_for(**PHONE)
    sign_in(citizen, base, make_user("rosa@example.org", person=person))
    open_menu_entry(citizen, "Le mie recensioni")
    citizen.wait_for_url(f"{base}/area-personale/recensioni/")
    expect(citizen.get_by_test_id("purchase")).to_contain_text(service.title)
    assert_fits(citizen)
    citizen.get_by_role("link", name="Scrivi una recensione").click()
    expect(citizen.get_by_role("heading", level=1)).to_have_text("Scrivi una recensione")
    stars = citizen.get_by_role("group", name="Valutazione")
    # Bootstrap Italia draws the radio under its label: the label is what one taps.
    stars.get_by_text("4 stelle su 5").click()
    expect(stars.get_by_label("4 stelle su 5")).to_be_checked()
    citizen.get_by_label("Commento").fill(COMMENT)
    assert_fits(citizen)
    citizen.get_by_role("button", name="Pubblica la recensione").click()
    expect(citizen.get_by_text("Recensione pubblicata: grazie.")).to_be_visible()
    expect(citizen.get_by_test_id("my-review")).to_contain_text(COMMENT)
    assert_fits(citizen)
    review = Review.objects_unscoped.get(person=person)
    assert (review.rating, review.comment) == (4, COMMENT)

    # The owner answers from "Recensioni".
    owner.user.set_password(PASSWORD)
    owner.user.save()
    staff = page_for()
    sign_in(staff, base, owner.user)
    staff.goto(f"{base}/gestione/fornitore/recensioni/")
    expect(staff.get_by_test_id("rating")).to_contain_text("4,0 su 5")
    staff.get_by_label("Risposta").fill(ANSWER)
    staff.get_by_role("button", name="Rispondi").click()
    expect(staff.get_by_text("Risposta pubblicata.")).to_be_visible()
    expect(staff.get_by_test_id("answer")).to_contain_text(ANSWER)

    # The public page of the service: rating, review, answer; no surname.
    citizen.goto(f"{base}/{municipality.slug}/servizi/{service.pk}/")
    expect(citizen.get_by_test_id("rating")).to_contain_text("4,0 su 5 · 1 recensione")
    expect(citizen.get_by_test_id("reviews")).to_contain_text(COMMENT)
    expect(citizen.get_by_test_id("reviewer")).to_have_text("Rosa V.")
    expect(citizen.get_by_test_id("answer")).to_contain_text(ANSWER)
    expect(citizen.get_by_text("Verdi")).to_have_count(0)
    assert_fits(citizen)
    assert provider.pk == review.provider_id

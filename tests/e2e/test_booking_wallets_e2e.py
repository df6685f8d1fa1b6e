"""Issue 16's journey in Chromium, on a phone (axe-core checks every page): a resident books a
home-care session from the public calendar and pays it with part of a public voucher, part of
the company welfare credit (an approved plan's wallet, made through the real services) and the
rest online on the fake provider's page; the booking is confirmed; after the appointment the
provider marks it completed (the order is captured); the platform's debit-note run puts the
legs in the provider's notes, one per payer and wallet kind, which the provider reads. No page
scrolls sideways."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from benecomune.bookings.models import Booking, BookingStatus, OrderStatus
from benecomune.bookings.services import booking_moves
from benecomune.core.actors import Actor
from benecomune.core.models import Provider, Role
from benecomune.core.scoping import all_tenants
from benecomune.payouts.services import debit_notes
from tests.bookings import booking_fixtures
from tests.bookings.agenda_fixtures import add_resource, set_rules
from tests.bookings.corporate_credit import approved_plan, plan_wallet
from tests.conftest import PASSWORD
from tests.e2e.helpers import PHONE, assert_fits, log_in, sign_in, use_fixtures
from tests.marketplace.test_search import publish_profile

use_fixtures(globals(), booking_fixtures, *booking_fixtures.__all__)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


class _Later:
    """The clock of the bookings' moves, past the appointment (the provider marks it done)."""

    def __init__(self, at):
        self.at = at

    def now(self):
        return self.at

    def __getattr__(self, name):
        from django.utils import timezone

        return getattr(timezone, name)


def test_a_resident_books_home_care_paying_with_two_wallets_and_online(
    live_server,
    page_for,
    seller,
    buyer,
    buyer_user,
    make_fund,
    make_wallet,
    company,
    make_actor,
    municipality,
    hosted,
    screenshot_dir,
    monkeypatch,
):
    provider, owner, service = seller
    Provider.objects.filter(pk=provider.pk).update(category="home_care")  # art. 51 care
    publish_profile(owner, provider)
    set_rules(owner, service, [add_resource(owner, provider)])
    today = timezone.localdate()
    public = make_wallet(
        make_fund(2_000), 2_000, person=buyer, valid_until=today + datetime.timedelta(days=20)
    )
    hr_operator = make_actor("operatore.hr@example.org", Role.COMPANY_HR_OPERATOR, company)
    hr_admin = make_actor("admin.hr@example.org", Role.COMPANY_HR, company)
    version = approved_plan(hr_operator, hr_admin, company, year=today.year)
    system = Actor.system_actor("tests")
    corporate = plan_wallet(
        system, version, buyer, 1_500, valid_until=today + datetime.timedelta(days=60)
    )
    base = live_server.url

    phone = page_for(**PHONE)
    sign_in(phone, base, buyer_user)
    phone.goto(f"{base}/{municipality.slug}/servizi/{service.pk}/")
    phone.get_by_role("link", name="Vedi le date e gli orari disponibili").click()
    phone.get_by_test_id("week").locator("ul a").first.click()
    phone.get_by_test_id("book").click()
    expect(phone.get_by_test_id("amount")).to_contain_text("€ 50,00")
    # The proposal: the public voucher (expires first), the company credit, the rest online.
    expect(phone.get_by_label(re.compile(public.title)).first).to_have_value("20,00")
    expect(phone.get_by_label(re.compile(corporate.title)).first).to_have_value("15,00")
    assert_fits(phone)
    phone.screenshot(path=screenshot_dir / "booking-checkout-phone.png", full_page=True)
    phone.get_by_test_id("confirm").click()
    expect(phone.get_by_test_id("hosted-amount")).to_contain_text("€ 15,00")
    assert_fits(phone)
    phone.get_by_role("button", name="Paga").click()
    expect(phone.get_by_test_id("order-status")).to_have_text("Confermato")
    receipt = phone.get_by_test_id("receipt")
    expect(receipt).to_contain_text(public.title)
    expect(receipt).to_contain_text(corporate.title)
    expect(receipt).to_contain_text("Denaro proprio (pagamento online)")
    assert_fits(phone)
    booking = Booking.objects_unscoped.get()
    phone.goto(base + reverse("bookings:my_booking", args=[booking.pk]))
    expect(phone.get_by_test_id("booking")).to_contain_text("Confermata")
    assert_fits(phone)
    phone.screenshot(path=screenshot_dir / "booking-confirmed-phone.png", full_page=True)

    # After the appointment: the provider marks it completed.
    monkeypatch.setattr(
        booking_moves, "timezone", _Later(booking.starts_at + datetime.timedelta(hours=1))
    )
    staff = page_for(**PHONE)
    owner.user.set_password(PASSWORD)  # signed up: the password is chosen at first login
    owner.user.save(update_fields=["password"])
    log_in(staff, base, owner.user)
    staff.wait_for_url(re.compile(r"^(?!.*/(accedi|verifica)/).*$"))
    staff.goto(base + reverse("bookings:provider_booking", args=[booking.pk]))
    staff.get_by_role("button", name="Svolta").click()
    expect(staff.get_by_test_id("booking")).to_contain_text("Svolta")
    assert_fits(staff)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.COMPLETED
    assert booking.order.status == OrderStatus.DELIVERED
    assert booking.order.intent.captured == 5_000

    # The platform's debit-note run (daily), then the provider reads its notes.
    with all_tenants():
        notes = debit_notes.build_debit_notes(system, provider)
        for note in notes:
            debit_notes.issue_debit_note(system, note)
    # One note per payer and wallet kind: the Comune's vouchers, the company's plan, and the
    # own money collected online (settled by the buyer's Comune in a note of its own).
    totals = {(note.payer_id, note.kind): note.total for note in notes}
    assert totals == {
        (municipality.pk, "public"): 2_000,
        (company.pk, "corporate"): 1_500,
        (municipality.pk, "own_money"): 1_500,
    }
    staff.goto(base + reverse("payouts:merchant_notes"))
    assert_fits(staff)
    company_note = next(n for n in notes if n.payer_id == company.pk)
    staff.goto(base + reverse("payouts:merchant_note", args=[company_note.pk]))
    expect(staff.get_by_test_id("note-total")).to_contain_text("€ 15,00")
    expect(staff.locator("main")).to_contain_text(company.name)
    expect(staff.get_by_test_id("note-receipt")).to_contain_text(
        f"ordine n. {booking.order.number}"
    )
    assert_fits(staff)
    staff.screenshot(path=screenshot_dir / "booking-debit-note-phone.png", full_page=True)

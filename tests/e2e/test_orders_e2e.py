"""An order in Chromium, on a phone (axe-core checks every page): a resident opens the
service's public page, taps "Ordina e paga", keeps the proposed split (two vouchers, the rest
online), confirms, pays on the fake provider's page and reads the receipt with what each
voucher paid; the provider marks it delivered. No page scrolls sideways."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from benecomune.bookings.models import Order, OrderStatus
from tests.bookings import test_orders_fixtures as order_fixtures
from tests.conftest import PASSWORD
from tests.e2e.helpers import OFF_SCREEN_IN, PHONE, assert_fits, log_in, sign_in, use_fixtures
from tests.marketplace.test_search import publish_profile

use_fixtures(globals(), order_fixtures, *order_fixtures.__all__)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_resident_orders_and_pays_on_a_phone(
    live_server, page_for, seller, buyer_user, wallets, municipality, screenshot_dir
):
    provider, owner, service = seller
    publish_profile(owner, provider)
    base = live_server.url
    phone = page_for(**PHONE)
    sign_in(phone, base, buyer_user)
    phone.goto(
        base + reverse("marketplace:catalogue_service", args=[municipality.slug, service.pk])
    )
    phone.get_by_test_id("order-button").click()
    expect(phone.get_by_role("heading", name="Ordina e paga")).to_be_visible()
    expect(phone.get_by_test_id("amount")).to_contain_text("€ 50,00")
    assert_fits(phone)
    phone.screenshot(path=screenshot_dir / "order-checkout-phone.png", full_page=True)
    phone.get_by_test_id("confirm").click()
    expect(phone.get_by_test_id("hosted-amount")).to_contain_text("€ 15,00")
    assert_fits(phone)
    phone.get_by_role("button", name="Paga").click()
    expect(phone.get_by_test_id("order-status")).to_have_text("Confermato")
    receipt = phone.get_by_test_id("receipt")
    expect(receipt).to_contain_text("€ 20,00")
    expect(receipt).to_contain_text("Denaro proprio (pagamento online)")
    assert_fits(phone)
    # Each source is a block of labelled values: its state is not off to the right.
    assert phone.evaluate(OFF_SCREEN_IN, ["[data-testid=receipt]", PHONE["width"]]) == []
    phone.screenshot(path=screenshot_dir / "order-receipt-phone.png", full_page=True)
    order = Order.objects_unscoped.get()
    assert order.status == OrderStatus.CONFIRMED

    staff = page_for(**PHONE)
    owner.user.set_password(PASSWORD)  # signed up: the password is chosen at first login
    owner.user.save(update_fields=["password"])
    log_in(staff, base, owner.user)
    staff.wait_for_url(re.compile(r"^(?!.*/(accedi|verifica)/).*$"))
    staff.goto(base + reverse("bookings:provider_order", args=[order.pk]))
    staff.get_by_test_id("deliver").click()
    expect(staff.get_by_test_id("order-status")).to_have_text("Consegnato")
    assert_fits(staff)
    order.refresh_from_db()
    assert order.status == OrderStatus.DELIVERED and order.intent.captured == 5_000

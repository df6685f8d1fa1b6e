"""'Questo acquisto ha dato € x al progetto y' on the order's PDF receipt (citizen's and
provider's download): the line of the display service (same function as the receipt page),
net of refunds, absent without an agreement. Orders made, delivered and refunded through the
real services."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from benecomune.bookings.services import order_delivery
from benecomune.observatory.services import shared_value_display as display
from tests.bookings.test_orders_fixtures import *  # noqa: F403
from tests.bookings.test_orders_fixtures import new_key
from tests.bookings.test_orders_pages import staff_login, wallets_order
from tests.helpers import login
from tests.observatory import shared_value_helpers as h

pytestmark = pytest.mark.django_db

GIFT = "Questo acquisto ha dato"


def _pdf_text(client, name, order) -> str:
    response = client.get(reverse(name, args=[order.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    return " ".join(text.split())  # the paragraph may wrap


def _signed(make_user, municipality, network, provider, owner):
    comune = h.comune_actor(make_user, municipality)
    project = h.project(comune, municipality, h.body(network, municipality))
    h.agreement(comune, owner, municipality, provider, project, percent="10")
    return project


def test_the_pdf_receipt_says_what_the_purchase_gave_net_of_refunds(
    client, seller, buyer, buyer_user, citizen, wallets, make_user, municipality, network
):
    provider, owner, service = seller
    project = _signed(make_user, municipality, network, provider, owner)
    order = wallets_order(citizen, buyer, service, wallets)  # 20 + 15 euro of vouchers
    login(client, buyer_user)
    assert GIFT not in _pdf_text(client, "bookings:my_order_receipt", order)  # not captured
    order = order_delivery.deliver(owner, order)
    line = f"{GIFT} € 3,50 al progetto «{project.title}»."
    assert [g["text"] for g in display.gifts_of_order(order)] == [line]
    assert line in _pdf_text(client, "bookings:my_order_receipt", order)

    order = order_delivery.refund(
        owner, order, 1_000, reason="Un'ora in meno", idempotency_key=new_key()
    )
    gifts = display.gifts_of_order(order)
    assert len(gifts) == 1 and gifts[0]["amount"] < 350  # the refund took part of the share
    text = _pdf_text(client, "bookings:my_order_receipt", order)
    assert gifts[0]["text"] in text and line not in text
    client.logout()
    staff_login(client, owner)
    assert gifts[0]["text"] in _pdf_text(client, "bookings:provider_order_receipt", order)


def test_no_agreement_no_line_on_the_pdf_receipt(
    client, seller, buyer, buyer_user, citizen, wallets
):
    _provider, owner, service = seller
    order = order_delivery.deliver(owner, wallets_order(citizen, buyer, service, wallets))
    login(client, buyer_user)
    assert display.gifts_of_order(order) == []
    text = _pdf_text(client, "bookings:my_order_receipt", order)
    assert "Ricevuta dell'ordine" in text and GIFT not in text

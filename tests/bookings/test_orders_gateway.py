"""Own money online through the fake hosted provider: its page ("Paga", "Annulla"), the signed
webhook (success, failure, duplicate, late after expiry, bad signature, another order's
reference) and the expiry task releasing the holds of an order left unpaid."""

import datetime
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from benecomune.bookings import tasks
from benecomune.bookings.models import OrderPaymentEvent, OrderStatus, OwnMoney
from benecomune.bookings.services import order_delivery, orders
from benecomune.bookings.services.order_payment import (
    NotificationRefused,
    expire_unpaid,
    handle_notification,
    online_leg,
)
from benecomune.core.actors import Actor
from benecomune.payments import fake_hosted
from benecomune.payments.models import IntentStatus
from tests.bookings.test_orders_fixtures import *  # noqa: F403
from tests.bookings.test_orders_fixtures import available, new_key
from tests.bookings.test_orders_pages import staff_login
from tests.helpers import login

pytestmark = pytest.mark.django_db
WEBHOOK = "/pagamenti/notifiche/prova/"


def online_order(citizen, buyer, service, wallets):
    return orders.place_order(
        citizen,
        buyer=buyer,
        service=service,
        split={wallets[0].pk: 2_000, wallets[1].pk: 1_500},
        own_amount=1_500,
        own_money=OwnMoney.ONLINE,
        idempotency_key=new_key(),
    )


def event(order, kind=fake_hosted.SUCCEEDED, *, event_id="evt_1", reference=None, amount=None):
    leg = online_leg(order)
    return fake_hosted.signed_event(
        event_id=event_id,
        kind=kind,
        reference=reference or leg.reference,
        order=str(order.pk),
        amount=leg.amount if amount is None else amount,
    )


def post(client, body, signature):
    return client.post(
        WEBHOOK, body, content_type="application/json", HTTP_X_FAKE_SIGNATURE=signature
    )


@pytest.fixture
def order(seller, buyer, citizen, wallets, hosted):
    return online_order(citizen, buyer, seller[2], wallets)


def test_the_hosted_page_pays_and_the_order_is_confirmed(
    client, order, buyer_user, wallets, hosted
):
    login(client, buyer_user)
    page = reverse("bookings:fake_hosted_page", args=[online_leg(order).reference])
    response = client.get(page)
    assert response.status_code == 200 and "15,00" in response.content.decode()
    response = client.post(page, {"pay": "1"})
    assert response.status_code == 302
    assert response.url == reverse("bookings:my_order", args=[order.pk])
    order.refresh_from_db()
    assert order.status == OrderStatus.CONFIRMED and order.paid_online_at
    assert available(wallets[0]) == 0  # still held: captured at delivery
    detail = client.get(response.url).content.decode()
    assert "Confermato" in detail


def test_annulla_on_the_hosted_page_fails_the_order_and_releases(
    client, order, buyer_user, wallets, hosted
):
    login(client, buyer_user)
    page = reverse("bookings:fake_hosted_page", args=[online_leg(order).reference])
    client.post(page, {"cancel": "1"})
    order.refresh_from_db()
    assert order.status == OrderStatus.PAYMENT_FAILED
    assert order.intent.status == IntentStatus.VOIDED
    assert available(wallets[0]) == 2_000 and available(wallets[1]) == 1_500
    assert ("void", online_leg(order).reference, 1_500) in hosted.calls


def test_webhook_success_then_duplicate_changes_nothing(client, order, seller, hosted):
    body, signature = event(order)
    response = post(client, body, signature)
    assert response.status_code == 200 and response.json()["outcome"] == "paid"
    order.refresh_from_db()
    assert order.status == OrderStatus.CONFIRMED
    paid_at = order.paid_online_at
    again = post(client, body, signature)
    assert again.status_code == 200 and again.json()["outcome"] == "duplicate"
    # Another event for the same payment: counted once.
    body2, signature2 = event(order, event_id="evt_2")
    assert post(client, body2, signature2).json()["outcome"] == "already_counted"
    order.refresh_from_db()
    assert order.paid_online_at == paid_at
    assert OrderPaymentEvent.objects_unscoped.filter(order=order).count() == 2
    # Delivered: the card's part is captured too.
    order = order_delivery.deliver(seller[1], order)
    assert order.intent.captured == 5_000
    assert ("capture", online_leg(order).reference, 1_500) in hosted.calls


def test_bad_signature_is_refused_and_changes_nothing(client, order):
    body, signature = event(order)
    response = post(client, body, "0" * 64)
    assert response.status_code == 400
    assert "Firma della notifica non valida" in response.json()["message"]
    tampered = json.dumps({**json.loads(body), "amount": 1}).encode()
    assert post(client, tampered, signature).status_code == 400
    assert post(client, body, "").status_code == 400
    order.refresh_from_db()
    assert order.status == OrderStatus.AWAITING_PAYMENT
    assert not OrderPaymentEvent.objects_unscoped.exists()


def test_a_webhook_for_another_order_is_refused(client, order, seller, buyer, citizen, wallets):
    _provider, _owner, service = seller
    # The reference of the first order named with a second order's number.
    other = orders.place_order(
        citizen,
        buyer=buyer,
        service=service,
        split={},
        own_amount=5_000,
        own_money=OwnMoney.ONLINE,
        idempotency_key=new_key(),
    )
    body, signature = fake_hosted.signed_event(
        event_id="evt_x",
        kind=fake_hosted.SUCCEEDED,
        reference=online_leg(order).reference,
        order=str(other.pk),
        amount=1_500,
    )
    response = post(client, body, signature)
    assert response.status_code == 400 and "altro ordine" in response.json()["message"]
    body, signature = event(order, amount=999)
    assert post(client, body, signature).status_code == 400
    body, signature = fake_hosted.signed_event(
        event_id="evt_y", kind=fake_hosted.SUCCEEDED, reference="x", order="999999", amount=1
    )
    assert "inesistente" in post(client, body, signature).json()["message"]
    for row in (order, other):
        row.refresh_from_db()
        assert row.status == OrderStatus.AWAITING_PAYMENT


def test_the_expiry_releases_the_holds_and_a_late_payment_is_voided(client, order, wallets, hosted):
    assert expire_unpaid(Actor.system_actor("t")) == 0  # not due yet
    later = timezone.now() + datetime.timedelta(hours=1)
    assert expire_unpaid(Actor.system_actor("t"), now=later) == 1
    order.refresh_from_db()
    assert order.status == OrderStatus.EXPIRED
    assert order.intent.status == IntentStatus.VOIDED
    assert available(wallets[0]) == 2_000 and available(wallets[1]) == 1_500
    # The provider confirms the payment after all: it is voided, the order stays expired.
    body, signature = event(order)
    assert post(client, body, signature).json()["outcome"] == "late_voided"
    order.refresh_from_db()
    assert order.status == OrderStatus.EXPIRED and order.late_payment_at
    voids = [c for c in hosted.calls if c[0] == "void"]
    assert len(voids) == 2  # at expiry, and again for the late payment
    body, signature = event(order, event_id="evt_late_2")
    assert post(client, body, signature).json()["outcome"] == "already_counted"


def test_the_periodic_task_is_scheduled_and_expires(order, wallets, monkeypatch):
    from benecomune.celery import app

    assert app.conf.beat_schedule["bookings-expire-unpaid-orders"]["task"] == (
        "bookings.expire_unpaid_orders"
    )
    order.payment_due_by = timezone.now() - datetime.timedelta(minutes=1)
    order.save(update_fields=["payment_due_by"])
    assert tasks.expire_unpaid_orders() == 1
    assert available(wallets[0]) == 2_000


def test_handle_notification_refuses_garbage(order):
    body = b"not json"
    with pytest.raises(NotificationRefused, match="illeggibile"):
        handle_notification(body, fake_hosted.sign(body))


def test_the_hosted_page_is_only_the_buyers(client, order, make_user, make_person, municipality):
    page = reverse("bookings:fake_hosted_page", args=[online_leg(order).reference])
    assert client.get(page).status_code == 302  # to the login
    other = make_user("altro@example.org", person=make_person(municipality, first_name="Anna"))
    login(client, other)
    assert client.post(page, {"cancel": "1"}).status_code == 404
    order.refresh_from_db()
    assert order.status == OrderStatus.AWAITING_PAYMENT


@pytest.mark.django_db(transaction=True)
def test_the_refund_says_the_money_goes_to_the_card_then_to_card_and_wallets(
    client, order, seller, hosted
):
    """Paid 35 euro with the wallets and 15 with the card online: the own money comes back
    first. 10 euro: all to the card; 10 more: 5 to the card, 5 to the wallets. Through the
    page, as in production (each request its own transaction, not the test's)."""
    assert post(client, *event(order)).json()["outcome"] == "paid"
    order_delivery.deliver(seller[1], order)
    staff_login(client, seller[1])
    url = reverse("bookings:provider_order_refund", args=[order.pk])
    card = client.post(
        url, {"key": "r1", "amount": "10,00", "reason": "Un'ora in meno"}, follow=True
    )
    text = card.content.decode()
    assert "il denaro torna sulla carta con cui era stato pagato" in text
    assert "Rimborso fatto: il denaro torna ai buoni" not in text
    both = client.post(url, {"key": "r2", "amount": "10,00", "reason": "Un'altra ora"}, follow=True)
    assert "il denaro torna sulla carta e ai buoni da cui era venuto" in both.content.decode()
    order.intent.refresh_from_db()
    assert order.intent.refunded == 2_000
    assert ("refund", online_leg(order).reference, 1_000) in hosted.calls

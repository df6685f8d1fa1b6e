"""After the checkout: delivered (every leg captured, the ledger's PAYMENTs), cancelled by the
buyer or by the provider with a reason (every hold released), a partial refund back to the
wallets it came from (the last leg first), and the lifecycle table."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from benecomune.bookings.models import OrderStatus, OwnMoney
from benecomune.bookings.order_lifecycle import LIFECYCLES, ORDER
from benecomune.bookings.services import order_delivery, orders
from benecomune.core.audit import ACTION_LABELS
from benecomune.core.models import AuditEvent
from benecomune.ledger.models import Transfer, TransferKind
from benecomune.payments.models import IntentStatus, PaymentLeg
from tests.bookings.test_orders_fixtures import *  # noqa: F403
from tests.bookings.test_orders_fixtures import PRICE, available, balance, new_key

pytestmark = pytest.mark.django_db


def wallets_order(citizen, buyer, service, wallets, *, at_provider=1_500):
    return orders.place_order(
        citizen,
        buyer=buyer,
        service=service,
        split={wallets[0].pk: 2_000, wallets[1].pk: 1_500},
        own_amount=at_provider,
        own_money=OwnMoney.AT_PROVIDER,
        idempotency_key=new_key(),
    )


def actions(order) -> list[str]:
    return list(
        AuditEvent.objects_unscoped.filter(object_type="bookings.order", object_id=str(order.pk))
        .order_by("pk")
        .values_list("action", flat=True)
    )


def test_the_table_is_registered_labelled_and_reachable():
    assert LIFECYCLES["bookings.Order"] is ORDER
    assert ORDER.reachable() == set(OrderStatus.values)
    for transition in ORDER.transitions:
        assert str(ACTION_LABELS[transition.action]) != transition.action


def test_delivered_captures_every_leg(seller, buyer, citizen, wallets):
    _provider, owner, service = seller
    order = wallets_order(citizen, buyer, service, wallets)
    payments_before = Transfer.objects_unscoped.filter(kind=TransferKind.PAYMENT).count()
    order = order_delivery.deliver(owner, order)
    assert order.status == OrderStatus.DELIVERED and order.delivered_at
    intent = order.intent
    intent.refresh_from_db()
    assert intent.status == IntentStatus.CAPTURED and intent.captured == 3_500
    assert balance(wallets[0]) == 0 and balance(wallets[1]) == 0
    payments = Transfer.objects_unscoped.filter(kind=TransferKind.PAYMENT).order_by("pk")
    assert payments.count() == payments_before + 2
    assert sorted(p.amount for p in payments[payments_before:]) == [1_500, 2_000]
    # Twice is once.
    assert order_delivery.deliver(owner, order).status == OrderStatus.DELIVERED
    assert Transfer.objects_unscoped.filter(kind=TransferKind.PAYMENT).count() == (
        payments_before + 2
    )
    assert actions(order) == ["bookings.order_placed", "bookings.order_delivered"]
    # The buyer cannot deliver, nor cancel a delivered order.
    other = orders.place_order(
        citizen,
        buyer=buyer,
        service=service,
        split={},
        own_amount=PRICE,
        own_money=OwnMoney.AT_PROVIDER,
        idempotency_key=new_key(),
    )
    with pytest.raises(PermissionDenied):
        order_delivery.deliver(citizen, other)
    with pytest.raises(ValidationError, match="Non si può passare"):
        orders.cancel_by_buyer(citizen, order)


def test_the_buyer_cancels_and_the_holds_are_released(seller, buyer, citizen, wallets):
    _provider, _owner, service = seller
    order = wallets_order(citizen, buyer, service, wallets)
    assert available(wallets[0]) == 0
    order = orders.cancel_by_buyer(citizen, order, reason="Non mi serve più")
    assert order.status == OrderStatus.CANCELLED
    assert order.intent.status == IntentStatus.VOIDED
    assert available(wallets[0]) == 2_000 and available(wallets[1]) == 1_500
    assert actions(order)[-1] == "bookings.order_cancelled_by_buyer"


def test_the_provider_cancels_with_a_reason(seller, buyer, citizen, wallets, make_provider):
    _provider, owner, service = seller
    order = wallets_order(citizen, buyer, service, wallets)
    with pytest.raises(ValidationError, match="Indichi il motivo"):
        order_delivery.cancel(owner, order, reason="  ")
    assert available(wallets[0]) == 0  # nothing changed
    # Another provider's staff may not.
    _other, stranger = make_provider()
    with pytest.raises(PermissionDenied):
        order_delivery.cancel(stranger, order, reason="Non presentato")
    order = order_delivery.cancel(owner, order, reason="La persona non si è presentata")
    assert order.status == OrderStatus.CANCELLED
    assert order.cancel_reason == "La persona non si è presentata"
    assert available(wallets[0]) == 2_000 and available(wallets[1]) == 1_500
    with pytest.raises(ValidationError, match="Non si può passare"):
        order_delivery.deliver(owner, order)
    assert available(wallets[0]) == 2_000


def test_a_partial_refund_goes_back_to_the_wallets_last_leg_first(seller, buyer, citizen, wallets):
    _provider, owner, service = seller
    order = order_delivery.deliver(owner, wallets_order(citizen, buyer, service, wallets))
    order = order_delivery.refund(
        owner, order, 2_000, reason="Un'ora non svolta", idempotency_key="r1"
    )
    assert order.status == OrderStatus.DELIVERED
    # The last leg (15 euro) first, then 5 euro of the first.
    assert balance(wallets[1]) == 1_500 and balance(wallets[0]) == 500
    legs = list(PaymentLeg.objects_unscoped.filter(intent_id=order.intent_id).order_by("position"))
    assert [(leg.captured, leg.refunded) for leg in legs] == [(2_000, 500), (1_500, 1_500)]
    refunds = Transfer.objects_unscoped.filter(kind=TransferKind.REFUND)
    assert sorted(r.amount for r in refunds) == [500, 1_500]
    # The same key again gives nothing back twice.
    order_delivery.refund(owner, order, 2_000, reason="Un'ora non svolta", idempotency_key="r1")
    assert balance(wallets[0]) == 500
    with pytest.raises(ValidationError, match="al massimo € 15,00"):
        order_delivery.refund(owner, order, 1_600, reason="Troppo", idempotency_key="r2")
    order = order_delivery.refund(owner, order, 1_500, reason="Il resto", idempotency_key="r3")
    assert order.status == OrderStatus.REFUNDED
    assert balance(wallets[0]) == 2_000
    assert actions(order)[-2:] == ["bookings.order_partially_refunded", "bookings.order_refunded"]


def test_pay_at_the_provider_only_is_delivered_without_money(seller, buyer, citizen):
    _provider, owner, service = seller
    order = orders.place_order(
        citizen,
        buyer=buyer,
        service=service,
        split={},
        own_amount=PRICE,
        own_money=OwnMoney.AT_PROVIDER,
        idempotency_key=new_key(),
    )
    order = order_delivery.deliver(owner, order)
    assert order.status == OrderStatus.DELIVERED and order.intent_id is None
    with pytest.raises(ValidationError, match="presso il fornitore"):
        order_delivery.refund(owner, order, 100, reason="x", idempotency_key="r")


def test_the_provider_hears_of_a_new_order_and_the_buyer_of_a_cancellation(
    seller, buyer, citizen, wallets
):
    from benecomune.core.models import Notification
    from benecomune.core.models.notifications import OutboxMessage

    _provider, owner, service = seller
    order = wallets_order(citizen, buyer, service, wallets)
    mail = OutboxMessage.objects_unscoped.filter(template_key="bookings_order_received").get()
    assert order.number in mail.subject and buyer.last_name not in mail.body
    order_delivery.cancel(owner, order, reason="Operatore malato")
    note = Notification.objects.get(person=buyer)
    assert order.number in note.subject and "Annullato" in note.subject
    assert "Operatore malato" not in note.body  # the reason is on the order's page

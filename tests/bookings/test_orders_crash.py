"""A crash between authorising and capturing. Inside the booking's transaction (after the
wallets were held, before the booking was written): everything rolls back, no hold, no seat,
no order. After the commit (the wallets held, the buyer never reached the online provider):
the expiry job releases every hold, cancels the booking and frees its seat; the ledger's
invariants and `ledger_check` hold at each step. Runs on both databases."""

import datetime

import pytest
from django.core.management import call_command
from django.db.models import F

from benecomune.bookings.models import Booking, BookingStatus, Order, OrderStatus, SlotSeats
from benecomune.bookings.services import booking_notices, booking_seats, order_payment
from benecomune.core.actors import Actor
from benecomune.core.scoping import all_tenants
from benecomune.ledger.models import Reservation
from benecomune.ledger.services.invariants import check_invariants
from benecomune.payments.models import IntentStatus, PaymentIntent
from tests.bookings.booking_fixtures import *  # noqa: F403
from tests.bookings.booking_fixtures import book
from tests.bookings.test_orders_fixtures import available

pytestmark = pytest.mark.django_db


def ledger_is_sound():
    assert check_invariants() == []
    call_command("ledger_check", stdout=open("/dev/null", "w"))  # noqa: SIM115


def paid_online(wallets):
    return {
        "split": {wallets[0].pk: 2_000, wallets[1].pk: 1_500},
        "own_amount": 1_500,
        "own_money": "online",
    }


def test_a_crash_inside_the_transaction_leaves_nothing(
    citizen, buyer, priced, wallets, hosted, monkeypatch
):
    _provider, _owner, service = priced

    def crash(booking):
        raise RuntimeError("the worker died")

    monkeypatch.setattr(booking_notices, "booking_made", crash)
    with pytest.raises(RuntimeError):
        book(citizen, service, buyer, **paid_online(wallets))
    assert not Booking.objects_unscoped.exists() and not Order.objects_unscoped.exists()
    assert not PaymentIntent.objects_unscoped.exists()
    assert not Reservation.objects_unscoped.exists()
    assert sum(SlotSeats.objects_unscoped.values_list("taken", flat=True)) == 0
    assert available(wallets[0]) == 2_000 and available(wallets[1]) == 1_500
    ledger_is_sound()


def test_holds_left_by_a_crash_after_authorising_are_released_by_the_expiry_job(
    citizen, buyer, priced, wallets, hosted
):
    _provider, _owner, service = priced
    booking = book(citizen, service, buyer, **paid_online(wallets))
    order = booking.order
    # The worker died here: wallets held, the buyer never reached the provider's page.
    assert order.status == OrderStatus.AWAITING_PAYMENT
    assert available(wallets[0]) == 0 and available(wallets[1]) == 0
    held = Reservation.objects_unscoped.filter(
        account_id__in=[w.account_id for w in wallets],
        amount__gt=F("consumed") + F("released"),  # still holding money
    )
    assert held.count() == 2
    ledger_is_sound()
    job = Actor.system_actor("bookings.expire_unpaid_orders")
    with all_tenants():
        assert order_payment.expire_unpaid(job, now=order.payment_due_by) == 0  # not yet
        later = order.payment_due_by + datetime.timedelta(minutes=1)
        assert order_payment.expire_unpaid(job, now=later) == 1
        assert order_payment.expire_unpaid(job, now=later) == 0  # idempotent
    order.refresh_from_db()
    booking.refresh_from_db()
    assert order.status == OrderStatus.EXPIRED
    assert PaymentIntent.objects_unscoped.get(pk=order.intent_id).status == IntentStatus.VOIDED
    assert not held.exists()
    assert available(wallets[0]) == 2_000 and available(wallets[1]) == 1_500
    assert booking.status == BookingStatus.CANCELLED
    assert SlotSeats.objects_unscoped.get(key=booking.seat_key).taken == 0
    with all_tenants():
        assert booking_seats.check_seats() == []
    ledger_is_sound()

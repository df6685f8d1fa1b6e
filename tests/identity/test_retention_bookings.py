"""Retention of a person's bookings and orders with providers: a closed booking five years
after the service, a closed order ten years after it was placed, are deleted (with the order's
booking and payment events); open ones and fresh ones stay. Dry run first, register after."""

import datetime
import types

import pytest
from django.utils import timezone

from benecomune.bookings.models import Booking, BookingStatus, Order, OwnMoney
from benecomune.bookings.services import booking_moves, orders
from benecomune.core.models import Role
from benecomune.core.scoping import all_tenants, tenant_scope
from benecomune.identity import retention
from benecomune.identity.models import PurgeRecord
from benecomune.ledger.services.invariants import check_invariants
from tests.bookings.booking_fixtures import *  # noqa: F403
from tests.bookings.booking_fixtures import book
from tests.bookings.test_orders_fixtures import PRICE, new_key

pytestmark = pytest.mark.django_db


@pytest.fixture
def dpo(make_actor, municipality):
    return make_actor("dpo.bookings@example.org", Role.DATA_PROTECTION, municipality)


def _later(monkeypatch, years):
    future = timezone.now() + datetime.timedelta(days=366 * years)
    monkeypatch.setattr(retention, "timezone", types.SimpleNamespace(now=lambda: future))


def _run(actor, municipality, dry_run):
    with tenant_scope(actor.tenant_ids):
        return retention.run_retention(actor, municipality, dry_run=dry_run)


def test_closed_bookings_and_orders_go_after_their_periods(
    dpo, municipality, citizen, buyer, seller, free_service, monkeypatch
):
    _provider, _owner, service = seller
    with all_tenants():
        order = orders.place_order(
            citizen,
            buyer=buyer,
            service=service,
            split={},
            own_amount=PRICE,
            own_money=OwnMoney.AT_PROVIDER,
            idempotency_key=new_key(),
        )
        orders.cancel_by_buyer(citizen, order, reason="Non mi serve più")
    cancelled = book(citizen, free_service, buyer)
    with all_tenants():
        booking_moves.cancel_by_citizen(citizen, cancelled, reason="Impegno di lavoro")
    active = book(citizen, free_service, buyer, slot=1)
    _run(dpo, municipality, dry_run=True)

    _later(monkeypatch, 6)  # past the bookings' five years, not the orders' ten
    six = _run(dpo, municipality, dry_run=True)
    assert six.summary["bookings"]["count"] == 1 and six.summary["orders"]["count"] == 0
    assert Booking.objects_unscoped.filter(pk=cancelled.pk).exists()

    _later(monkeypatch, 11)
    eleven = _run(dpo, municipality, dry_run=True)
    assert eleven.summary["orders"]["count"] == 1
    run = _run(dpo, municipality, dry_run=False)
    assert not Booking.objects_unscoped.filter(pk=cancelled.pk).exists()
    assert not Order.objects_unscoped.filter(pk=order.pk).exists()
    # A booking still to happen (requested or confirmed) is never purged.
    assert Booking.objects_unscoped.get(pk=active.pk).status in (
        BookingStatus.REQUESTED,
        BookingStatus.CONFIRMED,
    )
    records = PurgeRecord.objects_unscoped.filter(run=run, action="deleted")
    assert set(records.values_list("object_type", "object_id")) >= {
        ("bookings.booking", str(cancelled.pk)),
        ("bookings.order", str(order.pk)),
    }
    assert records.filter(person_pseudonym=retention.pseudonym(buyer.pk)).exists()
    assert check_invariants() == []

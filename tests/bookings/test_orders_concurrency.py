"""PostgreSQL: many checkouts at once against one wallet never overspend it (each order is
all or nothing), and one form submitted many times at once is one order."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from benecomune.bookings.models import Order, OrderStatus, OwnMoney
from benecomune.bookings.services import orders
from benecomune.payments.models import PaymentIntent
from tests.bookings.test_orders_fixtures import *  # noqa: F403
from tests.bookings.test_orders_fixtures import available
from tests.helpers import run_parallel

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
PARALLEL = 32


@pytest.fixture
def one_wallet(make_fund, make_wallet, buyer):
    """50 euro: four orders of 12,50 fit, the others must be refused."""
    today = timezone.localdate()
    return make_wallet(make_fund(5_000), 5_000, person=buyer, valid_until=today.replace(year=2030))


def test_parallel_checkouts_never_overspend_one_wallet(
    seller, buyer, citizen, one_wallet, make_service_priced
):
    service = make_service_priced

    def work(i):
        try:
            return orders.place_order(
                citizen,
                buyer=buyer,
                service=service,
                split={one_wallet.pk: 1_250},
                idempotency_key=f"parallel-{i}",
            ).status
        except ValidationError:
            return "refused"

    results, errors = run_parallel(PARALLEL, work)
    assert errors == []
    assert results.count(OrderStatus.CONFIRMED) == 4
    assert results.count("refused") == PARALLEL - 4
    assert available(one_wallet) == 0
    # Refused checkouts left nothing behind.
    assert Order.objects_unscoped.count() == 4 == PaymentIntent.objects_unscoped.count()


def test_one_form_submitted_at_once_is_one_order(seller, buyer, citizen, one_wallet, hosted):
    _provider, _owner, service = seller

    def work(i):
        return orders.place_order(
            citizen,
            buyer=buyer,
            service=service,
            split={one_wallet.pk: 2_000},
            own_amount=3_000,
            own_money=OwnMoney.ONLINE,
            idempotency_key="same-form",
        ).pk

    results, errors = run_parallel(16, work)
    assert errors == [] and len(set(results)) == 1
    assert Order.objects_unscoped.count() == 1
    assert available(one_wallet) == 3_000
    assert len(hosted.calls) == 1


@pytest.fixture
def make_service_priced(seller):
    from tests.marketplace.test_catalogue import make_service

    provider, owner, _service = seller
    return make_service(owner, provider, price="12,50", title="Un'ora di doposcuola")

"""The voucher till's two-phase payment is a client of payments: each authorisation is an
intent with one wallet leg, captured, voided or released through it."""

import datetime

import pytest
from django.utils import timezone

from benecomune.ledger.models import Reservation
from benecomune.ledger.services import statements
from benecomune.payments.models import IntentStatus, LegStatus, PaymentIntent
from benecomune.payments.services.common import legs_of
from benecomune.vouchers.models import Authorisation
from benecomune.vouchers.services import authorisations
from tests.vouchers import conftest as voucher_fixtures

fresh_caches = voucher_fixtures.fresh_caches
join = voucher_fixtures.join
citizen = voucher_fixtures.citizen
voucher = voucher_fixtures.voucher
member_shop = voucher_fixtures.member_shop
ctx = voucher_fixtures.ctx
cashier = voucher_fixtures.cashier
cashier_actor = voucher_fixtures.cashier_actor
qr = voucher_fixtures.qr

pytestmark = pytest.mark.django_db


def _authorise(cashier_actor, ctx, voucher, amount, key):
    return authorisations.authorise(
        cashier_actor, ctx, code=qr(voucher), amount=amount, idempotency_key=key
    )


def _intent(authorisation) -> PaymentIntent:
    return PaymentIntent.objects_unscoped.get(
        payee_id=authorisation.merchant_id,
        object_type="vouchers.authorisation",
        object_id=authorisation.idempotency_key,
    )


def test_an_authorisation_is_an_intent_with_one_wallet_leg(cashier_actor, ctx, voucher):
    authorisation = _authorise(cashier_actor, ctx, voucher, 3_000, "a1")
    intent = _intent(authorisation)
    assert (intent.status, intent.amount, intent.buyer_id) == (
        IntentStatus.AUTHORISED,
        3_000,
        voucher.person_id,
    )
    [leg] = legs_of(intent)
    assert (leg.wallet_id, leg.amount, leg.hold_id) == (voucher.pk, 3_000, authorisation.hold_id)
    # A replay of the till's call creates nothing more.
    assert _authorise(cashier_actor, ctx, voucher, 3_000, "a1").pk == authorisation.pk
    assert PaymentIntent.objects_unscoped.count() == Reservation.objects_unscoped.count() == 1

    redemption = authorisations.capture(
        cashier_actor, ctx, authorisation.pk, idempotency_key="c1", amount=2_000
    )
    intent.refresh_from_db()
    assert (intent.status, intent.captured) == (IntentStatus.PARTIALLY_CAPTURED, 2_000)
    leg.refresh_from_db()
    assert (leg.captured, leg.status) == (2_000, LegStatus.CAPTURED)
    # The ledger keeps the till's key for the payment, as before.
    assert redemption.transfer.idempotency_key == f"pos:{ctx.merchant_id}:c1"
    assert statements.available(voucher.account) == 8_000


def test_voiding_at_the_till_voids_the_intent(cashier_actor, ctx, voucher):
    authorisation = _authorise(cashier_actor, ctx, voucher, 1_500, "a2")
    authorisations.void_authorisation(cashier_actor, ctx, authorisation.pk, idempotency_key="v")
    assert _intent(authorisation).status == IntentStatus.VOIDED
    assert statements.available(voucher.account) == 10_000


def test_an_expired_authorisation_voids_its_intent(cashier_actor, ctx, voucher, system_actor):
    authorisation = _authorise(cashier_actor, ctx, voucher, 1_500, "a3")
    Authorisation.objects_unscoped.filter(pk=authorisation.pk).update(
        expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    assert authorisations.release_expired(system_actor) == 1
    assert _intent(authorisation).status == IntentStatus.VOIDED
    assert statements.available(voucher.account) == 10_000


def test_a_refused_authorisation_leaves_no_intent(cashier_actor, ctx, voucher):
    from benecomune.vouchers.services.errors import VoucherError

    with pytest.raises(VoucherError):
        _authorise(cashier_actor, ctx, voucher, 10_001, "a4")
    assert not PaymentIntent.objects_unscoped.exists()
    assert statements.available(voucher.account) == 10_000

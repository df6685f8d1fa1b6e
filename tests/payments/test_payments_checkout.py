"""Payment intents through the services: planning, authorise/capture/void/refund, all-or-none
authorisation, idempotent replays, who may act."""

import pytest
from django.core.exceptions import PermissionDenied

from benecomune.core.models import Role
from benecomune.ledger.exceptions import IdempotencyConflict, InsufficientFunds, NotSpendable
from benecomune.ledger.models import Reservation, Transfer, TransferKind
from benecomune.ledger.services import statements
from benecomune.ledger.services.wallets import merchant_account
from benecomune.payments.exceptions import GatewayDeclined, IntentStateError
from benecomune.payments.models import IntentStatus, LegStatus, PaymentIntent
from benecomune.payments.services import checkout, planning, refunds
from benecomune.payments.services.common import legs_of
from benecomune.payments.services.own_money import own_money_wallet
from benecomune.payments.services.planning import gateway_leg, wallet_leg
from tests.helpers import actor_for

pytestmark = pytest.mark.django_db


def balance(wallet_or_account):
    return statements.balance(getattr(wallet_or_account, "account", wallet_or_account))


def available(wallet):
    return statements.available(wallet.account)


def new_intent(actor, buyer, shop, amount, key, legs=None, gateway=""):
    intent = checkout.create_intent(
        actor,
        buyer=buyer,
        payee=shop,
        amount=amount,
        legs=legs,
        gateway=gateway,
        idempotency_key=key(),
        object_type="tests.order",
        object_id="1",
    )
    return intent


def test_plan_takes_earliest_expiry_then_smallest_then_own_money(
    buyer, shop_, buyer_wallets, make_fund, make_wallet
):
    first_expiring = buyer_wallets[1]  # 10 days, 30 euro
    legs = planning.plan_legs(buyer, shop_, 4_000)
    assert [(leg.wallet, leg.amount) for leg in legs] == [
        (first_expiring, 3_000),
        (buyer_wallets[2], 1_000),
    ]
    legs = planning.plan_legs(buyer, shop_, 7_000, gateway="fake")
    assert [leg.signature() for leg in legs] == [
        ("wallet", buyer_wallets[1].pk, "", 3_000),
        ("wallet", buyer_wallets[2].pk, "", 1_000),
        ("wallet", buyer_wallets[0].pk, "", 2_000),
        ("gateway", None, "fake", 1_000),
    ]
    with pytest.raises(InsufficientFunds):
        planning.plan_legs(buyer, shop_, 7_000)
    # Same expiry: the smaller balance first.
    twin = make_wallet(make_fund(500), 500, person=buyer, valid_until=buyer_wallets[1].valid_until)
    assert planning.plan_legs(buyer, shop_, 600)[0].wallet == twin


def test_plan_skips_wallets_whose_rules_refuse_the_payee(
    buyer, make_provider, make_fund, make_wallet
):
    make_wallet(make_fund(1_000), 1_000, person=buyer, categories=["pharmacy"])
    anything = make_wallet(make_fund(1_000), 1_000, person=buyer)
    grocery = make_provider(category="grocery")
    assert [leg.wallet for leg in planning.plan_legs(buyer, grocery, 800)] == [anything]


def test_full_cycle_with_wallets_and_own_money(
    system_actor, buyer, shop_, buyer_wallets, fake_gateway, key
):
    intent = new_intent(system_actor, buyer, shop_, 7_500, key, gateway="fake")
    assert intent.status == IntentStatus.REQUIRES_AUTHORISATION
    intent = checkout.authorise(system_actor, intent)
    assert intent.status == IntentStatus.AUTHORISED
    assert [available(w) for w in buyer_wallets] == [0, 0, 0]
    assert fake_gateway.calls == [("authorise", legs_of(intent).last().reference, 1_500)]

    intent = checkout.capture(system_actor, intent)
    assert (intent.status, intent.captured) == (IntentStatus.CAPTURED, 7_500)
    assert balance(merchant_account(shop_)) == 7_500
    assert [balance(w) for w in buyer_wallets] == [0, 0, 0]
    own = own_money_wallet(buyer)
    assert balance(own) == 0  # a pass-through
    top_up = Transfer.objects.get(kind=TransferKind.TOP_UP, credit_account=own.account)
    assert top_up.amount == 1_500 and top_up.debit_account.kind == "external"

    intent = refunds.refund(system_actor, intent, idempotency_key=key())
    assert (intent.status, intent.refunded) == (IntentStatus.REFUNDED, 7_500)
    assert [balance(w) for w in buyer_wallets] == [2_000, 3_000, 1_000]
    assert balance(merchant_account(shop_)) == 0
    assert balance(top_up.debit_account) == 0
    assert fake_gateway.calls[-1][0] == "refund"


def test_partial_capture_takes_legs_in_order_and_releases_the_rest(
    system_actor, buyer, shop_, buyer_wallets, key
):
    w0, w1, w2 = buyer_wallets
    legs = [wallet_leg(w0, 2_000), wallet_leg(w1, 1_000), wallet_leg(w2, 500)]
    intent = checkout.authorise(
        system_actor, new_intent(system_actor, buyer, shop_, 3_500, key, legs)
    )
    intent = checkout.capture(system_actor, intent, 2_500)
    assert (intent.status, intent.captured) == (IntentStatus.PARTIALLY_CAPTURED, 2_500)
    assert [(leg.captured, leg.status) for leg in legs_of(intent).all()] == [
        (2_000, LegStatus.CAPTURED),
        (500, LegStatus.CAPTURED),
        (0, LegStatus.RELEASED),
    ]
    assert [balance(w) for w in buyer_wallets] == [0, 2_500, 1_000]
    assert [available(w) for w in buyer_wallets] == [0, 2_500, 1_000]
    assert not any(r.open_amount for r in Reservation.objects_unscoped.all())
    # An intent is captured once: a replay returns it, another amount is refused.
    assert checkout.capture(system_actor, intent, 2_500).captured == 2_500
    with pytest.raises(IntentStateError):
        checkout.capture(system_actor, intent, 100)


def test_partial_refunds_go_back_to_the_last_leg_first(
    system_actor, buyer, shop_, buyer_wallets, fake_gateway, key
):
    w0 = buyer_wallets[0]
    legs = [wallet_leg(w0, 1_000), gateway_leg("fake", 600)]
    intent = checkout.authorise(
        system_actor, new_intent(system_actor, buyer, shop_, 1_600, key, legs)
    )
    intent = checkout.capture(system_actor, intent)
    intent = refunds.refund(system_actor, intent, 400, idempotency_key=key())
    assert (intent.status, intent.refunded) == (IntentStatus.PARTIALLY_REFUNDED, 400)
    assert [leg.refunded for leg in legs_of(intent).all()] == [0, 400]
    assert balance(merchant_account(shop_)) == 1_200
    reference = legs_of(intent).last().reference
    assert fake_gateway.authorisations[reference].refunded == 400
    intent = refunds.refund(system_actor, intent, 500, idempotency_key=key())
    assert [leg.refunded for leg in legs_of(intent).all()] == [300, 600]
    assert balance(w0) == 1_000 + 300
    assert balance(merchant_account(shop_)) == 700
    with pytest.raises(IntentStateError):
        refunds.refund(system_actor, intent, 800, idempotency_key=key())
    intent = refunds.refund(system_actor, intent, idempotency_key=key())
    assert intent.status == IntentStatus.REFUNDED
    assert balance(w0) == 2_000 and balance(merchant_account(shop_)) == 0


def test_void_releases_every_hold_and_the_provider(
    system_actor, buyer, shop_, buyer_wallets, fake_gateway, key
):
    legs = [wallet_leg(buyer_wallets[0], 1_500), gateway_leg("fake", 700)]
    intent = checkout.authorise(
        system_actor, new_intent(system_actor, buyer, shop_, 2_200, key, legs)
    )
    intent = checkout.void(system_actor, intent)
    assert intent.status == IntentStatus.VOIDED
    assert available(buyer_wallets[0]) == 2_000
    assert fake_gateway.authorisations[legs_of(intent).last().reference].voided
    assert checkout.void(system_actor, intent).status == IntentStatus.VOIDED  # twice: the same
    with pytest.raises(IntentStateError):
        checkout.capture(system_actor, intent)
    assert Transfer.objects.filter(kind=TransferKind.PAYMENT).count() == 0


@pytest.mark.parametrize("failure", ["insufficient", "rules", "gateway"])
def test_second_leg_failing_authorises_nothing(
    failure, system_actor, buyer, shop_, buyer_wallets, make_fund, make_wallet, fake_gateway, key
):
    first = buyer_wallets[0]
    if failure == "insufficient":
        second, error = wallet_leg(buyer_wallets[1], 3_001), InsufficientFunds
    elif failure == "rules":
        pharmacy = make_wallet(make_fund(900), 900, person=buyer, categories=["pharmacy"])
        second, error = wallet_leg(pharmacy, 500), NotSpendable
    else:
        fake_gateway.decline = True
        second, error = gateway_leg("fake", 500), GatewayDeclined
    legs = [wallet_leg(first, 1_000), second]
    intent = new_intent(system_actor, buyer, shop_, 1_000 + second.amount, key, legs)
    with pytest.raises(error):
        checkout.authorise(system_actor, intent)
    intent.refresh_from_db()
    assert intent.status == IntentStatus.FAILED and intent.failure_reason
    assert {leg.status for leg in legs_of(intent).all()} == {LegStatus.FAILED}
    assert available(first) == 2_000
    assert not Reservation.objects_unscoped.exists()
    with pytest.raises(IntentStateError):
        checkout.authorise(system_actor, intent)


def test_a_later_failing_leg_voids_the_provider_authorisation(
    system_actor, buyer, shop_, buyer_wallets, fake_gateway, key
):
    legs = [gateway_leg("fake", 500), wallet_leg(buyer_wallets[2], 1_500)]  # only 10 euro there
    intent = new_intent(system_actor, buyer, shop_, 2_000, key, legs)
    with pytest.raises(InsufficientFunds):
        checkout.authorise(system_actor, intent)
    assert [call[0] for call in fake_gateway.calls] == ["authorise", "void"]
    assert all(a.voided for a in fake_gateway.authorisations.values())


def test_replays_return_the_same_intent_and_conflicts_are_refused(
    system_actor, buyer, shop_, buyer_wallets, key
):
    legs = [wallet_leg(buyer_wallets[0], 1_000)]
    the_key = key()
    args = {
        "buyer": buyer,
        "payee": shop_,
        "amount": 1_000,
        "idempotency_key": the_key,
        "legs": legs,
    }
    first = checkout.create_intent(system_actor, **args)
    assert checkout.create_intent(system_actor, **args) == first
    with pytest.raises(IdempotencyConflict):
        checkout.create_intent(system_actor, **{**args, "amount": 900})
    with pytest.raises(IdempotencyConflict):
        checkout.create_intent(
            system_actor, **{**args, "legs": [wallet_leg(buyer_wallets[1], 1_000)]}
        )
    checkout.authorise(system_actor, first)
    assert checkout.authorise(system_actor, first).status == IntentStatus.AUTHORISED
    assert Reservation.objects_unscoped.count() == 1
    checkout.capture(system_actor, first)
    refund_key = key()
    refunds.refund(system_actor, first, 300, idempotency_key=refund_key)
    again = refunds.refund(system_actor, first, 300, idempotency_key=refund_key)
    assert again.refunded == 300
    with pytest.raises(IdempotencyConflict):
        refunds.refund(system_actor, first, 200, idempotency_key=refund_key)
    assert PaymentIntent.objects_unscoped.count() == 1


def test_another_shops_staff_cannot_capture_or_refund(
    system_actor, buyer, shop_, buyer_wallets, make_provider, make_user, key
):
    other = make_provider(name="Altro negozio", category="grocery")
    stranger = actor_for(
        make_user("cassa@altro.example.org", role=Role.MERCHANT_STAFF, organization=other),
        Role.MERCHANT_STAFF,
        other,
    )
    own_staff = actor_for(
        make_user("cassa@bottega.example.org", role=Role.MERCHANT_STAFF, organization=shop_),
        Role.MERCHANT_STAFF,
        shop_,
    )
    legs = [wallet_leg(buyer_wallets[0], 1_000)]
    with pytest.raises(PermissionDenied):
        new_intent(stranger, buyer, shop_, 1_000, key, legs)
    intent = checkout.authorise(own_staff, new_intent(own_staff, buyer, shop_, 1_000, key, legs))
    with pytest.raises(PermissionDenied):
        checkout.capture(stranger, intent)
    with pytest.raises(PermissionDenied):
        checkout.void(stranger, intent)
    intent = checkout.capture(own_staff, intent)
    with pytest.raises(PermissionDenied):
        refunds.refund(stranger, intent, idempotency_key=key())
    assert balance(merchant_account(shop_)) == 1_000


def test_the_buyer_may_pay_and_cancel_but_not_capture(buyer, shop_, buyer_wallets, make_user, key):
    me = actor_for(make_user("mario@example.org", person=buyer))
    legs = [wallet_leg(buyer_wallets[0], 800)]
    intent = checkout.authorise(me, new_intent(me, buyer, shop_, 800, key, legs))
    with pytest.raises(PermissionDenied):
        checkout.capture(me, intent)
    assert checkout.void(me, intent).status == IntentStatus.VOIDED


def test_legs_must_be_the_buyers_and_add_up(
    system_actor, buyer, shop_, buyer_wallets, make_wallet, make_fund, key
):
    from benecomune.payments.exceptions import PaymentError

    someone_else = make_wallet(make_fund(500), 500)
    with pytest.raises(PaymentError):
        new_intent(system_actor, buyer, shop_, 500, key, [wallet_leg(someone_else, 500)])
    with pytest.raises(PaymentError):
        new_intent(system_actor, buyer, shop_, 900, key, [wallet_leg(buyer_wallets[0], 800)])


def test_a_provider_refusing_the_capture_moves_nothing(
    system_actor, buyer, shop_, buyer_wallets, fake_gateway, key
):
    legs = [wallet_leg(buyer_wallets[0], 1_000), gateway_leg("fake", 500)]
    intent = checkout.authorise(
        system_actor, new_intent(system_actor, buyer, shop_, 1_500, key, legs)
    )

    def refuse(reference, amount):
        raise GatewayDeclined("rifiutato")

    fake_gateway.capture = refuse
    with pytest.raises(GatewayDeclined):
        checkout.capture(system_actor, intent)
    intent.refresh_from_db()
    assert (intent.status, intent.captured) == (IntentStatus.AUTHORISED, 0)
    assert available(buyer_wallets[0]) == 1_000  # still held
    assert balance(merchant_account(shop_)) == 0
    assert not Transfer.objects.filter(kind=TransferKind.PAYMENT).exists()

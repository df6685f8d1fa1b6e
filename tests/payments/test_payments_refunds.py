"""Refunds of payment intents with REFUND transfers: exactly the refunded amount moves back to
each leg, one transfer per piece touched (two for own money), no reversal and no payment
again; the citizen's statement reads "Rimborso da <shop>"; expired wallets; money already
given back another way."""

import datetime

import pytest
from django.utils import timezone

from benecomune.ledger.models import Transfer, TransferKind
from benecomune.ledger.services import statements, transfers, wallets
from benecomune.payments.exceptions import IntentStateError
from benecomune.payments.models import IntentStatus, LegCapture, LegStatus
from benecomune.payments.services import checkout, refunds
from benecomune.payments.services.common import legs_of
from benecomune.payments.services.own_money import own_money_wallet
from benecomune.payments.services.planning import gateway_leg, wallet_leg

pytestmark = pytest.mark.django_db


def captured(actor, buyer, shop, legs, key):
    intent = checkout.create_intent(
        actor,
        buyer=buyer,
        payee=shop,
        amount=sum(leg.amount for leg in legs),
        legs=legs,
        idempotency_key=key(),
    )
    return checkout.capture(actor, checkout.authorise(actor, intent))


def moved_after(last_pk):
    return list(Transfer.objects_unscoped.filter(pk__gt=last_pk).order_by("pk"))


def last_transfer():
    return Transfer.objects_unscoped.order_by("-pk").values_list("pk", flat=True).first()


def test_partial_refund_of_two_legs_is_one_refund_per_leg(
    system_actor, buyer, shop_, buyer_wallets, fake_gateway, key
):
    w0 = buyer_wallets[0]
    intent = captured(
        system_actor, buyer, shop_, [wallet_leg(w0, 1_000), gateway_leg("fake", 600)], key
    )
    receivable = wallets.merchant_account(shop_)
    own = own_money_wallet(buyer)
    wallet_piece, own_piece = LegCapture.objects_unscoped.order_by("leg__position")
    mark = last_transfer()

    refunds.refund(system_actor, intent, 900, idempotency_key=key())

    made = moved_after(mark)
    assert {t.kind for t in made} == {TransferKind.REFUND}
    assert [(t.debit_account_id, t.credit_account_id, t.amount, t.object_id) for t in made] == [
        (receivable.pk, own.account_id, 600, str(own_piece.payment_id)),
        (own.account_id, own_piece.top_up.debit_account_id, 600, str(own_piece.top_up_id)),
        (receivable.pk, w0.account_id, 300, str(wallet_piece.payment_id)),
    ]
    assert statements.balance(w0.account) == 2_000 - 1_000 + 300
    assert statements.balance(receivable) == 700
    assert statements.balance(own.account) == 0  # still a pass-through
    assert fake_gateway.calls[-1] == ("refund", legs_of(intent).last().reference, 600)
    # The partly refunded piece stays one piece: no new PAYMENT for the part kept.
    assert LegCapture.objects_unscoped.count() == 2
    assert [p.refunded for p in LegCapture.objects_unscoped.order_by("leg__position")] == [
        False,
        True,
    ]
    # The rest, then nothing more.
    intent = refunds.refund(system_actor, intent, idempotency_key=key())
    assert (intent.status, intent.refunded) == (IntentStatus.REFUNDED, 1_600)
    assert [leg.status for leg in legs_of(intent)] == [LegStatus.REFUNDED, LegStatus.REFUNDED]
    assert not Transfer.objects_unscoped.filter(kind=TransferKind.REVERSAL).exists()
    assert Transfer.objects_unscoped.filter(kind=TransferKind.PAYMENT).count() == 2
    assert statements.balance(w0.account) == 2_000


def test_citizen_statement_reads_refund_from_the_shop(
    system_actor, buyer, shop_, buyer_wallets, key
):
    wallet = buyer_wallets[0]
    intent = captured(system_actor, buyer, shop_, [wallet_leg(wallet, 1_200)], key)
    refunds.refund(system_actor, intent, 200, idempotency_key=key(), reason="Reso di un articolo")
    _opening, entries = statements.statement(wallet.account, scoped=False)
    rows = [(statements.describe(e)[0], e.amount, e.running_balance) for e in entries[:2]]
    assert rows == [
        (f"Rimborso da {shop_.name}", 200, 1_000),
        (f"Pagamento: {shop_.name}", -1_200, 800),
    ]


def test_partial_refund_to_a_wallet_expired_since_the_purchase(
    system_actor, buyer, shop_, make_fund, make_wallet, key
):
    """Before REFUND, a partial refund paid the kept part again and the expired wallet
    refused it. Now the part goes back and the expiry sweep returns it to the fund."""
    today = timezone.localdate()
    fund = make_fund(1_000)
    wallet = make_wallet(fund, 1_000, person=buyer, valid_until=today + datetime.timedelta(days=1))
    intent = captured(system_actor, buyer, shop_, [wallet_leg(wallet, 800)], key)
    later = today + datetime.timedelta(days=2)
    assert [t.amount for t in wallets.expire_wallets(system_actor, today=later)] == [200]

    intent = refunds.refund(system_actor, intent, 300, idempotency_key=key())

    assert intent.status == IntentStatus.PARTIALLY_REFUNDED
    assert statements.balance(wallet.account) == 300
    assert [t.amount for t in wallets.expire_wallets(system_actor, today=later)] == [300]
    assert statements.balance(fund.account) == 500


def test_money_already_given_back_by_a_reversal_is_not_refunded_again(
    system_actor, buyer, shop_, buyer_wallets, key
):
    wallet = buyer_wallets[0]
    intent = captured(system_actor, buyer, shop_, [wallet_leg(wallet, 500)], key)
    piece = LegCapture.objects_unscoped.get()
    transfers.reverse(system_actor, piece.payment)  # e.g. the till's void of the sale
    with pytest.raises(IntentStateError):
        refunds.refund(system_actor, intent, 100, idempotency_key=key())
    intent.refresh_from_db()
    assert intent.refunded == 0
    assert statements.balance(wallet.account) == 2_000
    assert not Transfer.objects_unscoped.filter(kind=TransferKind.REFUND).exists()

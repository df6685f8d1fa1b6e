"""The ledger side of a leg: capturing it, refunding part of a piece.
Callers hold the intent's lock inside their transaction and have checked the actor."""

from benecomune.core.actors import Actor
from benecomune.core.models import Provider
from benecomune.ledger import spending
from benecomune.ledger.models import Account, Reservation, Transfer, TransferKind, Wallet
from benecomune.ledger.services import holds, refunds, transfers
from benecomune.payments.models import LegCapture, LegSource, PaymentIntent, PaymentLeg
from benecomune.payments.services.common import transfer_key
from benecomune.payments.services.own_money import gateway_account, own_money_wallet


def _piece(leg: PaymentLeg, amount: int, payment: Transfer, top_up: Transfer | None):
    return LegCapture.objects_unscoped.create(
        organization_id=leg.organization_id, leg=leg, amount=amount, payment=payment, top_up=top_up
    )


def capture_wallet_leg(
    actor: Actor,
    intent: PaymentIntent,
    leg: PaymentLeg,
    amount: int,
    payee: Provider,
    credit,
    *,
    key: str = "",
) -> None:
    """Pay `amount` of the leg's hold (0: none) and release the rest of it."""
    wallet = Wallet.objects_unscoped.select_related("account").get(pk=leg.wallet_id)
    hold = Reservation.objects_unscoped.get(pk=leg.hold_id)
    if amount == 0:
        holds.void(actor, hold, wallet=wallet, merchant=payee)
        return
    # The capture checks the spending rules again: they must see what is bought (a service of
    # the marketplace, not a shop's goods), as the authorisation did.
    with spending.buying(intent.object_type, intent.object_id):
        payment = holds.capture(
            actor,
            hold,
            wallet=wallet,
            merchant=payee,
            amount=amount,
            idempotency_key=key or transfer_key(intent, "capture", leg.position),
            merchant_account_=credit,
            obj=intent,
        )
    _piece(leg, amount, payment, None)


def pay_piece(
    actor: Actor,
    intent: PaymentIntent,
    leg: PaymentLeg,
    amount: int,
    tag: str,
    payee: Provider,
    credit: Account,
) -> LegCapture:
    """A new piece of `amount`: a PAYMENT from the leg's wallet (own money: brought in by a
    TOP_UP first)."""
    top_up = None
    if leg.source == LegSource.GATEWAY:
        wallet = own_money_wallet(intent.buyer)
        top_up = transfers.transfer(
            actor,
            debit=gateway_account(wallet, leg.gateway),
            credit=wallet.account,
            amount=amount,
            kind=TransferKind.TOP_UP,
            idempotency_key=transfer_key(intent, "top_up", leg.position, tag),
            obj=intent,
            wallet=wallet,
        )
    else:
        wallet = Wallet.objects_unscoped.select_related("account").get(pk=leg.wallet_id)
    payment = transfers.transfer(
        actor,
        debit=wallet.account,
        credit=credit,
        amount=amount,
        kind=TransferKind.PAYMENT,
        idempotency_key=transfer_key(intent, "pay", leg.position, tag),
        obj=intent,
        memo=payee.name,
        wallet=wallet,
        merchant=payee,
    )
    return _piece(leg, amount, payment, top_up)


def capture_gateway_leg(
    actor: Actor, intent: PaymentIntent, leg: PaymentLeg, amount: int, payee: Provider, credit
) -> None:
    """Own money captured: TOP_UP of the own-money wallet, then PAYMENT to the payee."""
    pay_piece(actor, intent, leg, amount, "capture", payee, credit)


def piece_left(piece: LegCapture) -> int:
    """Cents of the piece still with the payee (what its PAYMENT may still refund)."""
    return 0 if piece.refunded else refunds.refundable(piece.payment)


def refund_piece(
    actor: Actor, intent: PaymentIntent, piece: LegCapture, amount: int, tag: str, *, whole: bool
) -> None:
    """Give `amount` of a piece back the way it came: one REFUND of its PAYMENT (merchant →
    wallet) and, for own money, one REFUND of its TOP_UP (own-money wallet → the provider's
    external account; the provider then refunds the buyer). The ledger refuses more than is
    left of the piece (ledger/services/refunds.py). `whole`: nothing of it is left after."""
    refunds.refund(
        actor, piece.payment, amount, idempotency_key=transfer_key(intent, "refund", tag, piece.pk)
    )
    if piece.top_up_id is not None:
        refunds.refund(
            actor,
            piece.top_up,
            amount,
            idempotency_key=transfer_key(intent, "refund", tag, piece.pk, "out"),
        )
    if whole:
        LegCapture.objects_unscoped.filter(pk=piece.pk).update(refunded=True)
        piece.refunded = True


def captured_payments(intent: PaymentIntent) -> list[Transfer]:
    """The PAYMENT transfers that moved the intent's money to the payee, in leg order."""
    pieces = LegCapture.objects_unscoped.filter(leg__intent_id=intent.pk).select_related("payment")
    return [piece.payment for piece in pieces.order_by("leg__position", "pk")]

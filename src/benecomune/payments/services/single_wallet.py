"""One-wallet intents for clients that think in holds (the voucher till's two-phase payment):
an authorisation is an intent with one wallet leg, and the client keeps the leg's hold.
Holds made before the till used intents have none: they keep the plain ledger-hold path."""

from benecomune.core.actors import Actor
from benecomune.core.models import Person, Provider
from benecomune.ledger.models import Account, Reservation, Transfer, Wallet
from benecomune.ledger.services import holds
from benecomune.payments.models import PaymentIntent, PaymentLeg
from benecomune.payments.services import checkout
from benecomune.payments.services.movements import captured_payments
from benecomune.payments.services.planning import wallet_leg


def authorise_wallet(
    actor: Actor,
    *,
    wallet: Wallet,
    payee: Provider,
    amount: int,
    idempotency_key: str,
    object_type: str = "",
    object_id: str = "",
) -> Reservation:
    """Create and authorise an intent paid by `wallet` alone; return the leg's hold."""
    intent = checkout.create_intent(
        actor,
        buyer=Person(pk=wallet.person_id),
        payee=payee,
        amount=amount,
        legs=[wallet_leg(wallet, amount)],
        idempotency_key=idempotency_key,
        object_type=object_type,
        object_id=object_id,
    )
    checkout.authorise(actor, intent)
    return PaymentLeg.objects_unscoped.select_related("hold").get(intent_id=intent.pk).hold


def intent_of_hold(hold_id: int) -> PaymentIntent | None:
    leg = PaymentLeg.objects_unscoped.select_related("intent").filter(hold_id=hold_id).first()
    return leg.intent if leg is not None else None


def capture_hold(
    actor: Actor,
    hold_id: int,
    *,
    wallet: Wallet,
    payee: Provider,
    amount: int | None,
    ledger_key: str,
    merchant_account_: Account | None = None,
) -> Transfer:
    """Capture the intent of the hold (all, or `amount` and release the rest); the payment."""
    intent = intent_of_hold(hold_id)
    if intent is None:
        return holds.capture(
            actor,
            Reservation.objects_unscoped.get(pk=hold_id),
            wallet=wallet,
            merchant=payee,
            amount=amount,
            idempotency_key=ledger_key,
            merchant_account_=merchant_account_,
        )
    checkout.capture(actor, intent, amount, ledger_key=ledger_key)
    return captured_payments(intent)[0]


def void_hold(
    actor: Actor, hold_id: int, *, wallet: Wallet, payee: Provider, reason: str = ""
) -> None:
    """Void the intent of the hold: the held money is available again."""
    intent = intent_of_hold(hold_id)
    if intent is None:
        hold = Reservation.objects_unscoped.get(pk=hold_id)
        holds.void(actor, hold, wallet=wallet, merchant=payee, reason=reason)
    else:
        checkout.void(actor, intent, reason=reason)

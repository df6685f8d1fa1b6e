"""Payment intents: create, authorise (all legs or none), capture (all or part), void.

One intent per purchase under one idempotency key. Every use case runs in one transaction
under the intent's row lock, checks who acts, writes its audit event, and is safe to repeat:
replaying a step already done returns the intent as it is; the same key or step with other
data raises IdempotencyConflict.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from benecomune.core import audit
from benecomune.core.actors import Actor
from benecomune.core.models import Provider
from benecomune.ledger import spending
from benecomune.ledger.exceptions import LedgerError
from benecomune.ledger.money import format_euro
from benecomune.ledger.services import holds
from benecomune.ledger.services.transfers import _check_amount, lock_accounts
from benecomune.ledger.services.wallets import merchant_account
from benecomune.payments.exceptions import IntentStateError
from benecomune.payments.gateways import get_gateway
from benecomune.payments.models import (
    IntentStatus,
    LegSource,
    LegStatus,
    PaymentIntent,
)
from benecomune.payments.services.common import (
    audit_intent,
    compensating,
    is_buyer,
    legs_of,
    lock_intent,
    require_party,
    require_payee,
    transfer_key,
)
from benecomune.payments.services.intents import create_intent, require_purchase_allowed
from benecomune.payments.services.movements import capture_gateway_leg, capture_wallet_leg

__all__ = ["authorise", "capture", "create_and_authorise", "create_intent", "void"]

CAPTURABLE = (IntentStatus.AUTHORISED,)


def authorise(actor: Actor, intent: PaymentIntent, *, _new_legs=None) -> PaymentIntent:
    """Hold every leg (wallets as ledger holds, own money at the provider) or none. On refusal
    the intent is marked failed (its own transaction) and the error is raised."""
    try:
        return _authorise(actor, intent, _new_legs)
    except LedgerError as exc:  # PaymentError and GatewayDeclined are LedgerErrors too
        if isinstance(exc, IntentStateError):
            raise
        _mark_failed(actor, intent, exc)
        raise


def create_and_authorise(actor: Actor, **intent_fields) -> PaymentIntent:
    """`create_intent` and `authorise` in the caller's transaction (a purchase made and paid at
    once: an order, a booking). A new intent is authorised from the rows just written (its
    legs with the caller's wallets, its payee): its row is this transaction's until commit, so
    no other can change it and it is not read again under a lock. A replay of the key
    authorises the stored intent as `authorise` does."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("create_and_authorise runs inside the purchase's transaction")
    created: list = []
    intent = create_intent(actor, created_legs=created, **intent_fields)
    return authorise(actor, intent, _new_legs=created or None)


@transaction.atomic
def _authorise(actor: Actor, intent: PaymentIntent, new_legs=None) -> PaymentIntent:
    require_party(actor, intent)
    if new_legs is not None:  # created in this transaction (create_and_authorise)
        legs = sorted(new_legs, key=lambda leg: leg.position)
        payee = intent.payee
    else:
        intent = lock_intent(intent)
        if intent.status != IntentStatus.REQUIRES_AUTHORISATION:
            if intent.status == IntentStatus.FAILED:
                raise IntentStateError(
                    intent.failure_reason or _("Il pagamento non è stato autorizzato.")
                )
            if intent.status == IntentStatus.VOIDED:
                raise IntentStateError(_("Il pagamento è stato annullato."))
            return intent  # a replay: already authorised (or further on)
        legs = list(legs_of(intent).select_related("wallet__account").order_by("position"))
        payee = Provider.objects.select_related("municipality").get(pk=intent.payee_id)
    # All wallets locked up front in id order: two intents on the same wallets never deadlock.
    lock_accounts(leg.wallet.account_id for leg in legs if leg.wallet is not None)
    with compensating() as undo, spending.buying(intent.object_type, intent.object_id):
        for leg in legs:
            if leg.source == LegSource.WALLET:
                # Checked again now: an accreditation may have been suspended since creation.
                require_purchase_allowed(leg.wallet, payee, intent.object_type, intent.object_id)
                leg.hold = holds.authorise(
                    actor,
                    wallet=leg.wallet,
                    merchant=payee,
                    amount=leg.amount,
                    idempotency_key=transfer_key(intent, "hold", leg.position),
                    reason=payee.name,
                )
            else:
                gateway = get_gateway(leg.gateway)
                leg.reference = gateway.authorise(
                    amount=leg.amount,
                    idempotency_key=f"{intent.idempotency_key}:{leg.position}",
                    description=payee.name,
                )
                undo.append(lambda g=gateway, r=leg.reference: g.void(r))
            leg.status = LegStatus.AUTHORISED
            leg.save(update_fields=["hold", "reference", "status"])
        intent.status = IntentStatus.AUTHORISED
        intent.save(update_fields=["status", "updated_at"])
        audit_intent(actor, "intent_authorised", intent, legs=len(legs))
    return intent


@transaction.atomic
def _mark_failed(actor: Actor, intent: PaymentIntent, exc: Exception) -> None:
    intent = lock_intent(intent)
    if intent.status != IntentStatus.REQUIRES_AUTHORISATION:
        return
    reason = " ".join(getattr(exc, "messages", [str(exc)]))[:300]
    intent.status = IntentStatus.FAILED
    intent.failure_reason = reason
    intent.save(update_fields=["status", "failure_reason", "updated_at"])
    legs_of(intent).update(status=LegStatus.FAILED)
    audit.record(
        actor,
        "payments.intent_failed",
        intent,
        organization=intent.organization_id,
        person=intent.buyer_id,
        after={"amount": intent.amount},
        reason=reason,
    )


@transaction.atomic
def capture(
    actor: Actor, intent: PaymentIntent, amount: int | None = None, *, ledger_key: str = ""
) -> PaymentIntent:
    """Take `amount` (default: all) of an authorised intent, drawn from the legs in their
    order; whatever is not taken is released at once (an intent is captured once).
    `ledger_key`: the key of the wallet legs' payments, for a client that keeps its own
    (the till: its capture key), suffixed by the leg's position after the first leg."""
    require_payee(actor, intent)
    if amount is not None:
        _check_amount(amount)
    intent = lock_intent(intent)
    if intent.status in (IntentStatus.CAPTURED, IntentStatus.PARTIALLY_CAPTURED):
        if amount is not None and amount != intent.captured:
            raise IntentStateError(_("Il pagamento è già stato incassato."))
        return intent
    if intent.status not in CAPTURABLE:
        raise IntentStateError(_("Il pagamento non è autorizzato: non si può incassare."))
    amount = intent.amount if amount is None else amount
    if amount > intent.amount:
        raise IntentStateError(
            _("Si possono incassare al massimo %(amount)s.")
            % {"amount": format_euro(intent.amount)}
        )
    payee = Provider.objects.select_related("municipality").get(pk=intent.payee_id)
    credit = merchant_account(payee)
    legs = list(legs_of(intent).order_by("position"))
    rest = amount
    gateway_steps = []
    for leg in legs:
        part = min(rest, leg.amount)
        rest -= part
        if leg.source == LegSource.WALLET:
            key = ledger_key and (f"{ledger_key}:{leg.position}" if leg.position else ledger_key)
            capture_wallet_leg(actor, intent, leg, part, payee, credit, key=key)
        else:
            if part:
                capture_gateway_leg(actor, intent, leg, part, payee, credit)
            gateway_steps.append((leg, part))
        leg.captured = part
        leg.status = LegStatus.CAPTURED if part else LegStatus.RELEASED
        leg.save(update_fields=["captured", "status"])
    # The provider last, after every ledger write succeeded; a later provider failure undoes
    # the earlier provider steps and the transaction rolls the ledger back.
    with compensating() as undo:
        for leg, part in gateway_steps:
            gateway = get_gateway(leg.gateway)
            if part:
                gateway.capture(leg.reference, part)
                undo.append(lambda g=gateway, r=leg.reference, p=part: g.refund(r, p))
            if part < leg.amount:
                gateway.void(leg.reference)
    intent.captured = amount
    intent.status = (
        IntentStatus.CAPTURED if amount == intent.amount else IntentStatus.PARTIALLY_CAPTURED
    )
    intent.save(update_fields=["captured", "status", "updated_at"])
    audit_intent(actor, "intent_captured", intent, captured=amount)
    return intent


@transaction.atomic
def void(actor: Actor, intent: PaymentIntent, *, reason: str = "") -> PaymentIntent:
    """Release every hold of an authorised intent. Voiding twice changes nothing."""
    require_party(actor, intent)
    intent = lock_intent(intent)
    if intent.status == IntentStatus.VOIDED:
        return intent
    if intent.status == IntentStatus.REQUIRES_AUTHORISATION:
        pass  # nothing held yet: voiding just closes it
    elif intent.status != IntentStatus.AUTHORISED:
        raise IntentStateError(
            _("Il pagamento è già stato incassato o chiuso: non si può annullare.")
        )
    payee = Provider.objects.get(pk=intent.payee_id)
    legs = list(legs_of(intent).select_related("wallet__account", "hold").order_by("position"))
    for leg in legs:
        if leg.status == LegStatus.AUTHORISED and leg.source == LegSource.WALLET:
            holds.void(
                actor,
                leg.hold,
                wallet=leg.wallet,
                merchant=payee,
                reason=reason,
            )
    for leg in legs:  # the provider last, once the ledger side is done
        if leg.status == LegStatus.AUTHORISED and leg.source == LegSource.GATEWAY:
            get_gateway(leg.gateway).void(leg.reference)
    legs_of(intent).update(status=LegStatus.VOIDED)
    intent.status = IntentStatus.VOIDED
    intent.save(update_fields=["status", "updated_at"])
    audit_intent(actor, "intent_voided", intent, by_buyer=is_buyer(actor, intent))
    return intent

"""Refunds: captured money goes back to the legs it came from.

The last leg is refunded first (own money, drawn last, comes back first), and within a leg
the newest piece first. Each piece touched gives back exactly its part with one REFUND of its
PAYMENT (merchant → wallet) and, for own money, one REFUND of its TOP_UP (own-money wallet →
the provider's account, then the provider refunds the buyer): no reversal, no payment again.
The ledger refuses to refund more than is left of a piece (ledger/services/refunds.py).
"""

from django.db import transaction
from django.utils.translation import gettext as _

from benecomune.core import audit
from benecomune.core.actors import Actor
from benecomune.ledger.money import format_euro
from benecomune.ledger.services.transfers import check_amount
from benecomune.payments.exceptions import IntentStateError, PaymentError
from benecomune.payments.gateways import get_gateway
from benecomune.payments.models import (
    IntentStatus,
    LegSource,
    LegStatus,
    PaymentIntent,
    PaymentRefund,
)
from benecomune.payments.services.common import (
    conflict,
    legs_of,
    lock_intent,
    open_pieces,
    require_payee,
)
from benecomune.payments.services.movements import piece_left, refund_piece

REFUNDABLE = (
    IntentStatus.CAPTURED,
    IntentStatus.PARTIALLY_CAPTURED,
    IntentStatus.PARTIALLY_REFUNDED,
)


@transaction.atomic
def refund(
    actor: Actor,
    intent: PaymentIntent,
    amount: int | None = None,
    *,
    idempotency_key: str,
    reason: str = "",
) -> PaymentIntent:
    """Give back `amount` (default: all that is still captured). Several partial refunds are
    allowed, each under its own key; replaying a key returns the intent and moves nothing."""
    require_payee(actor, intent)
    if amount is not None:
        check_amount(amount)
    if not idempotency_key or len(idempotency_key) > 100:
        raise PaymentError(_("Chiave di idempotenza mancante o troppo lunga."))
    intent = lock_intent(intent)
    done = PaymentRefund.objects_unscoped.filter(idempotency_key=idempotency_key).first()
    if done is not None:
        if done.intent_id != intent.pk or (amount is not None and done.amount != amount):
            raise conflict()
        return intent
    if intent.status not in REFUNDABLE:
        raise IntentStateError(_("Il pagamento non è stato incassato: non si può rimborsare."))
    still = intent.captured - intent.refunded
    amount = still if amount is None else amount
    if amount > still:
        raise IntentStateError(
            _("Si possono rimborsare al massimo %(amount)s.") % {"amount": format_euro(still)}
        )
    record = PaymentRefund.objects_unscoped.create(
        organization_id=intent.organization_id,
        intent=intent,
        amount=amount,
        idempotency_key=idempotency_key,
        reason=reason[:200],
        created_by=actor.user,
    )
    rest = amount
    provider_refunds = []
    for leg in legs_of(intent).order_by("-position"):
        part = min(rest, leg.captured - leg.refunded)
        if part == 0:
            continue
        rest -= part
        left = part
        for piece in open_pieces(leg).select_related("payment").order_by("-pk"):
            if left == 0:
                break
            still_there = piece_left(piece)
            back = min(left, still_there)
            if back:
                refund_piece(actor, intent, piece, back, f"r{record.pk}", whole=back == still_there)
                left -= back
        if left:
            # The leg's pieces hold less than its books say: part of it went back another way
            # (a reversal); refunding it again would give the money back twice.
            raise IntentStateError(
                _("Una parte del pagamento è già stata stornata: il rimborso non è possibile.")
            )
        leg.refunded += part
        if leg.refunded == leg.captured:
            leg.status = LegStatus.REFUNDED
        leg.save(update_fields=["refunded", "status"])
        if leg.source == LegSource.GATEWAY:
            provider_refunds.append((leg, part))
        if rest == 0:
            break
    # The provider last: if it refuses, the ledger's refunds roll back with the transaction.
    for leg, part in provider_refunds:
        get_gateway(leg.gateway).refund(leg.reference, part)
    intent.refunded += amount
    intent.status = (
        IntentStatus.REFUNDED
        if intent.refunded == intent.captured
        else IntentStatus.PARTIALLY_REFUNDED
    )
    intent.save(update_fields=["refunded", "status", "updated_at"])
    audit.record(
        actor,
        "payments.intent_refunded",
        intent,
        organization=intent.organization_id,
        person=intent.buyer_id,
        after={"amount": amount, "refunded": intent.refunded, "status": intent.status},
        reason=reason,
    )
    return intent

"""Helpers shared by the checkout services: who may act, locking an intent, undoing gateway
steps when the database transaction they belong to fails."""

from contextlib import contextmanager, suppress

from django.utils.translation import gettext as _

from benecomune.core import audit
from benecomune.core.actors import Actor
from benecomune.ledger.exceptions import IdempotencyConflict
from benecomune.payments.models import LegCapture, PaymentIntent, PaymentLeg


def is_buyer(actor: Actor, intent: PaymentIntent) -> bool:
    return bool(actor.user and actor.user.person_id and actor.user.person_id == intent.buyer_id)


def require_party(actor: Actor, intent: PaymentIntent) -> None:
    """The buyer themself, the payee's staff at the till, or a system actor."""
    if not (actor.system or is_buyer(actor, intent)):
        actor.require("merchant.redeem", intent.payee_id)


def require_payee(actor: Actor, intent: PaymentIntent) -> None:
    """Taking or giving back the money is the payee's decision: its staff or a system actor."""
    actor.require("merchant.redeem", intent.payee_id)


def lock_intent(intent: PaymentIntent) -> PaymentIntent:
    """The intent re-read under its row lock: every state change of one intent is serialised."""
    return PaymentIntent.objects_unscoped.select_for_update().get(pk=intent.pk)


def legs_of(intent: PaymentIntent):
    # Unscoped: reached only through an intent whose access the caller has checked.
    return PaymentLeg.objects_unscoped.filter(intent_id=intent.pk)


def open_pieces(leg: PaymentLeg):
    return LegCapture.objects_unscoped.filter(leg_id=leg.pk, refunded=False)


def conflict() -> IdempotencyConflict:
    # The key is internal (shop and till's key): never in a message people read.
    return IdempotencyConflict(
        _("Questo movimento è già stato registrato con dati diversi: non è stato ripetuto.")
    )


def transfer_key(intent: PaymentIntent, *parts) -> str:
    """The ledger key of one movement of an intent: unique, and the same on a retry."""
    return ":".join(["pay", str(intent.pk), *(str(p) for p in parts)])


@contextmanager
def compensating():
    """Collects undo steps for work outside the database (the payment provider). If the block
    raises, they run newest first and the error goes on; the database rolls back by itself."""
    undo: list = []
    try:
        yield undo
    except BaseException:
        for step in reversed(undo):
            # The original error matters more; the provider's own expiry of authorisations
            # covers an undo that fails.
            with suppress(Exception):
                step()
        raise


def audit_intent(actor: Actor, action: str, intent: PaymentIntent, **after) -> None:
    audit.record(
        actor,
        f"payments.{action}",
        intent,
        organization=intent.organization_id,
        person=intent.buyer_id,
        after={"amount": intent.amount, "status": intent.status, **after},
    )

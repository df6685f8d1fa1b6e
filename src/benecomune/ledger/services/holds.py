"""Holds on a wallet: authorise an amount now, capture (all or part of) it later, or void it.

A hold is a `Reservation` on the wallet's account, exactly like a fund's budget reservation:
authorising raises the account's `held` under its row lock (so the money cannot be spent twice
meanwhile), capturing is a PAYMENT transfer that consumes the reservation (`transfer(...,
reservation=...)`, the same statement on both the PostgreSQL function and the Python path), and
whatever part was not captured is released in the same transaction. Voiding releases it all.
The ledger's invariants cover holds unchanged: `held` equals the open amount of the account's
reservations, and `consumed` equals the transfers made against each one.
"""

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from benecomune.core import audit
from benecomune.core.actors import Actor
from benecomune.core.compiled_queries import CompiledQuery, first
from benecomune.core.models import Organization, Person, Provider
from benecomune.ledger import spending
from benecomune.ledger.exceptions import (
    IdempotencyConflict,
    InsufficientFunds,
    NotSpendable,
    ReservationExceeded,
)
from benecomune.ledger.models import Account, Reservation, Transfer, TransferKind, Wallet
from benecomune.ledger.money import format_euro
from benecomune.ledger.services.rules import check_spendable
from benecomune.ledger.services.transfers import _check_amount, lock_and_settle, transfer
from benecomune.ledger.services.wallets import merchant_account

HOLD_OBJECT_TYPE = "ledger.hold"


def _reservation_by_key(key: str):
    return Reservation.objects_unscoped.filter(idempotency_key=key).order_by("pk")[:1]


# Looked up by every hold (core.compiled_queries: compiled once per connection).
RESERVATION_BY_KEY = CompiledQuery("reservation_by_key", _reservation_by_key, "\x00hold-key")


def _authorise_actor(actor: Actor, wallet: Wallet, merchant: Provider) -> None:
    # As for `wallets.pay_from_wallet`: the owner, merchant staff redeeming at the till, or a
    # system actor.
    if not (actor.system or (actor.user and actor.user.person_id == wallet.person_id)):
        actor.require("merchant.redeem", merchant)


@transaction.atomic
def authorise(
    actor: Actor,
    *,
    wallet: Wallet,
    merchant: Provider,
    amount: int,
    idempotency_key: str,
    reason: str = "",
) -> Reservation:
    """Set `amount` aside on the wallet for `merchant`. The spending rules are checked now and
    again at capture. Replaying the key returns the first hold (IdempotencyConflict if it was
    for another wallet, merchant or amount)."""
    _authorise_actor(actor, wallet, merchant)
    _check_amount(amount)
    balance, held = lock_and_settle(wallet.account_id)
    # Looked up under the wallet's lock: concurrent replays of one key are serialised.
    existing = first(RESERVATION_BY_KEY, idempotency_key)
    if existing is not None:
        same = (
            existing.account_id == wallet.account_id
            and existing.amount == amount
            and existing.object_type == HOLD_OBJECT_TYPE
            and existing.object_id == str(merchant.pk)
        )
        if not same:
            # The key is internal (shop and till's key): never in a message people read.
            raise IdempotencyConflict(
                _("Questo movimento è già stato registrato con dati diversi: non è stato ripetuto.")
            )
        return existing
    refusal = check_spendable(wallet, merchant, amount)
    if refusal:
        raise NotSpendable(refusal)
    if balance - held < amount:
        raise InsufficientFunds(
            _("Saldo insufficiente: disponibili %(available)s, richiesti %(amount)s.")
            % {"available": format_euro(max(balance - held, 0)), "amount": format_euro(amount)}
        )
    Account.objects_unscoped.filter(pk=wallet.account_id).update(held=F("held") + amount)
    reservation = Reservation.objects_unscoped.create(
        organization_id=wallet.organization_id,
        account_id=wallet.account_id,
        amount=amount,
        object_type=HOLD_OBJECT_TYPE,
        object_id=str(merchant.pk),
        reason=(reason or merchant.name)[:200],
        idempotency_key=idempotency_key,
    )
    hooks = spending.hold_hooks(wallet)
    if hooks is not None:  # the wallet source's own counting (e.g. a plan's fringe cap)
        hooks.on_hold(wallet, merchant, amount, reservation)
    audit.record(
        actor,
        "ledger.hold_authorised",
        reservation,
        organization=Organization(pk=wallet.organization_id),
        person=Person(pk=wallet.person_id),
        after={"wallet": wallet.pk, "merchant": merchant.pk, "amount": amount},
        reason=reason,
    )
    return reservation


@transaction.atomic
def capture(
    actor: Actor,
    hold: Reservation,
    *,
    wallet: Wallet,
    merchant: Provider,
    amount: int | None = None,
    idempotency_key: str,
    merchant_account_: Account | None = None,
    obj=None,
    memo: str = "",
) -> Transfer:
    """Pay `amount` (default: all of it) of the hold to the merchant and release the rest.
    A retry with the same key returns the first payment and moves nothing."""
    _authorise_actor(actor, wallet, merchant)
    if hold.account_id != wallet.account_id or hold.object_id != str(merchant.pk):
        raise ReservationExceeded(_("L'autorizzazione non riguarda questo buono o questo negozio."))
    lock_and_settle(wallet.account_id)  # serialise with other captures and voids of the wallet
    # Looked up under the lock, so that a concurrent retry of this capture finds the first one.
    previous = Transfer.objects_unscoped.filter(idempotency_key=idempotency_key).first()
    if previous is not None:
        if previous.reservation_id != hold.pk or (amount is not None and previous.amount != amount):
            # The key is internal (shop and till's key): never in a message people read.
            raise IdempotencyConflict(
                _("Questo movimento è già stato registrato con dati diversi: non è stato ripetuto.")
            )
        return previous
    current = Reservation.objects_unscoped.get(pk=hold.pk)
    amount = current.open_amount if amount is None else amount
    _check_amount(amount)
    if amount > current.open_amount:
        raise ReservationExceeded(
            _("Si possono incassare al massimo %(open)s.")
            % {"open": format_euro(current.open_amount)}
        )
    payment = transfer(
        actor,
        debit=wallet.account,
        credit=merchant_account_ or merchant_account(merchant),
        amount=amount,
        kind=TransferKind.PAYMENT,
        idempotency_key=idempotency_key,
        obj=obj,
        memo=memo or merchant.name,
        reservation=current,
        wallet=wallet,
        merchant=merchant,
    )
    rest = current.open_amount - amount
    if rest > 0:
        _release(actor, current, rest, wallet, _("Parte non incassata dell'autorizzazione"))
    return payment


@transaction.atomic
def void(actor: Actor, hold: Reservation, *, wallet: Wallet, merchant: Provider, reason: str = ""):
    """Release whatever is still open on the hold. Voiding twice changes nothing."""
    _authorise_actor(actor, wallet, merchant)
    if hold.account_id != wallet.account_id or hold.object_id != str(merchant.pk):
        raise ReservationExceeded(_("L'autorizzazione non riguarda questo buono o questo negozio."))
    lock_and_settle(wallet.account_id)
    current = Reservation.objects_unscoped.get(pk=hold.pk)
    if current.open_amount > 0:
        _release(
            actor, current, current.open_amount, wallet, reason or _("Autorizzazione annullata")
        )
    return current


def _release(actor: Actor, reservation: Reservation, amount: int, wallet: Wallet, reason: str):
    """Caller holds the wallet's row lock, inside its transaction."""
    Account.objects_unscoped.filter(pk=reservation.account_id).update(held=F("held") - amount)
    Reservation.objects_unscoped.filter(pk=reservation.pk).update(released=F("released") + amount)
    reservation.released += amount
    hooks = spending.hold_hooks(wallet)
    if hooks is not None:
        hooks.on_release(wallet, reservation, amount)
    audit.record(
        actor,
        "ledger.hold_released",
        reservation,
        organization=Organization(pk=wallet.organization_id),
        person=Person(pk=wallet.person_id),
        after={"amount": amount, "open": reservation.open_amount},
        reason=str(reason),
    )

"""Holds on a wallet for a claim rather than for a merchant: money set aside while a
reimbursement claim or a payroll request is reviewed, then paid (all or part) to an account the
caller names, the rest given back.

The same `Reservation` as a merchant's hold (holds.py), under the wallet's row lock, so the
ledger's invariants cover it unchanged (`held` equals the open reservations; `consumed` equals
the transfers against each). The wallet's spending policy hooks hear every release, as they do
for merchant holds. Callers have authorised the actor and checked their own rules.
"""

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from benecomune.core import audit
from benecomune.core.actors import Actor
from benecomune.core.models import Organization, Person
from benecomune.ledger.exceptions import InsufficientFunds, ReservationExceeded
from benecomune.ledger.models import Account, Reservation, Transfer, Wallet
from benecomune.ledger.money import format_euro
from benecomune.ledger.services.holds import _release
from benecomune.ledger.services.transfers import _check_amount, lock_and_settle, transfer


@transaction.atomic
def set_aside(
    actor: Actor, wallet: Wallet, amount: int, *, object_type: str, reason: str
) -> Reservation:
    """Hold `amount` on the wallet, refused with an Italian message when it is not there."""
    _check_amount(amount)
    balance, held = lock_and_settle(wallet.account_id)
    if balance - held < amount:
        raise InsufficientFunds(
            _("Credito insufficiente: disponibili %(available)s, richiesti %(amount)s.")
            % {"available": format_euro(max(balance - held, 0)), "amount": format_euro(amount)}
        )
    Account.objects_unscoped.filter(pk=wallet.account_id).update(held=F("held") + amount)
    reservation = Reservation.objects_unscoped.create(
        organization_id=wallet.organization_id,
        account_id=wallet.account_id,
        amount=amount,
        object_type=object_type,
        object_id=str(wallet.pk),
        reason=reason[:200],
    )
    audit.record(
        actor,
        "ledger.hold_authorised",
        reservation,
        organization=Organization(pk=wallet.organization_id),
        person=Person(pk=wallet.person_id),
        after={"wallet": wallet.pk, "amount": amount},
        reason=reason,
    )
    return reservation


@transaction.atomic
def release(
    actor: Actor, wallet: Wallet, hold: Reservation, amount: int | None = None, *, reason: str
) -> Reservation:
    """Give back (part of) the hold's open amount to the wallet."""
    lock_and_settle(wallet.account_id)
    current = Reservation.objects_unscoped.get(pk=hold.pk, account_id=wallet.account_id)
    amount = current.open_amount if amount is None else amount
    if amount <= 0:
        return current
    if amount > current.open_amount:
        raise ReservationExceeded(
            _("Si possono liberare al massimo %(open)s.")
            % {"open": format_euro(current.open_amount)}
        )
    _release(actor, current, amount, wallet, str(reason))
    return current


@transaction.atomic
def pay_from_hold(
    actor: Actor,
    wallet: Wallet,
    hold: Reservation,
    amount: int,
    *,
    credit: Account,
    kind: str,
    key: str,
    obj,
    memo: str,
    rest_reason: str,
) -> Transfer:
    """Pay `amount` of the hold to `credit`; release what is left of it."""
    lock_and_settle(wallet.account_id)
    current = Reservation.objects_unscoped.get(pk=hold.pk, account_id=wallet.account_id)
    if amount > current.open_amount:
        raise ReservationExceeded(
            _("Si possono pagare al massimo %(open)s.") % {"open": format_euro(current.open_amount)}
        )
    money = transfer(
        actor,
        debit=wallet.account,
        credit=credit,
        amount=amount,
        kind=kind,
        idempotency_key=key,
        obj=obj,
        memo=memo[:200],
        reservation=current,
    )
    current.refresh_from_db()
    if current.open_amount > 0:
        _release(actor, current, current.open_amount, wallet, str(rest_reason))
    return money

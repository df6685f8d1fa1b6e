"""An employee's plan wallet: Wallet(source_kind=company_plan, source_type="corporate.planversion",
source_id=<plan version pk>, person, organization = the company, valid_from/until = the period).

Besides finding the plan version and the employee of a wallet, this module sets money aside on
a plan wallet for a claim or a payroll request (a ledger `Reservation` on the wallet's account,
as a merchant hold is), releases it, and pays the accepted part to the company's payable account
(REIMBURSEMENT wallet → payout: the employee is paid with the payroll).
"""

from django.db.models import F
from django.utils.translation import gettext as _

from benecomune.core import audit
from benecomune.core.models import Organization, Person
from benecomune.corporate.models import Employee, PlanVersion
from benecomune.ledger.exceptions import InsufficientFunds, ReservationExceeded
from benecomune.ledger.models import (
    Account,
    Reservation,
    Transfer,
    TransferKind,
    Wallet,
    WalletSource,
)
from benecomune.ledger.money import format_euro
from benecomune.ledger.services.accounts import open_payout_accounts
from benecomune.ledger.services.internal import lock_and_settle
from benecomune.ledger.services.transfers import transfer

SOURCE_TYPE = "corporate.planversion"


def is_plan_wallet(wallet: Wallet) -> bool:
    return wallet.source_kind == WalletSource.COMPANY_PLAN and wallet.source_type == SOURCE_TYPE


def plan_version_of(wallet: Wallet) -> PlanVersion | None:
    """The plan version a company-plan wallet was opened for (None for any other wallet)."""
    if not is_plan_wallet(wallet) or not str(wallet.source_id).isdigit():
        return None
    cached = getattr(wallet, "_plan_version", None)
    if cached is not None and cached.pk == int(wallet.source_id):
        return cached
    version = (
        PlanVersion.objects_unscoped.filter(
            pk=int(wallet.source_id), company_id=wallet.organization_id
        )
        .select_related("plan")
        .first()
    )
    wallet._plan_version = version
    return version


def employee_of(wallet: Wallet) -> Employee | None:
    return Employee.objects_unscoped.filter(
        company_id=wallet.organization_id, person_id=wallet.person_id
    ).first()


def plan_wallets_of(employee: Employee):
    return Wallet.objects_unscoped.filter(
        source_kind=WalletSource.COMPANY_PLAN,
        source_type=SOURCE_TYPE,
        organization_id=employee.company_id,
        person_id=employee.person_id,
        expired_at__isnull=True,
    ).select_related("account")


def set_aside(actor, wallet: Wallet, amount: int, *, obj_type: str, reason: str) -> Reservation:
    """Hold `amount` on the wallet (under its row lock): the caller's transaction."""
    balance, held = lock_and_settle(wallet.account_id)
    if balance - held < amount:
        raise InsufficientFunds(
            _("Credito welfare insufficiente: disponibili %(available)s, richiesti %(amount)s.")
            % {"available": format_euro(max(balance - held, 0)), "amount": format_euro(amount)}
        )
    Account.objects_unscoped.filter(pk=wallet.account_id).update(held=F("held") + amount)
    reservation = Reservation.objects_unscoped.create(
        organization_id=wallet.organization_id,
        account_id=wallet.account_id,
        amount=amount,
        object_type=obj_type,
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


def release(actor, wallet: Wallet, hold: Reservation, amount: int | None = None, *, reason: str):
    """Give back (part of) the open amount of `hold` to the wallet."""
    from benecomune.corporate.services import fringe

    lock_and_settle(wallet.account_id)
    current = Reservation.objects_unscoped.get(pk=hold.pk)
    amount = current.open_amount if amount is None else amount
    if amount <= 0:
        return current
    if amount > current.open_amount:
        raise ReservationExceeded(
            _("Si possono liberare al massimo %(open)s.")
            % {"open": format_euro(current.open_amount)}
        )
    Account.objects_unscoped.filter(pk=current.account_id).update(held=F("held") - amount)
    Reservation.objects_unscoped.filter(pk=current.pk).update(released=F("released") + amount)
    current.released += amount
    fringe.on_release(wallet, current, amount)
    audit.record(
        actor,
        "ledger.hold_released",
        current,
        organization=Organization(pk=wallet.organization_id),
        person=Person(pk=wallet.person_id),
        after={"amount": amount, "open": current.open_amount},
        reason=str(reason),
    )
    return current


def pay_from_hold(actor, wallet: Wallet, hold: Reservation, amount: int, *, key: str, obj, memo):
    """Pay `amount` of the hold to the company's payable account; release the rest."""
    lock_and_settle(wallet.account_id)
    current = Reservation.objects_unscoped.get(pk=hold.pk)
    if amount > current.open_amount:
        raise ReservationExceeded(
            _("Si possono pagare al massimo %(open)s.") % {"open": format_euro(current.open_amount)}
        )
    company = Organization.objects.get(pk=wallet.organization_id)
    money: Transfer = transfer(
        actor,
        debit=wallet.account,
        credit=open_payout_accounts(company).payable,
        amount=amount,
        kind=TransferKind.REIMBURSEMENT,
        idempotency_key=key,
        obj=obj,
        memo=memo[:200],
        reservation=current,
    )
    current.refresh_from_db()
    if current.open_amount > 0:
        release(actor, wallet, current, reason=_("Parte non riconosciuta"))
    return money

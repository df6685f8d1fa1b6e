"""An employee's plan wallet: Wallet(source_kind=company_plan, source_type="corporate.planversion",
source_id=<plan version pk>, person, organization = the company, valid_from/until = the period).

Besides finding the plan version and the employee of a wallet, this module sets money aside on
a plan wallet for a claim or a payroll request (a ledger `Reservation` on the wallet's account,
as a merchant hold is), releases it, and pays the accepted part to the company's payable account
(REIMBURSEMENT wallet → payout: the employee is paid with the payroll).
"""

from django.utils.translation import gettext as _

from benecomune.core.compiled_queries import CompiledQuery, first
from benecomune.core.models import Organization
from benecomune.corporate.models import Employee, PlanVersion
from benecomune.ledger.models import Reservation, TransferKind, Wallet, WalletSource
from benecomune.ledger.services import claim_holds
from benecomune.ledger.services.accounts import open_payout_accounts
from benecomune.ledger.spending import memoized

SOURCE_TYPE = "corporate.planversion"


def _plan_version(pk: int, company_id: int):
    return (
        PlanVersion.objects_unscoped.filter(pk=pk, company_id=company_id)
        .select_related("plan")
        .order_by("pk")[:1]
    )


# Read by every payment from a plan wallet (core.compiled_queries).
PLAN_VERSION = CompiledQuery("plan_version", _plan_version, -7_000_104, -7_000_105)


def is_plan_wallet(wallet: Wallet) -> bool:
    return wallet.source_kind == WalletSource.COMPANY_PLAN and wallet.source_type == SOURCE_TYPE


def plan_version_of(wallet: Wallet) -> PlanVersion | None:
    """The plan version a company-plan wallet was opened for (None for any other wallet)."""
    if not is_plan_wallet(wallet) or not str(wallet.source_id).isdigit():
        return None
    cached = getattr(wallet, "_plan_version", None)
    if cached is not None and cached.pk == int(wallet.source_id):
        return cached
    pk, company_id = int(wallet.source_id), wallet.organization_id
    # Once per booking or order (`ledger.spending.memo_scope`): the checks and the hold read
    # it for several instances of the same wallet; the version's rules are cached on it.
    version = memoized(
        ("corporate.plan_version", pk, company_id),
        lambda: first(PLAN_VERSION, pk, company_id),
    )
    wallet._plan_version = version
    return version


def _employee(company_id: int, person_id: int):
    return Employee.objects_unscoped.filter(company_id=company_id, person_id=person_id).order_by(
        "pk"
    )[:1]


EMPLOYEE = CompiledQuery("employee_of_wallet", _employee, -7_000_106, -7_000_107)


def employee_of(wallet: Wallet) -> Employee | None:
    return first(EMPLOYEE, wallet.organization_id, wallet.person_id)


def plan_wallets_of(employee: Employee):
    return Wallet.objects_unscoped.filter(
        source_kind=WalletSource.COMPANY_PLAN,
        source_type=SOURCE_TYPE,
        organization_id=employee.company_id,
        person_id=employee.person_id,
        expired_at__isnull=True,
    ).select_related("account")


def set_aside(actor, wallet: Wallet, amount: int, *, obj_type: str, reason: str) -> Reservation:
    """Hold `amount` on the wallet (the ledger's claim hold): the caller's transaction."""
    return claim_holds.set_aside(actor, wallet, amount, object_type=obj_type, reason=reason)


def release(actor, wallet: Wallet, hold: Reservation, amount: int | None = None, *, reason: str):
    """Give back (part of) the open amount of `hold` to the wallet (the fringe counter hears it
    through the ledger's hold hooks)."""
    return claim_holds.release(actor, wallet, hold, amount, reason=reason)


def pay_from_hold(actor, wallet: Wallet, hold: Reservation, amount: int, *, key: str, obj, memo):
    """Pay `amount` of the hold to the company's payable account; release the rest."""
    company = Organization.objects.get(pk=wallet.organization_id)
    return claim_holds.pay_from_hold(
        actor,
        wallet,
        hold,
        amount,
        credit=open_payout_accounts(company).payable,
        kind=TransferKind.REIMBURSEMENT,
        key=key,
        obj=obj,
        memo=memo,
        rest_reason=_("Parte non riconosciuta"),
    )

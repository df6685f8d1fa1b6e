"""Per-category limits of a plan and the fringe-benefit cap of art. 51 c.3 TUIR.

Every hold on a plan wallet (a purchase, a claim, a payroll request) is written down as a
`PlanSpend` under the legal basis it counts under, in the hold's own transaction. The plan's
limit for that basis is checked against the wallet's spends (the wallet's row lock, held by the
hold, serialises them). Under c.3 the employee's yearly counter (`FringeUsage`) is locked with
SELECT ... FOR UPDATE and raised: two purchases in parallel (even from two wallets) wait for each
other, and the second sees the first. The cap: `FringeCap` of the tax year, the higher figure
with a dependent child declared for that year; what counts: the platform's c.3 spends plus the
fringe benefits the employee declared from other sources (e.g. payroll) in that year.

Crossing the cap makes the whole year's fringe benefits taxable, so what would cross it is
refused, and the employee is warned from `WARN_PERCENT` on.
"""

import dataclasses
import datetime

from django.db.models import F, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from benecomune.corporate.models import (
    DependentChild,
    Employee,
    FringeCap,
    FringeUsage,
    LegalBasis,
    OtherFringeBenefit,
    PlanSpend,
)
from benecomune.ledger.exceptions import NotSpendable
from benecomune.ledger.money import format_euro

WARN_PERCENT = 80


class FringeCapExceeded(NotSpendable):
    """A purchase or claim would cross the fringe-benefit cap."""


class PlanLimitExceeded(NotSpendable):
    """A purchase or claim would cross the plan's limit for a category."""


@dataclasses.dataclass(frozen=True)
class CapStatus:
    tax_year: int
    cap: int  # cents; 0 when no cap row exists for the year (nothing may be spent under c.3)
    with_children: bool
    platform: int  # held or spent on the platform under c.3
    declared: int  # declared by the employee: other sources, payroll
    used: int
    left: int
    percent: int
    warn: bool


def cap_for(employee: Employee, tax_year: int) -> tuple[int, bool]:
    row = FringeCap.objects.filter(tax_year=tax_year).first()
    children = DependentChild.objects_unscoped.filter(employee=employee, tax_year=tax_year).exists()
    if row is None:
        return 0, children
    return (row.cap_with_children if children else row.cap), children


def declared_fringe(employee: Employee, tax_year: int) -> int:
    return OtherFringeBenefit.objects_unscoped.filter(
        employee=employee, received_on__year=tax_year
    ).aggregate(t=Coalesce(Sum("amount"), 0))["t"]


def cap_status(employee: Employee, tax_year: int | None = None) -> CapStatus:
    tax_year = tax_year or timezone.localdate().year
    cap, children = cap_for(employee, tax_year)
    usage = FringeUsage.objects_unscoped.filter(employee=employee, tax_year=tax_year).first()
    platform = usage.used if usage else 0
    declared = declared_fringe(employee, tax_year)
    used = platform + declared
    percent = used * 100 // cap if cap else 100
    return CapStatus(
        tax_year,
        cap,
        children,
        platform,
        declared,
        used,
        max(cap - used, 0),
        percent,
        percent >= WARN_PERCENT,
    )


def _locked_usage(employee: Employee, tax_year: int) -> FringeUsage:
    # Insert the counter if missing (a concurrent insert is ignored), then lock it.
    FringeUsage.objects_unscoped.bulk_create(
        [FringeUsage(company_id=employee.company_id, employee=employee, tax_year=tax_year)],
        ignore_conflicts=True,
    )
    return FringeUsage.objects_unscoped.select_for_update().get(
        employee=employee, tax_year=tax_year
    )


def count_fringe(employee: Employee, tax_year: int, amount: int) -> FringeUsage:
    """Raise the employee's c.3 counter by `amount` under its lock, or refuse."""
    usage = _locked_usage(employee, tax_year)
    cap, _children = cap_for(employee, tax_year)
    used = usage.used + declared_fringe(employee, tax_year)
    if used + amount > cap:
        raise FringeCapExceeded(
            _(
                "Questa spesa supererebbe la soglia dei fringe benefit del %(year)s "
                "(%(cap)s, art. 51 c. 3 TUIR): ne restano %(left)s. Oltre la soglia "
                "tutti i fringe benefit dell'anno diventerebbero reddito tassato."
            )
            % {
                "year": tax_year,
                "cap": format_euro(cap),
                "left": format_euro(max(cap - used, 0)),
            }
        )
    FringeUsage.objects_unscoped.filter(pk=usage.pk).update(used=F("used") + amount)
    usage.used += amount
    return usage


def check_plan_limit(version, wallet, basis: LegalBasis, amount: int) -> None:
    from benecomune.corporate.spending import rule_codes

    rule = rule_codes(version).get(basis.code)
    if rule is None or rule.limit is None:
        return
    spent = PlanSpend.objects_unscoped.filter(wallet=wallet, legal_basis=basis).aggregate(
        t=Coalesce(Sum("amount"), 0)
    )["t"]
    if spent + amount > rule.limit:
        raise PlanLimitExceeded(
            _("Il piano prevede al massimo %(limit)s per «%(title)s»: ne restano %(left)s.")
            % {
                "limit": format_euro(rule.limit),
                "title": basis.title,
                "left": format_euro(max(rule.limit - spent, 0)),
            }
        )


def record_spend(
    wallet, reservation, basis_code: str, amount: int, day=None, payment=None
) -> PlanSpend | None:
    """Write the spend of a hold (or of a direct `payment`) under `basis_code`, checking the
    plan's limit and, under c.3, the fringe cap. The caller holds the wallet's row lock, inside
    its transaction."""
    from benecomune.corporate.plan_wallets import employee_of, plan_version_of

    version = plan_version_of(wallet)
    employee = employee_of(wallet)
    if version is None or employee is None:
        return None
    basis = LegalBasis.objects.get(code=basis_code)
    check_plan_limit(version, wallet, basis, amount)
    tax_year = (day or timezone.localdate()).year
    if basis.is_fringe_benefit:
        count_fringe(employee, tax_year, amount)
    return PlanSpend.objects_unscoped.create(
        company_id=employee.company_id,
        employee=employee,
        version=version,
        wallet=wallet,
        legal_basis=basis,
        hold=reservation,
        transfer=payment,
        tax_year=tax_year,
        is_fringe_benefit=basis.is_fringe_benefit,
        amount=amount,
    )


def on_hold(wallet, merchant, amount: int, reservation) -> None:
    """Ledger hold hook: a purchase's hold on a plan wallet."""
    from benecomune.corporate.spending import basis_for_purchase

    code = basis_for_purchase(wallet, merchant)
    if code is not None:
        record_spend(wallet, reservation, code, amount)


def on_pay(wallet, merchant, amount: int, payment) -> None:
    """Ledger payment hook: a direct payment from a plan wallet (the till, a shop), in the
    payment's transaction, after the transfer locked the wallet. A replayed payment finds its
    spend and counts nothing again; what would cross a limit or the cap is refused (the caller
    rolls the payment back)."""
    from benecomune.corporate.spending import basis_for_purchase

    if PlanSpend.objects_unscoped.filter(transfer=payment).exists():
        return
    code = basis_for_purchase(wallet, merchant)
    if code is not None:
        record_spend(wallet, None, code, amount, payment=payment)


def _give_back(spend: PlanSpend | None, amount: int) -> None:
    if spend is None:
        return
    amount = min(amount, spend.amount)
    if amount <= 0:
        return
    PlanSpend.objects_unscoped.filter(pk=spend.pk).update(amount=F("amount") - amount)
    if spend.is_fringe_benefit:
        FringeUsage.objects_unscoped.filter(
            employee_id=spend.employee_id, tax_year=spend.tax_year
        ).update(used=F("used") - amount)


def on_release(wallet, reservation, amount: int) -> None:
    """Ledger hold hook (and plan_wallets.release): part of a hold given back."""
    _give_back(
        PlanSpend.objects_unscoped.select_for_update().filter(hold=reservation).first(), amount
    )


def on_refund(wallet, original, amount: int) -> None:
    """Ledger hook: part of a plan wallet's payment refunded or reversed (a void at the till, a
    shop's refund, a captured hold refunded): its spend and the fringe counter go down."""
    spends = PlanSpend.objects_unscoped.select_for_update()
    if original.reservation_id is not None:
        spend = spends.filter(hold_id=original.reservation_id).first()
    else:
        spend = spends.filter(transfer=original).first()
    _give_back(spend, amount)


def tax_year_of(day: datetime.date | None) -> int:
    return (day or timezone.localdate()).year

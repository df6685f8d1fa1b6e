"""Unspent credit at the end of a plan's period, by the plan's rule.

First the ledger's expiry sends what is left in the version's wallets back to the version's
fund: that is the company's money on the platform ("back to the company"), available for its
next funding. When the plan carries credit over, each employee's unspent *plan* credit then
goes from that fund into their plan wallet of the next version, within what the law allows:

- only into the version of the same plan whose period starts the day after this one ends
  (approved), never into cash, and only for employees in service on that day (a leaver's
  credit goes back to the company);
- converted productivity bonus stays apart: its unspent part goes back to the company.

Idempotent: carried amounts are rows (`CreditAllocation`, kind carry_over, `carried_from`),
and a re-run carries only what has been returned since (the ledger key names the employee and
the total returned so far).
"""

from collections import defaultdict
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from benecomune.core import audit
from benecomune.core.actors import Actor
from benecomune.corporate.models import (
    AllocationKind,
    CreditAllocation,
    Employee,
    PlanFund,
    PlanStatus,
    PlanVersion,
    UnspentRule,
)
from benecomune.corporate.services.allocation import SOURCE_TYPE, wallet_categories, wallet_title
from benecomune.corporate.services.funding import ensure_plan_fund, ledger_actor, plan_fund
from benecomune.ledger.models import Transfer, TransferKind, Wallet, WalletSource
from benecomune.ledger.services import funds, wallets


def next_version(version: PlanVersion) -> PlanVersion | None:
    return (
        PlanVersion.objects_unscoped.filter(
            plan_id=version.plan_id,
            status=PlanStatus.APPROVED,
            starts_on=version.ends_on + timedelta(days=1),
        )
        .select_related("plan", "company")
        .first()
    )


def _returned_by_employee(version: PlanVersion) -> dict[int, int]:
    """Employee -> what expiry sent back to the fund from their plan wallets of `version`."""
    wallet_employee = dict(
        CreditAllocation.objects_unscoped.filter(
            version=version, kind__in=[AllocationKind.PLAN, AllocationKind.CARRY_OVER]
        ).values_list("wallet__account_id", "employee_id")
    )
    returned: dict[int, int] = defaultdict(int)
    rows = (
        Transfer.objects_unscoped.filter(
            kind=TransferKind.EXPIRY, debit_account_id__in=list(wallet_employee)
        )
        .values("debit_account_id")
        .annotate(total=Sum("amount"))
    )
    for row in rows:
        returned[wallet_employee[row["debit_account_id"]]] += row["total"]
    return returned


def settle_unspent(actor: Actor, version: PlanVersion, *, today: date | None = None) -> dict:
    """Apply the plan's unspent rule to a version whose period has ended."""
    actor.require("company.manage", version.company_id)
    today = today or timezone.localdate()
    version = PlanVersion.objects_unscoped.select_related("plan", "company").get(pk=version.pk)
    if version.ends_on >= today:
        raise ValidationError(_("Il periodo del piano non è ancora finito."))
    found = plan_fund(version)
    if found is None:
        return {"returned": 0, "carried": 0, "employees": 0}
    lactor = ledger_actor(actor, version.company_id)
    wallets.expire_wallets(lactor, today=today, organization_ids=[version.company_id])
    returned = _returned_by_employee(version)
    carried_total = count = 0
    following = next_version(version) if version.unspent == UnspentRule.CARRY_OVER else None
    if following is not None:
        for employee_id, total in sorted(returned.items()):
            amount = _carry_one(actor, version, following, found, employee_id, total)
            if amount:
                carried_total, count = carried_total + amount, count + 1
    summary = {
        "returned": sum(returned.values()),
        "carried": carried_total,
        "employees": count,
        "next_version": following.pk if following else None,
    }
    with transaction.atomic():
        audit.record(
            actor,
            "corporate.unspent_settled",
            version,
            organization=version.company_id,
            after={**summary, "rule": version.unspent},
        )
    return summary


@transaction.atomic
def _carry_one(actor, version, following, found: PlanFund, employee_id: int, returned: int) -> int:
    PlanVersion.objects_unscoped.select_for_update().filter(pk=following.pk).first()
    employee = Employee.objects_unscoped.get(pk=employee_id)
    if not employee.is_active_on(following.starts_on):
        return 0
    done = (
        CreditAllocation.objects_unscoped.filter(
            carried_from=version, employee_id=employee_id
        ).aggregate(t=Sum("amount"))["t"]
        or 0
    )
    amount = returned - done
    if amount <= 0:
        return 0
    lactor = ledger_actor(actor, version.company_id)
    existing = (
        CreditAllocation.objects_unscoped.filter(
            version=following,
            employee_id=employee_id,
            kind__in=[AllocationKind.PLAN, AllocationKind.CARRY_OVER],
        )
        .values_list("wallet_id", flat=True)
        .first()
    )
    if existing:
        wallet = Wallet.objects_unscoped.select_related("account").get(pk=existing)
    else:
        wallet = wallets.open_wallet(
            lactor,
            person=employee.person,
            organization=following.company,
            title=wallet_title(following, AllocationKind.PLAN),
            source_kind=WalletSource.COMPANY_PLAN,
            fund=ensure_plan_fund(actor, following).fund,
            source_type=SOURCE_TYPE,
            source_id=str(following.pk),
            allowed_categories=wallet_categories(following),
            valid_from=following.starts_on,
            valid_until=following.ends_on,
        )
    transfer = funds.award(
        lactor,
        found.fund,
        wallet,
        amount,
        idempotency_key=f"corporate:carry:{version.pk}:{employee_id}:{returned}",
        memo=_("Credito riportato da %(name)s v%(n)s")
        % {"name": version.plan.name, "n": version.number},
    )
    CreditAllocation.objects_unscoped.create(
        version=following,
        company_id=following.company_id,
        employee_id=employee_id,
        kind=AllocationKind.CARRY_OVER,
        wallet=wallet,
        amount=amount,
        transfer_id=transfer.pk,
        carried_from=version,
    )
    audit.record(
        actor,
        "corporate.credit_carried_over",
        following,
        organization=following.company_id,
        person=employee.person_id,
        after={"amount": amount, "from_version": version.pk, "wallet": wallet.pk},
    )
    return amount


def settle_ended_plans(actor: Actor, *, today: date | None = None) -> list[dict]:
    """Every funded version whose period ended before `today` (the beat task, the command).
    Safe to run daily: a settled version has nothing left to move."""
    today = today or timezone.localdate()
    versions = PlanVersion.objects_unscoped.filter(
        ends_on__lt=today,
        status__in=[PlanStatus.APPROVED, PlanStatus.CLOSED],
        funding__isnull=False,
    ).order_by("ends_on", "pk")
    return [{"version": v.pk, **settle_unspent(actor, v, today=today)} for v in versions]

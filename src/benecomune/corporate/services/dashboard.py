"""What HR's plan dashboard and the network's corporate page show, read from the ledger.

Every figure in cents comes from the ledger's entries on the version's plan wallets
(`Entry`, grouped by the kind of their transfer) or from the corporate rows written in the same
transactions as those entries (`CreditAllocation`, `PlanSpend`): the dashboard never keeps
counters of its own, so it matches the ledger to the cent (tests/corporate/test_dashboard.py).

- allocated: AWARD entries into the wallets (plan credit, converted bonus, carried over);
- spent: PAYMENT (providers, shops) and REIMBURSEMENT (claims, payroll requests) out of them,
  net of the REFUNDs and REVERSALs of those payments;
- returned: EXPIRY at the end of the period (back to the company, or carried over);
- unspent: what the wallets hold now (balance, holds included); allocated - spent - returned.
"""

from collections import defaultdict

from django.db.models import Sum
from django.db.models.functions import Coalesce

from benecomune.core.actors import Actor
from benecomune.core.models import ProviderKind
from benecomune.corporate.credit import group_for
from benecomune.corporate.models import (
    CreditAllocation,
    Employee,
    LegalBasis,
    PlanSpend,
    PlanVersion,
)
from benecomune.corporate.plan_wallets import SOURCE_TYPE
from benecomune.ledger.models import Entry, TransferKind, Wallet, WalletSource

SPENT_KINDS = (TransferKind.PAYMENT, TransferKind.REIMBURSEMENT)
GIVEN_BACK = (TransferKind.REFUND, TransferKind.REVERSAL)


def version_wallets(versions):
    return Wallet.objects_unscoped.filter(
        source_kind=WalletSource.COMPANY_PLAN,
        source_type=SOURCE_TYPE,
        source_id__in=[str(v.pk) for v in versions],
    )


def _by_kind(account_ids) -> dict[str, int]:
    rows = (
        Entry.objects_unscoped.filter(account_id__in=account_ids)
        .values("transfer__kind")
        .annotate(total=Coalesce(Sum("amount"), 0))
    )
    return {row["transfer__kind"]: row["total"] for row in rows}


def money(versions) -> dict[str, int]:
    """allocated, spent, returned, unspent (cents) of the plan wallets of `versions`."""
    accounts = version_wallets(versions).values("account_id")
    kinds = _by_kind(accounts)
    allocated = kinds.get(TransferKind.AWARD, 0)
    spent = -sum(kinds.get(k, 0) for k in SPENT_KINDS) - sum(kinds.get(k, 0) for k in GIVEN_BACK)
    returned = -kinds.get(TransferKind.EXPIRY, 0)
    return {
        "allocated": allocated,
        "spent": spent,
        "returned": returned,
        "unspent": sum(kinds.values()),
    }


def by_category(version: PlanVersion) -> list[dict]:
    """Spent or set aside (open holds: claims under review, authorised purchases) per legal
    basis of the plan, net of releases and refunds."""
    totals = dict(
        PlanSpend.objects_unscoped.filter(version=version)
        .values_list("legal_basis_id")
        .annotate(t=Coalesce(Sum("amount"), 0))
    )
    rows = []
    for rule in version.rule_rows():
        basis: LegalBasis = rule.legal_basis
        rows.append(
            {
                "basis": basis,
                "limit": rule.limit,
                "amount": totals.pop(basis.pk, 0),
            }
        )
    for basis in LegalBasis.objects.filter(pk__in=list(totals)):  # a rule removed since
        rows.append({"basis": basis, "limit": None, "amount": totals[basis.pk]})
    return rows


def by_group(version: PlanVersion) -> list[dict]:
    """Employees, credit allocated and spent or set aside per beneficiary group."""
    groups = list(version.group_rows())
    allocated = dict(
        CreditAllocation.objects_unscoped.filter(version=version)
        .values_list("employee_id")
        .annotate(t=Coalesce(Sum("amount"), 0))
    )
    spent = dict(
        PlanSpend.objects_unscoped.filter(version=version)
        .values_list("employee_id")
        .annotate(t=Coalesce(Sum("amount"), 0))
    )
    rows = {g.pk: {"group": g, "employees": 0, "allocated": 0, "spent": 0} for g in groups}
    other = {"group": None, "employees": 0, "allocated": 0, "spent": 0}
    employees = Employee.objects_unscoped.filter(pk__in=set(allocated) | set(spent))
    for employee in employees.only("pk", "category", "level", "site", "hired_on"):
        group = group_for(version, employee, groups)
        row = rows[group.pk] if group is not None else other
        row["employees"] += 1
        row["allocated"] += allocated.get(employee.pk, 0)
        row["spent"] += spent.get(employee.pk, 0)
    result = list(rows.values())
    if other["employees"]:
        result.append(other)
    return result


def plan_dashboard(actor: Actor, version: PlanVersion) -> dict:
    actor.require("company.view", version.company)
    from benecomune.corporate.services.funding import plan_figures

    return {
        "money": money([version]),
        "figures": plan_figures(version),
        "categories": by_category(version),
        "groups": by_group(version),
    }


# -- The network's view: where corporate credit went --------------------------------------


def reached(versions) -> dict:
    """Where the payments of the plan wallets of `versions` went, net of refunds and reversals:
    by kind of provider (social cooperatives, other providers, shops) and in total."""
    accounts = version_wallets(versions).values("account_id")
    payments = Entry.objects_unscoped.filter(
        account_id__in=accounts, transfer__kind=TransferKind.PAYMENT
    )
    # The payee is the credit side of each payment: its account belongs to the provider.
    rows = (
        Entry.objects_unscoped.filter(transfer_id__in=payments.values("transfer_id"), amount__gt=0)
        .values("account__organization__as_provider__provider_kind")
        .annotate(total=Coalesce(Sum("amount"), 0))
    )
    by_kind: dict[str, int] = defaultdict(int)
    for row in rows:
        by_kind[row["account__organization__as_provider__provider_kind"] or ""] += row["total"]
    given_back = (
        Entry.objects_unscoped.filter(account_id__in=accounts, transfer__kind__in=GIVEN_BACK)
        .values("transfer__debit_account__organization__as_provider__provider_kind")
        .annotate(total=Coalesce(Sum("amount"), 0))
    )
    for row in given_back:
        kind = row["transfer__debit_account__organization__as_provider__provider_kind"] or ""
        by_kind[kind] -= row["total"]
    cooperatives = by_kind.get(ProviderKind.SOCIAL_COOPERATIVE, 0)
    shops = by_kind.get(ProviderKind.SHOP, 0)
    total = sum(by_kind.values())
    return {
        "total": total,
        "cooperatives": cooperatives,
        "shops": shops,
        "other_providers": total - cooperatives - shops,
    }


# -- Reads behind the pages (views/dashboard.py), scoped by the actor's permissions -----------

SHOWN = ("approved", "closed")


def open_claims(version: PlanVersion) -> int:
    from benecomune.payouts.models import OPEN_CLAIM_STATUSES, ExpenseClaim

    return ExpenseClaim.objects_unscoped.filter(
        plan_detail__version=version, status__in=OPEN_CLAIM_STATUSES
    ).count()


def network_companies(actor: Actor) -> list:
    """The companies of the actor's network it may view (network staff); PermissionDenied for
    anyone acting for another kind of organisation."""
    from django.core.exceptions import PermissionDenied

    from benecomune.core.models import Company

    network = actor.organization
    if network is None or network.kind != "network":
        raise PermissionDenied
    return [
        c
        for c in Company.objects.filter(network_id=network.pk).order_by("name")
        if actor.has_perm("company.view", c)
    ]


def visible_company(actor: Actor, pk: int):
    """A company the actor may view (its network's staff, its own HR), else Http404."""
    from django.http import Http404

    from benecomune.core.models import Company

    company = Company.objects.filter(pk=pk).first()
    if company is None or not actor.has_perm("company.view", company):
        raise Http404
    return company


def company_summary(company) -> dict:
    versions = list(
        PlanVersion.objects_unscoped.filter(company=company, status__in=SHOWN).select_related(
            "plan"
        )
    )
    return {
        "company": company,
        "versions": versions,
        "money": money(versions),
        "reached": reached(versions),
    }


def funding_requests(actor: Actor):
    """Every funding request of the network's companies the actor manages."""
    from benecomune.corporate.models import FundingRequest

    companies = [c.pk for c in network_companies(actor) if actor.has_perm("company.manage", c)]
    return (
        FundingRequest.objects_unscoped.filter(company_id__in=companies)
        .select_related("company", "version__plan")
        .order_by("due_on", "pk")
    )


def open_funding_requests(actor: Actor):
    """Funding requests still to be paid, of the network's companies the actor manages."""
    from benecomune.corporate.models import FundingStatus

    return funding_requests(actor).filter(
        status__in=(FundingStatus.OPEN, FundingStatus.PARTLY_PAID)
    )

"""Funding a plan version: its fund, funding requests (one pro-forma, or a monthly schedule of
instalments), the incoming bank transfers recorded against them, and the plan's figures.

Money enters the ledger only here, as a contribution from the company's external account to
the version's fund. A transfer is recorded only against a request still to be paid (open or
partly paid), and as it came: less leaves the request partly paid (the rest still due); more
leaves it paid with the excess in the fund, but only when the caller confirms the excess
(`accept_excess`); more than ten times what is still due is a typing error, refused. The bank's
reference (CRO/TRN) is the idempotency key: one transfer, one record.
"""

import re
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from benecomune.core import audit
from benecomune.core.actors import Actor
from benecomune.corporate.credit import add_months, credit_for
from benecomune.corporate.models import (
    AllocationKind,
    CreditAllocation,
    Employee,
    FundingKind,
    FundingPayment,
    FundingRequest,
    FundingStatus,
    PlanFund,
    PlanStatus,
    PlanVersion,
)
from benecomune.ledger.models import FundOrigin
from benecomune.ledger.money import MAX_CENTS, format_euro
from benecomune.ledger.services import funds

INSTALMENTS = 12
# A transfer above this many times what is still due on its request is a typing error.
EXCESS_CEILING = 10


def ledger_actor(actor: Actor, company_id: int) -> Actor:
    """Who moves the plan's money in the ledger. The corporate service has already checked
    the HR permission; HR roles do not hold the ledger's `funds.manage` (it would open the
    Comuni's fund pages to them), so the ledger call acts with that grant on this company
    only, and the audit still names the user and their role."""
    if actor.has_perm("funds.manage", company_id):
        return actor
    return Actor(
        user=actor.user,
        ip_address=actor.ip_address,
        label=actor.role,
        _tenant_ids=(company_id,),
        grants=frozenset({"funds.manage"}),
        bound_organization=actor.organization,
    )


def employees_in_period(version: PlanVersion):
    return Employee.objects_unscoped.filter(
        company_id=version.company_id, hired_on__lte=version.ends_on
    ).filter(Q(left_on__isnull=True) | Q(left_on__gte=version.starts_on))


def plan_credit_total(version: PlanVersion) -> tuple[int, int]:
    """(employees with credit, total plan credit in cents) under the pro-rata rule today."""
    groups = list(version.group_rows())
    count = total = 0
    for employee in employees_in_period(version).iterator(chunk_size=2000):
        amount = credit_for(version, employee, groups).amount
        if amount:
            count, total = count + 1, total + amount
    return count, total


def bonus_credit_total(version: PlanVersion) -> int:
    from benecomune.corporate.models import BonusConversion

    return BonusConversion.objects_unscoped.filter(version=version).aggregate(
        t=Coalesce(Sum("amount"), 0)
    )["t"]


def plan_fund(version: PlanVersion) -> PlanFund | None:
    return PlanFund.objects_unscoped.select_related("fund__account").filter(version=version).first()


def ensure_plan_fund(actor: Actor, version: PlanVersion) -> PlanFund:
    """The version's fund, created the first time (under the version's row lock)."""
    PlanVersion.objects_unscoped.select_for_update().filter(pk=version.pk).first()
    existing = plan_fund(version)
    if existing is not None:
        return existing
    company = version.company
    fund = funds.create_fund(
        ledger_actor(actor, company.pk),
        organization=company,
        name=_("Piano «%(name)s» v%(n)s") % {"name": version.plan.name, "n": version.number},
        origin=FundOrigin.PRIVATE,
        legal_basis=_("Regolamento di welfare aziendale (art. 51 TUIR)"),
        valid_from=version.starts_on,
        valid_until=version.ends_on,
    )
    return PlanFund.objects_unscoped.create(version=version, company=company, fund=fund)


@transaction.atomic
def request_funding(actor: Actor, version: PlanVersion, *, schedule: str) -> list[FundingRequest]:
    """Ask the company for what the plan still needs (employees' credit under the pro-rata
    rule, plus converted bonuses, minus what open or paid requests already ask): one
    pro-forma (`single`) or twelve monthly instalments from the period's start."""
    actor.require("company.manage", version.company_id)
    version = (
        PlanVersion.objects_unscoped.select_for_update()
        .select_related("plan", "company")
        .get(pk=version.pk)
    )
    if version.status != PlanStatus.APPROVED:
        raise ValidationError(_("Si chiede il finanziamento solo di un piano approvato."))
    if schedule not in FundingKind.values:
        raise ValidationError({"schedule": _("Scelga un unico versamento o le rate mensili.")})
    requests = FundingRequest.objects_unscoped.filter(version=version).exclude(
        status=FundingStatus.CANCELLED
    )
    asked = requests.aggregate(t=Coalesce(Sum("amount"), 0))["t"]
    _count, need = plan_credit_total(version)
    need += bonus_credit_total(version)
    missing = need - asked
    if missing <= 0:
        raise ValidationError(
            _(
                "Le richieste già emesse (%(asked)s) coprono il credito del piano "
                "(%(need)s): non serve una nuova richiesta."
            )
            % {"asked": format_euro(asked), "need": format_euro(need)}
        )
    ensure_plan_fund(actor, version)
    number = FundingRequest.objects_unscoped.filter(version=version).count()
    if schedule == FundingKind.SINGLE:
        parts = [(missing, max(version.starts_on, timezone.localdate()))]
    else:
        base, rest = divmod(missing, INSTALMENTS)
        parts = [
            (base + (rest if i == 0 else 0), add_months(version.starts_on, i))
            for i in range(INSTALMENTS)
        ]
        parts = [p for p in parts if p[0] > 0]
    created = []
    for amount, due_on in parts:
        number += 1
        created.append(
            FundingRequest.objects_unscoped.create(
                version=version,
                company_id=version.company_id,
                kind=schedule,
                number=number,
                reference=f"WELF-{version.company_id}-{version.pk}-{number:02d}",
                amount=amount,
                due_on=due_on,
                created_by=actor.user,
            )
        )
    audit.record(
        actor,
        "corporate.funding_requested",
        version,
        organization=version.company_id,
        after={
            "schedule": schedule,
            "amount": missing,
            "need": need,
            "references": [r.reference for r in created],
        },
    )
    return created


def _bank_reference(value: str) -> str:
    return re.sub(r"\s+", "", value or "").upper()[:60]


def excess_of(request: FundingRequest, amount: int) -> int:
    """How much `amount` exceeds what is still due on `request` (0 when it does not)."""
    return max(amount - request.outstanding, 0)


def _payable_error(request: FundingRequest) -> str | None:
    """Why no transfer can be recorded against `request` (paid in full or cancelled)."""
    if request.status == FundingStatus.CANCELLED:
        return _(
            "La richiesta %(ref)s è annullata: non si registrano bonifici. Registri il "
            "bonifico sulla richiesta ancora da pagare, oppure contatti l'assistenza."
        ) % {"ref": request.reference}
    if request.status == FundingStatus.PAID or request.outstanding <= 0:
        return _(
            "La richiesta %(ref)s è già pagata per intero: non si registrano altri bonifici. "
            "Registri il bonifico sulla richiesta ancora da pagare, oppure contatti "
            "l'assistenza."
        ) % {"ref": request.reference}
    return None


def _amount_errors(request: FundingRequest, amount: int, accept_excess: bool) -> dict:
    """A transfer above what is still due: refused when absurd, asked to confirm otherwise."""
    due = request.outstanding
    values = {
        "amount": format_euro(amount),
        "ref": request.reference,
        "due": format_euro(due),
        "excess": format_euro(excess_of(request, amount)),
    }
    if amount > due * EXCESS_CEILING or amount >= MAX_CENTS:
        return {
            "amount": [
                _(
                    "Il bonifico di %(amount)s supera di oltre dieci volte quanto resta da "
                    "pagare sulla richiesta %(ref)s (%(due)s): controlli le cifre. Se è "
                    "arrivato davvero così, contatti l'assistenza."
                )
                % values
            ]
        }
    if amount > due and not accept_excess:
        return {
            "accept_excess": [
                _(
                    "Il bonifico di %(amount)s supera di %(excess)s quanto resta da pagare "
                    "sulla richiesta %(ref)s (%(due)s). Se è arrivato davvero così, confermi "
                    "l'eccedenza: resterà nel fondo del piano."
                )
                % values
            ]
        }
    return {}


@transaction.atomic
def record_payment(
    actor: Actor,
    request: FundingRequest,
    *,
    amount: int,
    received_on: date,
    bank_reference: str,
    accept_excess: bool,
) -> FundingPayment:
    """Record an incoming bank transfer against `request`: a contribution to the plan's fund.
    The HR admin of the company or the network's platform admin records it. Only a request
    still to be paid takes one; a transfer above what is still due needs `accept_excess`
    (the caller's explicit confirmation), and above ten times it is refused."""
    actor.require("company.manage", request.company_id)
    request = (
        FundingRequest.objects_unscoped.select_for_update()
        .select_related("version__plan", "version__company")
        .get(pk=request.pk)
    )
    errors: dict = {}
    reference = _bank_reference(bank_reference)
    refusal = _payable_error(request)
    if refusal:
        errors["request"] = [refusal]
    if type(amount) is not int or amount <= 0:
        errors["amount"] = [_("Indichi l'importo ricevuto, più di zero.")]
    elif refusal is None:
        errors.update(_amount_errors(request, amount, accept_excess is True))
    if not isinstance(received_on, date) or received_on > timezone.localdate():
        errors["received_on"] = [_("Indichi la data di accredito, non nel futuro.")]
    if not reference:
        errors["bank_reference"] = [_("Indichi il riferimento del bonifico (CRO o TRN).")]
    elif FundingPayment.objects_unscoped.filter(
        company_id=request.company_id, bank_reference=reference
    ).exists():
        errors["bank_reference"] = [
            _("Il bonifico %(ref)s è già stato registrato.") % {"ref": reference}
        ]
    if errors:
        raise ValidationError(errors)
    version = request.version
    fund = ensure_plan_fund(actor, version).fund
    company = version.company
    transfer = funds.add_contribution(
        ledger_actor(actor, company.pk),
        fund,
        contributor=company.name,
        amount=amount,
        idempotency_key=f"corporate:funding:{company.pk}:{reference}"[:100],
        memo=_("Bonifico %(ref)s, causale %(causale)s")
        % {"ref": reference, "causale": request.reference},
    )
    payment = FundingPayment.objects_unscoped.create(
        request=request,
        company_id=request.company_id,
        amount=amount,
        received_on=received_on,
        bank_reference=reference,
        transfer_id=transfer.pk,
        recorded_by=actor.user,
    )
    before = {"received": request.received, "status": request.status}
    request.received += amount
    request.status = (
        FundingStatus.PAID if request.received >= request.amount else FundingStatus.PARTLY_PAID
    )
    request.save(update_fields=["received", "status"])
    audit.record(
        actor,
        "corporate.funding_received",
        request,
        organization=request.company_id,
        before=before,
        after={
            "amount": amount,
            "received": request.received,
            "status": request.status,
            "difference": request.received - request.amount,
            "excess_accepted": accept_excess is True and request.received > request.amount,
            "bank_reference": reference,
        },
    )
    return payment


@transaction.atomic
def cancel_request(actor: Actor, request: FundingRequest, *, reason: str) -> FundingRequest:
    """An unpaid request no longer due (the plan changed): cancelled, with a reason."""
    actor.require("company.manage", request.company_id)
    request = FundingRequest.objects_unscoped.select_for_update().get(pk=request.pk)
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Scriva perché la richiesta si annulla.")})
    if request.received:
        raise ValidationError(_("La richiesta ha già dei bonifici: non si può annullare."))
    if request.status == FundingStatus.CANCELLED:
        return request
    request.status = FundingStatus.CANCELLED
    request.save(update_fields=["status"])
    audit.record(
        actor,
        "corporate.funding_cancelled",
        request,
        organization=request.company_id,
        after={"status": request.status},
        reason=reason.strip(),
    )
    return request


def _allocated(version: PlanVersion, kind: str) -> int:
    return CreditAllocation.objects_unscoped.filter(version=version, kind=kind).aggregate(
        t=Coalesce(Sum("amount"), 0)
    )["t"]


def plan_figures(version: PlanVersion) -> dict:
    """The version's money in cents: what is needed, requested, funded, reserved (by a
    running allocation), allocated (plan credit, converted bonus, carried over), returned at
    the end, and available for allocation."""
    requests = FundingRequest.objects_unscoped.filter(version=version).exclude(
        status=FundingStatus.CANCELLED
    )
    totals = requests.aggregate(
        requested=Coalesce(Sum("amount"), 0), received=Coalesce(Sum("received"), 0)
    )
    count, need = plan_credit_total(version)
    bonus = bonus_credit_total(version)
    figures = {
        "employees": count,
        "need": need + bonus,
        "need_plan": need,
        "need_bonus": bonus,
        "requested": totals["requested"],
        "funded": 0,
        "reserved": 0,
        "allocated": 0,
        "allocated_plan": _allocated(version, AllocationKind.PLAN),
        "allocated_bonus": _allocated(version, AllocationKind.BONUS),
        "carried_in": _allocated(version, AllocationKind.CARRY_OVER),
        "carried_out": CreditAllocation.objects_unscoped.filter(carried_from=version).aggregate(
            t=Coalesce(Sum("amount"), 0)
        )["t"],
        "returned": 0,
        "available": 0,
        "balance": 0,
        "to_fund": 0,
    }
    found = plan_fund(version)
    if found is not None:
        summary = funds.fund_summary(found.fund)
        figures.update(
            funded=summary["contributed"],
            reserved=summary["reserved"],
            returned=summary["returned"],
            available=summary["available"],
            balance=summary["balance"],
        )
    figures["allocated"] = figures["allocated_plan"] + figures["allocated_bonus"]
    figures["to_fund"] = max(figures["need"] - figures["funded"], 0)
    return figures

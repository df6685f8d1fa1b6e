"""Contributions to health or pension funds (art. 51 c.2 lett. a and the like): the employee
asks for part of the plan's credit to go to a fund; HR passes the request to payroll (the fund
is paid with the salary) and marks it passed, which pays the held amount to the company's
payable account."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from benecomune.core import audit
from benecomune.core.actors import Actor
from benecomune.core.models import Organization
from benecomune.corporate.models import PayrollRequest, PayrollRequestStatus, PlanStatus
from benecomune.corporate.plan_wallets import employee_of, pay_from_hold, plan_version_of, set_aside
from benecomune.corporate.services import fringe
from benecomune.corporate.spending import rule_codes
from benecomune.ledger.exceptions import LedgerError
from benecomune.ledger.models import Wallet

# The legal bases paid through payroll rather than by purchase or claim.
PAYROLL_BASES = ("art51_c2_a",)


@transaction.atomic
def request_contribution(
    actor: Actor, wallet: Wallet, *, basis_code: str, amount: int, fund_name: str
) -> PayrollRequest:
    wallet = Wallet.objects_unscoped.select_related("account").get(pk=wallet.pk)
    if actor.user is None or actor.user.person_id != wallet.person_id:
        raise LedgerError(_("Solo il dipendente può chiedere un versamento dal proprio piano."))
    version, employee = plan_version_of(wallet), employee_of(wallet)
    if version is None or employee is None or version.status != PlanStatus.APPROVED:
        raise LedgerError(_("Questo credito non viene da un piano di welfare in vigore."))
    rule = rule_codes(version).get(basis_code)
    if basis_code not in PAYROLL_BASES or rule is None:
        raise LedgerError(_("Il piano non prevede versamenti a questo tipo di fondo."))
    if type(amount) is not int or amount <= 0:
        raise LedgerError(_("Indichi l'importo da versare."))
    fund_name = " ".join((fund_name or "").split())
    if not fund_name:
        raise LedgerError(_("Indichi il fondo o la cassa a cui versare."))
    hold = set_aside(actor, wallet, amount, obj_type="corporate.payroll", reason=fund_name)
    fringe.record_spend(wallet, hold, basis_code, amount)
    row = PayrollRequest.objects_unscoped.create(
        company_id=employee.company_id,
        employee=employee,
        version=version,
        wallet=wallet,
        legal_basis=rule.legal_basis,
        hold=hold,
        amount=amount,
        fund_name=fund_name[:200],
    )
    audit.record(
        actor,
        "corporate.payroll_requested",
        row,
        organization=Organization(pk=employee.company_id),
        person=employee.person,
        after={"basis": basis_code, "amount": amount, "fund": row.fund_name},
    )
    return row


@transaction.atomic
def mark_passed(actor: Actor, request: PayrollRequest) -> PayrollRequest:
    actor.require("company.employees", request.company_id)
    row = PayrollRequest.objects_unscoped.select_for_update().get(pk=request.pk)
    if row.status != PayrollRequestStatus.REQUESTED:
        raise LedgerError(_("Questo versamento è già stato passato al cedolino."))
    wallet = Wallet.objects_unscoped.select_related("account").get(pk=row.wallet_id)
    row.transfer = pay_from_hold(
        actor,
        wallet,
        row.hold,
        row.amount,
        key=f"corporate-payroll:{row.pk}",
        obj=row,
        memo=_("Versamento a %(fund)s") % {"fund": row.fund_name},
    )
    row.status, row.passed_by, row.passed_at = (
        PayrollRequestStatus.PASSED,
        actor.user,
        timezone.now(),
    )
    row.save(update_fields=["status", "passed_by", "passed_at", "transfer"])
    audit.record(
        actor,
        "corporate.payroll_passed",
        row,
        organization=Organization(pk=row.company_id),
        person=row.employee.person,
        after={"amount": row.amount, "transfer": row.transfer_id},
    )
    return row


def open_requests(actor: Actor, company_id: int):
    actor.require("company.view", company_id)
    return PayrollRequest.objects_unscoped.filter(
        company_id=company_id, status=PayrollRequestStatus.REQUESTED
    ).select_related("employee__person", "legal_basis")


def request_of_company(actor: Actor, company_id: int, pk: int) -> PayrollRequest | None:
    actor.require("company.view", company_id)
    return PayrollRequest.objects_unscoped.filter(pk=pk, company_id=company_id).first()

"""Company-plan reimbursement claims: payouts' expense claims of kind `corporate_plan`.

The employee claims an expense already paid under a reimbursable legal basis of their plan
(f-bis, f-ter, d-bis, c.3 utilities/rent/mortgage interest: `claim_rules.RULES`). The claim is
payouts' `ExpenseClaim` (receipts, duplicates, review, clarifications, lifecycle, notifications
are payouts'); `PlanClaimDetail` keeps the plan, the basis, the beneficiary and the document's
figures. The claimed amount is held on the plan wallet at once (and counted under the plan's
limit and, for c.3, the fringe cap); HR's acceptance pays it from the hold (claim_kind.py),
a rejection gives it back.
"""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from benecomune.core import audit
from benecomune.core.actors import Actor
from benecomune.core.models import Organization
from benecomune.core.notifications import notify_person
from benecomune.corporate import claim_rules
from benecomune.corporate.models import DependentChild, PlanClaimDetail, PlanStatus
from benecomune.corporate.plan_wallets import employee_of, plan_version_of, set_aside
from benecomune.corporate.services import fringe
from benecomune.corporate.spending import rule_codes
from benecomune.ledger.exceptions import LedgerError
from benecomune.ledger.models import Wallet
from benecomune.ledger.money import format_euro
from benecomune.payouts.exceptions import PayoutError
from benecomune.payouts.models import ClaimKind, ExpenseClaim
from benecomune.payouts.services.claims import _check_duplicates, _payee_key
from benecomune.payouts.services.receipts import check_receipt, store_receipt

HOLD_OBJECT_TYPE = "corporate.claim"


def _date(day: datetime.date) -> str:
    return day.strftime("%d/%m/%Y")


def _check_beneficiary(rule, employee, beneficiary, fiscal_code, name, relationship, year):
    if beneficiary not in rule.beneficiaries:
        labels = dict(claim_rules.BENEFICIARIES)
        raise PayoutError(
            {
                "beneficiary": _("Per questa spesa il beneficiario può essere: %(who)s.")
                % {"who": ", ".join(str(labels[b]).lower() for b in rule.beneficiaries)}
            }
        )
    if beneficiary == claim_rules.CHILD:
        code = (fiscal_code or "").strip().upper()
        child = DependentChild.objects_unscoped.filter(
            employee=employee, tax_year=year, fiscal_code=code
        ).first()
        if child is None:
            raise PayoutError(
                {
                    "beneficiary_fiscal_code": _(
                        "Il figlio con codice fiscale %(cf)s non è dichiarato a carico per il "
                        "%(year)s: lo dichiari prima nella pagina Welfare aziendale."
                    )
                    % {"cf": code or "—", "year": year}
                }
            )
        return child.full_name, code
    if beneficiary == claim_rules.FAMILY:
        name = " ".join((name or "").split())
        if not name or relationship not in dict(claim_rules.RELATIONSHIPS):
            raise PayoutError(
                {"beneficiary_name": _("Indichi nome e grado di parentela del familiare.")}
            )
        return f"{name} ({relationship})", (fiscal_code or "").strip().upper()[:16]
    return employee.person.full_name, employee.person.fiscal_code


@transaction.atomic
def submit_plan_claim(
    actor: Actor,
    wallet: Wallet,
    *,
    category: str,
    amount: int,
    document_amount: int,
    expense_date: datetime.date,
    payee: str,
    document_type: str,
    payment_method: str,
    beneficiary: str = claim_rules.SELF,
    beneficiary_fiscal_code: str = "",
    beneficiary_name: str = "",
    relationship: str = "",
    description: str = "",
    upload=None,
    declaration_confirmed: bool = False,
) -> ExpenseClaim:
    """The employee's own claim against their plan wallet. Any problem: PayoutError with an
    Italian message per field, and nothing is written."""
    wallet = Wallet.objects_unscoped.select_related("account").get(pk=wallet.pk)
    if actor.user is None or actor.user.person_id != wallet.person_id:
        raise PayoutError(_("Solo il dipendente può chiedere un rimborso dal proprio piano."))
    version = plan_version_of(wallet)
    employee = employee_of(wallet)
    if version is None or employee is None:
        raise PayoutError(_("Questo credito non viene da un piano di welfare aziendale."))
    if version.status != PlanStatus.APPROVED:
        raise PayoutError(_("Il piano non è in vigore: non si possono chiedere rimborsi."))
    rule = claim_rules.RULES.get(category)
    plan_rule = rule_codes(version).get(rule.basis) if rule else None
    if rule is None or plan_rule is None or plan_rule.delivery != "reimbursable":
        raise PayoutError(
            {"category": _("Il piano di welfare non rimborsa questa categoria di spesa.")}
        )
    if type(amount) is not int or amount <= 0:
        raise PayoutError({"amount": _("Indichi l'importo da rimborsare.")})
    if type(document_amount) is not int or document_amount <= 0:
        raise PayoutError({"document_amount": _("Indichi l'importo del documento di spesa.")})
    if amount > document_amount:
        raise PayoutError(
            {
                "amount": _("Non si può chiedere più dell'importo del documento (%(doc)s).")
                % {"doc": format_euro(document_amount)}
            }
        )
    if expense_date > timezone.localdate():
        raise PayoutError({"expense_date": _("La data della spesa è nel futuro.")})
    if not version.starts_on <= expense_date <= version.ends_on:
        raise PayoutError(
            {
                "expense_date": _("Il piano rimborsa le spese dal %(start)s al %(end)s.")
                % {"start": _date(version.starts_on), "end": _date(version.ends_on)}
            }
        )
    name, fiscal_code = _check_beneficiary(
        rule,
        employee,
        beneficiary,
        beneficiary_fiscal_code,
        beneficiary_name,
        relationship,
        expense_date.year,
    )
    if document_type not in rule.documents:
        labels = dict(claim_rules.DOCUMENT_TYPES)
        raise PayoutError(
            {
                "document_type": _("Per questa spesa serve: %(docs)s.")
                % {"docs": ", ".join(str(labels[d]).lower() for d in rule.documents)}
            }
        )
    if payment_method not in claim_rules.TRACED_METHODS:
        raise PayoutError(
            {
                "payment_method": _(
                    "Si rimborsano solo spese pagate in modo tracciabile (bonifico, carta, "
                    "addebito diretto, PagoPA o bollettino)."
                )
            }
        )
    payee = " ".join((payee or "").split())
    if not payee:
        raise PayoutError({"payee": _("Indichi a chi ha pagato la spesa.")})
    self_declared = document_type == "self_declaration"
    checked = None
    if self_declared:
        if not declaration_confirmed:
            raise PayoutError(
                {
                    "declaration": _(
                        "Confermi la dichiarazione sostitutiva (art. 47 D.P.R. 445/2000) per "
                        "presentare la spesa senza documento."
                    )
                }
            )
    elif upload is None:
        raise PayoutError({"document": _("Alleghi il documento della spesa.")})
    else:
        checked = check_receipt(upload)
    duplicate = _check_duplicates(
        None, checked, _payee_key(payee), expense_date, amount, person_id=wallet.person_id
    )
    try:
        hold = set_aside(
            actor, wallet, amount, obj_type=HOLD_OBJECT_TYPE, reason=_("Richiesta di rimborso")
        )
        fringe.record_spend(wallet, hold, rule.basis, amount)
    except LedgerError as exc:
        raise PayoutError({"amount": exc.messages}) from exc
    claim = ExpenseClaim.objects_unscoped.create(
        organization_id=wallet.organization_id,
        kind=ClaimKind.CORPORATE_PLAN,
        person_id=wallet.person_id,
        category=category,
        amount=amount,
        expense_date=expense_date,
        payee=payee[:200],
        payee_key=_payee_key(payee),
        description=" ".join((description or "").split())[:300],
        self_declared=self_declared,
        possible_duplicate=duplicate,
        submitted_by=actor.user,
    )
    hold.object_id = str(claim.pk)
    hold.save(update_fields=["object_id"])
    if checked is not None:
        store_receipt(actor, claim, upload, checked)
    PlanClaimDetail.objects_unscoped.create(
        claim=claim,
        company_id=employee.company_id,
        employee=employee,
        version=version,
        wallet=wallet,
        legal_basis=plan_rule.legal_basis,
        hold=hold,
        beneficiary=beneficiary,
        beneficiary_name=name[:200],
        beneficiary_fiscal_code=fiscal_code[:16],
        document_type=document_type,
        document_amount=document_amount,
        payment_method=payment_method,
    )
    audit.record(
        actor,
        "corporate.claim_submitted",
        claim,
        organization=Organization(pk=claim.organization_id),
        person=claim.person,
        after={
            "plan_version": version.pk,
            "wallet": wallet.pk,
            "basis": rule.basis,
            "category": category,
            "amount": amount,
            "document_amount": document_amount,
            "expense_date": str(expense_date),
            "beneficiary": beneficiary,
            "self_declared": self_declared,
        },
    )
    notify_person(
        claim.person,
        subject=_("Richiesta di rimborso ricevuta"),
        body=_(
            "Abbiamo ricevuto la richiesta n. %(n)s di %(amount)s sul suo piano di welfare: "
            "l'importo resta riservato sul credito finché l'ufficio del personale la verifica."
        )
        % {"n": claim.pk, "amount": format_euro(amount)},
    )
    return claim


def claims_of_person(person_id: int):
    return (
        ExpenseClaim.objects_unscoped.filter(kind=ClaimKind.CORPORATE_PLAN, person_id=person_id)
        .select_related("plan_detail__legal_basis")
        .order_by("-submitted_at")
    )


def claims_of_company(actor: Actor, company_id: int, statuses=None):
    actor.require("company.view", company_id)
    rows = ExpenseClaim.objects_unscoped.filter(
        kind=ClaimKind.CORPORATE_PLAN, organization_id=company_id
    ).select_related("person", "plan_detail__legal_basis")
    if statuses:
        rows = rows.filter(status__in=statuses)
    return rows.order_by("submitted_at")


def claim_of_company(actor: Actor, company_id: int, pk: int):
    """(claim, detail) of a company-plan claim of `company_id`; None for anyone else's."""
    actor.require("company.view", company_id)
    claim = (
        ExpenseClaim.objects_unscoped.select_related("person")
        .filter(pk=pk, kind=ClaimKind.CORPORATE_PLAN, organization_id=company_id)
        .first()
    )
    if claim is None:
        return None
    detail = PlanClaimDetail.objects_unscoped.select_related("legal_basis", "version__plan").get(
        claim=claim
    )
    return claim, detail

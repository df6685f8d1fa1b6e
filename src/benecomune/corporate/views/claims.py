"""Claims and payroll requests on company plans.

Employee (personal area): new claim, my claims and their status, the fringe-benefit cap
(used vs cap, warned from 80 %), a contribution to a health fund. HR (/gestione/): the claims
to review (payouts' review services decide), one claim with its receipt, the payroll requests
to pass. Rows are looked up within the employee's own or the HR's company: anyone else's are
not found (404)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from benecomune.core.files import STAFF, file_url
from benecomune.core.forms_helpers import add_errors
from benecomune.core.views.decorators import citizen_required
from benecomune.corporate.claim_files import CLAIM_RECEIPT
from benecomune.corporate.claim_forms import PayrollRequestForm, PlanClaimForm
from benecomune.corporate.employee_view import rules_in_words, spend_links
from benecomune.corporate.models import Employee
from benecomune.corporate.plan_wallets import plan_version_of, plan_wallets_of
from benecomune.corporate.services import claims, fringe, payroll_requests
from benecomune.corporate.views.common import company_page
from benecomune.ledger.exceptions import LedgerError
from benecomune.ledger.services.statements import available
from benecomune.payouts.forms import ReviewForm
from benecomune.payouts.models import OPEN_CLAIM_STATUSES


def _employments(request):
    return Employee.visible_to(request.actor).filter(person_id=request.user.person_id)


def _wallets(request):
    wallets = []
    for employee in _employments(request):
        wallets.extend(plan_wallets_of(employee))
    return wallets


def employee_summary(request) -> list[dict]:
    """Per employment: the plan wallets with what is available, and the fringe cap."""
    rows = []
    for employee in _employments(request).select_related("company", "person__residence"):
        wallets = []
        for wallet in plan_wallets_of(employee):
            version = plan_version_of(wallet)
            wallets.append(
                {
                    "wallet": wallet,
                    "available": available(wallet.account),
                    "version": version,
                    "rules": rules_in_words(version) if version else [],
                    "links": spend_links(employee, wallet, version) if version else [],
                }
            )
        rows.append({"employee": employee, "wallets": wallets, "cap": fringe.cap_status(employee)})
    return rows


@citizen_required
def my_claims(request):
    return render(
        request,
        "corporate/my_claims.html",
        {
            "claims": claims.claims_of_person(request.user.person_id),
            "summary": employee_summary(request),
            "warn_percent": fringe.WARN_PERCENT,
        },
    )


def _run(form, call):
    try:
        call()
    except (ValidationError, LedgerError) as exc:
        add_errors(form, exc)
        return False
    return True


@citizen_required
def claim_new(request):
    wallets = _wallets(request)
    form = PlanClaimForm(request.POST or None, request.FILES or None, wallets=wallets)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        wallet = next(w for w in wallets if w.pk == data.pop("wallet"))
        upload = data.pop("document")
        if _run(
            form, lambda: claims.submit_plan_claim(request.actor, wallet, upload=upload, **data)
        ):
            messages.success(request, _("Richiesta di rimborso inviata."))
            return redirect("corporate:my_claims")
    return render(request, "corporate/claim_new.html", {"form": form, "wallets": wallets})


@citizen_required
def payroll_request_new(request):
    wallets = _wallets(request)
    form = PayrollRequestForm(request.POST or None, wallets=wallets)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        wallet = next(w for w in wallets if w.pk == data.pop("wallet"))
        if _run(
            form,
            lambda: payroll_requests.request_contribution(
                request.actor, wallet, basis_code="art51_c2_a", **data
            ),
        ):
            messages.success(
                request, _("Richiesta di versamento inviata all'ufficio del personale.")
            )
            return redirect("corporate:my_claims")
    return render(request, "corporate/payroll_request_new.html", {"form": form})


@company_page()
def claim_queue(request, company):
    rows = claims.claims_of_company(request.actor, company.pk, OPEN_CLAIM_STATUSES)
    return render(
        request,
        "corporate/claims_queue.html",
        {"claims": rows, "company": company},
    )


@company_page()
def claim_review(request, company, pk):
    found = claims.claim_of_company(request.actor, company.pk, pk)
    if found is None:
        raise Http404
    claim, detail = found
    can_decide = any(
        request.actor.has_perm(p, company) for p in ("company.employees", "company.manage")
    )
    form = ReviewForm(request.POST or None)
    if request.method == "POST":
        if not can_decide:
            raise PermissionDenied
        if form.is_valid():
            try:
                form.decide(request.actor, claim)
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("Decisione registrata e comunicata al dipendente."))
                return redirect("corporate:claim_review", pk=claim.pk)
    return render(
        request,
        "corporate/claim_review.html",
        {
            "claim": claim,
            "detail": detail,
            "form": form if claim.is_open and can_decide else None,
            "receipt_url": file_url(CLAIM_RECEIPT, claim.pk, STAFF) if claim.receipt else "",
        },
    )


@company_page()
def payroll_queue(request, company):
    return render(
        request,
        "corporate/payroll_requests.html",
        {"rows": payroll_requests.open_requests(request.actor, company.pk)},
    )


@require_POST
@company_page("company.employees")
def payroll_pass(request, company, pk):
    row = payroll_requests.request_of_company(request.actor, company.pk, pk)
    if row is None:
        raise Http404
    try:
        payroll_requests.mark_passed(request.actor, row)
    except LedgerError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Versamento segnato come passato al cedolino."))
    return redirect("corporate:payroll_requests")

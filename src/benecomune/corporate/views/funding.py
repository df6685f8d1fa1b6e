"""HR pages of plan funding and allocation (figures, requests with their pro-forma, recording
a bank transfer, starting the allocation job), of productivity bonuses, and the employee's
page to convert a bonus."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from benecomune.core.forms_helpers import add_errors
from benecomune.corporate.forms_funding import (
    BonusForm,
    BonusImportForm,
    ConversionForm,
    FundingRequestForm,
    PaymentForm,
)
from benecomune.corporate.models import (
    AllocationRun,
    Employee,
    FundingRequest,
    FundingStatus,
    PlanVersion,
    ProductivityBonus,
)
from benecomune.corporate.services import allocation, funding
from benecomune.corporate.services import bonus as bonus_services
from benecomune.corporate.services.bonus_import import import_bonuses
from benecomune.corporate.views.common import company_page, company_row


def _payable_requests(version):
    return FundingRequest.objects.filter(
        version=version, status__in=(FundingStatus.OPEN, FundingStatus.PARTLY_PAID)
    )


def save_payment(request, form, target) -> bool:
    """Record the form's transfer against `target` (HR's page and the network's treasury). On
    a refusal the messages go on the form; an unconfirmed excess adds the box that names it."""
    excess = funding.excess_of(target, form.cleaned_data["amount"])
    try:
        funding.record_payment(request.actor, target, **form.payment_args(excess))
    except ValidationError as exc:
        if "accept_excess" in getattr(exc, "error_dict", {}):
            form.offer_excess(excess)
        add_errors(form, exc)
        return False
    return True


def _page(request, company, version, **forms):
    can_manage = request.actor.has_perm("company.manage", company)
    requests = FundingRequest.objects.filter(version=version).prefetch_related("payments")
    context = {
        "version": version,
        "figures": funding.plan_figures(version),
        "requests": requests,
        "runs": AllocationRun.objects.filter(version=version)[:10],
        "can_manage": can_manage,
        "request_form": forms.get("request_form") or FundingRequestForm(),
        "payment_form": forms.get("payment_form")
        or PaymentForm(requests=_payable_requests(version)),
    }
    return render(request, "corporate/funding.html", context)


def _version(company, pk):
    return company_row(PlanVersion.objects.select_related("plan", "company"), company, pk=pk)


@company_page()
def funding_page(request, company, pk):
    return _page(request, company, _version(company, pk))


@require_POST
@company_page("company.manage")
def funding_request(request, company, pk):
    version = _version(company, pk)
    form = FundingRequestForm(request.POST)
    if form.is_valid():
        try:
            created = funding.request_funding(
                request.actor, version, schedule=form.cleaned_data["schedule"]
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(
                request, _("Richieste emesse: %(n)s. Scarichi il pro forma.") % {"n": len(created)}
            )
            return redirect("corporate:funding", pk=version.pk)
    return _page(request, company, version, request_form=form)


@require_POST
@company_page("company.manage")
def funding_payment(request, company, pk):
    version = _version(company, pk)
    form = PaymentForm(request.POST, requests=_payable_requests(version))
    if form.is_valid():
        # Any request of the plan: a paid or cancelled one is refused by name by the service.
        target = get_object_or_404(
            FundingRequest.objects.filter(version=version), pk=form.cleaned_data["request"]
        )
        if save_payment(request, form, target):
            messages.success(request, _("Bonifico registrato nel fondo del piano."))
            return redirect("corporate:funding", pk=version.pk)
    return _page(request, company, version, payment_form=form)


@require_POST
@company_page("company.manage")
def allocate(request, company, pk):
    version = _version(company, pk)
    try:
        job = allocation.launch_allocation(request.actor, version)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("corporate:funding", pk=version.pk)
    return redirect("core:job", pk=job.pk)


@require_POST
@company_page("company.employees")
def bonus_import(request, company):
    form = BonusImportForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            count = import_bonuses(request.actor, company, form.cleaned_data["file"].read())
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Premi registrati: %(n)s.") % {"n": count})
            return redirect("corporate:bonuses")
    return bonuses(request, import_form=form)


@company_page()
def bonuses(request, company, import_form=None):
    can_edit = request.actor.has_perm("company.employees", company)
    form = BonusForm(request.POST if import_form is None else None)
    if request.method == "POST" and import_form is None:
        if not can_edit:
            raise Http404
        if form.is_valid():
            data = form.cleaned_data
            employee = Employee.objects.filter(
                company=company, employee_number=data["employee_number"].strip()
            ).first()
            if employee is None:
                form.add_error("employee_number", _("Nessun dipendente con questa matricola."))
            else:
                try:
                    bonus_services.record_bonus(
                        request.actor, employee, year=data["year"], amount=data["amount"]
                    )
                except ValidationError as exc:
                    add_errors(form, exc)
                else:
                    messages.success(request, _("Premio registrato."))
                    return redirect("corporate:bonuses")
    rows = (
        ProductivityBonus.objects.filter(company=company)
        .select_related("employee__person", "conversion")
        .order_by("-year", "employee__employee_number")
    )
    return render(
        request,
        "corporate/bonuses.html",
        {
            "rows": rows,
            "form": form if can_edit else None,
            "import_form": (import_form or BonusImportForm()) if can_edit else None,
        },
    )


def _my_bonuses(request):
    person_id = getattr(request.user, "person_id", None)
    if person_id is None or request.actor.membership is not None:
        raise Http404
    # visible_to: the person's own rows (no tenant scope on the personal area).
    return (
        ProductivityBonus.visible_to(request.actor)
        .filter(employee__person_id=person_id)
        .select_related("employee__company")
    )


@login_required
def my_bonuses(request):
    rows = _my_bonuses(request).order_by("-year")
    forms = {}
    for row in rows:
        if not hasattr(row, "conversion"):
            forms[row.pk] = ConversionForm(prefix=f"b{row.pk}")
    return _my_page(request, [(row, forms.get(row.pk)) for row in rows])


def _my_page(request, pairs):
    # The year's limits come from the BonusRule rows: the page never repeats the law's figures.
    rows = [(row, form, bonus_services.rule_for(row.year)) for row, form in pairs]
    return render(request, "corporate/my_bonuses.html", {"rows": rows})


@require_POST
@login_required
def my_bonus_convert(request, pk):
    row = get_object_or_404(_my_bonuses(request), pk=pk)
    form = ConversionForm(request.POST, prefix=f"b{row.pk}")
    if form.is_valid():
        try:
            bonus_services.convert_bonus(
                request.actor,
                row,
                amount=form.cleaned_data["amount"],
                income_declared=form.cleaned_data["income_declared"],
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Conversione registrata: il credito arriverà nel piano."))
            return redirect("corporate:my_bonuses")
    pairs = [(r, form if r.pk == row.pk else None) for r in _my_bonuses(request).order_by("-year")]
    return _my_page(request, pairs)

"""The employee's personal area: their companies' approved plans with their own credit
(computed), the plan's PDF, and their declarations. Only their own employments are found."""

from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from benecomune.core.files import CITIZEN, file_url
from benecomune.core.forms_helpers import add_errors
from benecomune.core.gender import gendered
from benecomune.core.middleware import client_ip
from benecomune.core.staff_forms import AcceptInvitationForm
from benecomune.core.views.decorators import citizen_required
from benecomune.corporate.credit import credit_for
from benecomune.corporate.files import PLAN_PDF
from benecomune.corporate.forms import ChildForm, FringeForm
from benecomune.corporate.models import (
    DependentChild,
    Employee,
    OtherFringeBenefit,
    PlanStatus,
    PlanVersion,
)
from benecomune.corporate.services import activation, declarations


def _employments(request):
    return (
        Employee.visible_to(request.actor)
        .filter(person_id=request.user.person_id)
        .select_related("company", "person")
    )


def _page(request, child_form=None, fringe_form=None):
    employments = []
    for employee in _employments(request):
        versions = (
            PlanVersion.visible_to(request.actor)
            .filter(company_id=employee.company_id, status=PlanStatus.APPROVED)
            .select_related("plan")
        )
        employments.append(
            {
                "employee": employee,
                "plans": [
                    {
                        "version": v,
                        "credit": credit_for(v, employee),
                        "pdf": file_url(PLAN_PDF, v.pk, CITIZEN),
                    }
                    for v in versions
                ],
                "children": DependentChild.visible_to(request.actor).filter(employee=employee),
                "fringes": OtherFringeBenefit.visible_to(request.actor).filter(employee=employee),
            }
        )
    year = timezone.localdate().year
    return render(
        request,
        "corporate/my_welfare.html",
        {
            "employments": employments,
            "child_form": child_form or ChildForm(initial={"tax_year": year}),
            "fringe_form": fringe_form or FringeForm(),
        },
    )


@citizen_required
def my_welfare(request):
    return _page(request)


def _own_employment(request, pk):
    return get_object_or_404(_employments(request), pk=pk)


@require_POST
@citizen_required
def child_add(request, pk):
    employee = _own_employment(request, pk)
    form = ChildForm(request.POST)
    if form.is_valid():
        try:
            declarations.declare_child(request.actor, employee, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Figlio a carico dichiarato."))
            return redirect("corporate:my_welfare")
    return _page(request, child_form=form)


@require_POST
@citizen_required
def child_remove(request, pk, child_pk):
    employee = _own_employment(request, pk)
    child = get_object_or_404(
        DependentChild.visible_to(request.actor), employee=employee, pk=child_pk
    )
    declarations.withdraw_child(request.actor, child)
    messages.success(request, _("Dichiarazione ritirata."))
    return redirect("corporate:my_welfare")


@require_POST
@citizen_required
def fringe_add(request, pk):
    employee = _own_employment(request, pk)
    form = FringeForm(request.POST)
    if form.is_valid():
        try:
            declarations.declare_other_fringe_benefit(request.actor, employee, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Fringe benefit dichiarato."))
            return redirect("corporate:my_welfare")
    return _page(request, fringe_form=form)


def activate(request, token):
    """The link of the activation e-mail: choose a password, then the personal area."""
    employee = activation.find_activation(token)
    problem = activation.activation_problem(employee)
    form = AcceptInvitationForm(request.POST or None)
    if request.method == "POST" and not problem and form.is_valid():
        try:
            user = activation.activate_account(
                token, password=form.cleaned_data["password"], ip_address=client_ip(request)
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            login(request, user, backend="benecomune.core.auth.EmailBackend")
            messages.success(
                request,
                gendered(
                    user, _("Account attivato: benvenuto."), _("Account attivato: benvenuta.")
                ),
            )
            return redirect("corporate:my_welfare")
    return render(
        request,
        "corporate/activate.html",
        {"problem": problem, "employee": employee, "form": form},
    )

"""HR pages of welfare plans: the list with a new plan's form, one version (its rules, groups
and categories, the actions its status allows) and its PDF."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from benecomune.core.forms_helpers import add_errors
from benecomune.core.lists import paged
from benecomune.corporate.forms import (
    CloseForm,
    GroupForm,
    PlanForm,
    ReasonForm,
    RuleForm,
    VersionForm,
)
from benecomune.corporate.models import PlanCategoryRule, PlanGroup, PlanStatus, PlanVersion
from benecomune.corporate.services import plans
from benecomune.corporate.views.common import company_page, company_row


@company_page()
def plan_list(request, company):
    can_draft = request.actor.has_perm("company.employees", company)
    form = PlanForm(request.POST or None, initial={"pro_rata": "months"})
    if request.method == "POST" and not can_draft:
        raise PermissionDenied
    if request.method == "POST" and form.is_valid():
        try:
            version = plans.create_plan(request.actor, company, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Piano creato in bozza."))
            return redirect("corporate:plan", pk=version.pk)
    rows = (
        PlanVersion.objects.filter(company=company)
        .select_related("plan")
        .order_by("-plan__created_at", "-number")
    )
    listing = paged(request, rows, per_page=30)
    return render(
        request,
        "corporate/plans.html",
        {**listing.context(), "form": form if can_draft else None},
    )


def _version_page(request, company, version, **forms):
    actor = request.actor
    editable = version.status == PlanStatus.DRAFT and actor.has_perm("company.employees", company)
    initial = {f: getattr(version, f) for f in VersionForm.base_fields}
    context = {
        "version": version,
        "groups": version.group_rows(),
        "rules": version.rule_rows(),
        "editable": editable,
        "can_manage": actor.has_perm("company.manage", company),
        "can_draft": actor.has_perm("company.employees", company),
        "version_form": forms.get("version_form") or VersionForm(initial=initial),
        "group_form": forms.get("group_form") or GroupForm(),
        "rule_form": forms.get("rule_form") or RuleForm(),
        "reason_form": forms.get("reason_form") or ReasonForm(),
        "others": PlanVersion.objects.filter(plan_id=version.plan_id).exclude(pk=version.pk),
    }
    return render(request, "corporate/plan.html", context)


@company_page()
def plan_detail(request, company, pk):
    version = company_row(PlanVersion.objects.select_related("plan"), company, pk=pk)
    return _version_page(request, company, version)


def _post(request, company, pk, form_class, name, call, success):
    version = company_row(PlanVersion.objects.select_related("plan"), company, pk=pk)
    form = form_class(request.POST) if form_class else None
    if form is None or form.is_valid():
        try:
            call(version, **(form.cleaned_data if form else {}))
        except ValidationError as exc:
            if form is None:
                messages.error(request, " ".join(exc.messages))
                return redirect("corporate:plan", pk=version.pk)
            add_errors(form, exc)
        else:
            messages.success(request, success)
            return redirect("corporate:plan", pk=version.pk)
    return _version_page(request, company, version, **{name: form})


@require_POST
@company_page("company.employees")
def version_edit(request, company, pk):
    return _post(
        request,
        company,
        pk,
        VersionForm,
        "version_form",
        lambda v, **data: plans.update_version(request.actor, v, **data),
        _("Regole del piano salvate."),
    )


@require_POST
@company_page("company.employees")
def group_add(request, company, pk):
    return _post(
        request,
        company,
        pk,
        GroupForm,
        "group_form",
        lambda v, **data: plans.add_group(request.actor, v, **data),
        _("Gruppo aggiunto."),
    )


@require_POST
@company_page("company.employees")
def group_remove(request, company, pk, group_pk):
    group = company_row(PlanGroup, company, pk=group_pk, version_id=pk)
    return _post(
        request,
        company,
        pk,
        None,
        "",
        lambda v: plans.remove_group(request.actor, group),
        _("Gruppo tolto."),
    )


@require_POST
@company_page("company.employees")
def rule_set(request, company, pk):
    return _post(
        request,
        company,
        pk,
        RuleForm,
        "rule_form",
        lambda v, **data: plans.set_rule(request.actor, v, **data),
        _("Categoria salvata."),
    )


@require_POST
@company_page("company.employees")
def rule_remove(request, company, pk, rule_pk):
    rule = company_row(PlanCategoryRule, company, pk=rule_pk, version_id=pk)
    return _post(
        request,
        company,
        pk,
        None,
        "",
        lambda v: plans.remove_rule(request.actor, rule),
        _("Categoria tolta."),
    )


ACTIONS = {
    "presenta": (lambda a, v: plans.submit(a, v), _("Versione presentata per l'approvazione.")),
    "approva": (lambda a, v: plans.approve(a, v), _("Versione approvata: ora è bloccata.")),
    "nuova-versione": (lambda a, v: plans.new_version(a, v), _("Nuova versione creata in bozza.")),
}


@require_POST
@company_page("company.employees")
def version_action(request, company, pk, action):
    version = company_row(PlanVersion, company, pk=pk)
    if action == "in-bozza":
        form = ReasonForm(request.POST)
        if not form.is_valid():
            return _version_page(request, company, version, reason_form=form)
        call, success = (
            lambda a, v: plans.return_to_draft(a, v, reason=form.cleaned_data["reason"]),
            _("Versione tornata in bozza."),
        )
    elif action in ACTIONS:
        call, success = ACTIONS[action]
    else:
        return redirect("corporate:plan", pk=version.pk)
    try:
        result = call(request.actor, version)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("corporate:plan", pk=version.pk)
    messages.success(request, success)
    return redirect("corporate:plan", pk=result.pk)


@company_page("company.manage")
def version_close(request, company, pk):
    """Closing a plan version is a step of its own: the page says what closing leaves to the
    employees and asks why (required); only the POST with a reason closes."""
    version = company_row(PlanVersion.objects.select_related("plan"), company, pk=pk)
    if version.status != PlanStatus.APPROVED:
        messages.error(request, _("Si chiude soltanto una versione approvata."))
        return redirect("corporate:plan", pk=version.pk)
    form = CloseForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            plans.close(request.actor, version, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Piano chiuso. Il motivo è nel registro delle attività."))
            return redirect("corporate:plan", pk=version.pk)
    context = {"version": version, "form": form, "summary": plans.closing_summary(version)}
    return render(request, "corporate/plan_close.html", context)

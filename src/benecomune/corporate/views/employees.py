"""HR pages: the company's profile, its employees (list, filters, export, one employee) and
the roster import with its report."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from benecomune.core import exports
from benecomune.core.files import ServedFile
from benecomune.core.forms_helpers import add_errors
from benecomune.core.lists import export, filter_form, filtered, paged
from benecomune.corporate.credit import credit_for, group_for
from benecomune.corporate.forms import EmployeeFilterForm, ProfileForm, RosterForm
from benecomune.corporate.models import (
    CompanyProfile,
    DependentChild,
    Employee,
    OtherFringeBenefit,
    PlanGroup,
    PlanStatus,
    PlanVersion,
)
from benecomune.corporate.roster_format import COLUMNS
from benecomune.corporate.services import companies, roster
from benecomune.corporate.views.common import base_url, company_page, company_row


@company_page()
def profile(request, company):
    current = CompanyProfile.objects.filter(company=company).first()
    can_edit = request.actor.has_perm("company.manage", company)
    initial = (
        {"ateco_code": current.ateco_code, "ccnl": current.ccnl, "ccnl_other": current.ccnl_other}
        if current
        else {}
    )
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        if form.is_valid():
            try:
                companies.update_profile(request.actor, company, **form.cleaned_data)
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _("Dati dell'azienda salvati."))
                return redirect("corporate:profile")
    return render(
        request,
        "corporate/profile.html",
        {"company": company, "profile": current, "form": form, "can_edit": can_edit},
    )


def _apply_filters(rows, data):
    if data.get("q"):
        q = data["q"].strip()
        rows = rows.filter(
            Q(employee_number__icontains=q)
            | Q(person__fiscal_code__iexact=q)
            | Q(person__last_name__icontains=q)
            | Q(person__first_name__icontains=q)
        )
    if data.get("category"):
        rows = rows.filter(category=data["category"])
    if data.get("site"):
        rows = rows.filter(site__iexact=data["site"].strip())
    if data.get("status") == "active":
        rows = rows.filter(Q(left_on__isnull=True) | Q(left_on__gte=timezone.localdate()))
    elif data.get("status") == "left":
        rows = rows.filter(left_on__lt=timezone.localdate())
    if data.get("group"):
        rows = in_group(rows, data["group"])
    return rows


def in_group(rows, group_pk: int):
    """The employees whose group in the plan is `group_pk` (the first group, by position,
    whose objective criteria they meet: `credit.group_for`)."""
    group = PlanGroup.objects.select_related("version").get(pk=group_pk)
    groups = list(group.version.group_rows())
    fields = ("pk", "category", "level", "site", "hired_on")
    ids = [
        e.pk
        for e in rows.select_related(None).only(*fields).iterator()
        if getattr(group_for(group.version, e, groups), "pk", None) == group.pk
    ]
    return rows.filter(pk__in=ids)


def _employee_lines(rows):
    return (
        [
            e.person.fiscal_code,
            e.employee_number,
            e.person.first_name,
            e.person.last_name,
            e.email,
            e.category,
            e.level,
            e.site,
            e.hired_on.strftime("%d/%m/%Y"),
            e.left_on.strftime("%d/%m/%Y") if e.left_on else "",
            e.part_time_percent,
        ]
        for e in rows.iterator()
    )


HEADER = [c.key for c in COLUMNS if c.key != "comune_residenza"]


def _employees_csv(rows):
    return exports.csv_response(HEADER, _employee_lines(rows), "dipendenti.csv")


def _employees_xlsx(rows):
    def build(workbook):
        exports.add_sheet(workbook, _("Dipendenti"), HEADER, _employee_lines(rows))

    return ServedFile(
        filename="dipendenti.xlsx",
        content_type=exports.XLSX_TYPE,
        content=exports.xlsx_bytes(build),
    )


@company_page()
def employee_list(request, company):
    groups = PlanGroup.objects.filter(
        version__company=company, version__status=PlanStatus.APPROVED
    ).select_related("version__plan")
    form = filter_form(request, EmployeeFilterForm, groups=groups)
    rows = Employee.objects.filter(company=company).select_related("person")
    rows = filtered(form, rows, _apply_filters).order_by("employee_number")
    response = export(request, csv=lambda: _employees_csv(rows), xlsx=lambda: _employees_xlsx(rows))
    if response is not None:
        return response
    listing = paged(request, rows, per_page=50, form=form)
    return render(
        request,
        "corporate/employees.html",
        {**listing.context(), "can_import": request.actor.has_perm("company.employees", company)},
    )


@company_page()
def employee_detail(request, company, pk):
    employee = company_row(Employee.objects.select_related("person"), company, pk=pk)
    versions = PlanVersion.objects.filter(
        company=company, status=PlanStatus.APPROVED
    ).select_related("plan")
    return render(
        request,
        "corporate/employee.html",
        {
            "employee": employee,
            "credits": [(v, credit_for(v, employee)) for v in versions],
            "children": DependentChild.objects.filter(employee=employee),
            "fringes": OtherFringeBenefit.objects.filter(employee=employee),
        },
    )


@company_page("company.employees")
def roster_import(request, company):
    form = RosterForm(request.POST or None, request.FILES or None)
    report = problems = None
    if request.method == "POST" and form.is_valid():
        try:
            report = roster.import_roster(
                request.actor,
                company,
                form.cleaned_data["file"].read(),
                complete=form.cleaned_data["complete"],
                base_url=base_url(request),
            )
        except roster.RosterRefused as exc:
            form.add_error(None, exc.messages)
            problems = exc.problems
        except ValidationError as exc:  # e.g. a person registered meanwhile by someone else
            form.add_error(None, exc.messages)
    return render(
        request,
        "corporate/roster_import.html",
        {"form": form, "report": report, "problems": problems, "columns": COLUMNS},
    )


@company_page()
def roster_template(request, company):
    return exports.csv_response([c.key for c in COLUMNS], [], "modello-dipendenti.csv")

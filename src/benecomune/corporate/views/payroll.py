"""HR's payroll export page (period and plan, the rows and totals, CSV/XLSX downloads) and the
mapping of payroll item codes. The company is the active role's; a plan of another company is
a 404."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from benecomune.core.exports import XLSX_TYPE
from benecomune.core.files import ServedFile
from benecomune.core.forms_helpers import add_errors
from benecomune.core.lists import export as list_export
from benecomune.corporate import payroll_files
from benecomune.corporate.models import LegalBasis, WelfarePlan
from benecomune.corporate.payroll_codes import mapping_for
from benecomune.corporate.payroll_forms import ALL_PLANS, PayrollCodesForm, PayrollExportForm
from benecomune.corporate.services import payroll_export, payroll_mapping
from benecomune.corporate.views.common import company_page, company_row


def _downloads(request, export):
    def csv():
        payroll_export.record_export(request.actor, export, "csv")
        return payroll_files.csv_response(export)

    def xlsx():
        payroll_export.record_export(request.actor, export, "xlsx")
        return ServedFile(
            content=payroll_files.xlsx_content(export),
            filename=payroll_files.file_name(export, "xlsx"),
            content_type=XLSX_TYPE,
        )

    return list_export(request, csv=csv, xlsx=xlsx)


@company_page()
def export_page(request, company):
    plans = WelfarePlan.objects.filter(company=company).order_by("name")
    data = request.GET.copy()
    data.setdefault("periodo", payroll_export.current_period().label)
    form = PayrollExportForm(data, plans=plans)
    export = None
    if form.is_valid():
        plan = None
        if form.cleaned_data["piano"] != ALL_PLANS:
            plan = company_row(WelfarePlan, company, pk=form.cleaned_data["piano"])
        export = payroll_export.build_export(
            request.actor, company, form.cleaned_data["periodo"], plan
        )
        answer = _downloads(request, export)
        if answer is not None:
            return answer
    elif request.GET.get("piano") and request.GET["piano"].isdigit():
        company_row(WelfarePlan, company, pk=int(request.GET["piano"]))  # another's: 404
    query = request.GET.urlencode() if export else ""
    return render(
        request,
        "corporate/payroll_export.html",
        {
            "form": form,
            "export": export,
            "query": query,
            "can_edit": request.actor.has_perm("company.employees", company),
        },
    )


@company_page()
def codes_page(request, company):
    bases = list(LegalBasis.objects.filter(is_active=True))
    can_edit = request.actor.has_perm("company.employees", company)
    form = PayrollCodesForm(
        request.POST if request.method == "POST" and can_edit else None,
        bases=bases,
        mapping=mapping_for(company.pk),
    )
    if request.method == "POST" and can_edit and form.is_valid():
        try:
            changed = payroll_mapping.set_item_codes(request.actor, company, form.codes())
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(
                request, _("Voci del cedolino salvate (%(n)s modificate).") % {"n": changed}
            )
            return redirect("corporate:payroll_codes")
    return render(request, "corporate/payroll_codes.html", {"form": form, "can_edit": can_edit})

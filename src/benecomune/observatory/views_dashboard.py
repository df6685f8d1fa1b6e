"""The observatory's dashboards and the needs-vs-offer page: thin views over dashboards/.

Each organisation sees its own figures only (dashboards/scope.py); a Comune or call outside
them in a filter is a 404. Figures come from the rollups, never from scanning the ledger."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from benecomune.core import exports
from benecomune.core.models import Municipality, OrganizationKind
from benecomune.core.replica import reports_view
from benecomune.core.scoping import tenant_scope
from benecomune.observatory.dashboards import figures, report
from benecomune.observatory.dashboards.offer import needs_and_offer
from benecomune.observatory.dashboards.scope import audience_of, read_filters
from benecomune.observatory.freshness import catch_up_without_scheduler

FORMATS = ("csv", "xlsx")


def _dashboard(request):
    audience = audience_of(request.actor)
    form, filters = read_filters(request.GET, audience)
    with tenant_scope(audience.tenant_ids):
        tables = figures.tables(audience, filters)
    return audience, form, filters, tables


@login_required
@require_GET
@catch_up_without_scheduler
@reports_view
def dashboard(request):
    audience, form, filters, tables = _dashboard(request)
    return render(
        request,
        "observatory/dashboard.html",
        {
            "audience": audience,
            "form": form,
            "fields": [f for f in form if len(getattr(f.field, "choices", "xx")) > 1],
            "tables": tables,
            "query": filters.querystring(),
            "period": report.period_text(filters),
        },
    )


@login_required
@require_GET
@catch_up_without_scheduler
@reports_view
def dashboard_export(request, slug, fmt):
    audience, _form, _filters, tables = _dashboard(request)
    table = next((t for t in tables if t.slug == slug), None)
    if table is None or fmt not in FORMATS:
        raise Http404
    if fmt == "csv":
        return report.csv_response(table, audience.name)
    response = HttpResponse(report.xlsx_bytes(table), content_type=exports.XLSX_TYPE)
    response["Content-Disposition"] = (
        f'attachment; filename="{report.filename(audience.name, slug, "xlsx")}"'
    )
    return response


@login_required
@require_GET
@catch_up_without_scheduler
@reports_view
def dashboard_pdf(request):
    audience, _form, filters, tables = _dashboard(request)
    body = report.pdf_bytes(tables, name=audience.name, filters=filters, described=[])
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="{report.filename(audience.name, "report", "pdf")}"'
    )
    return response


def _territory(request) -> list[Municipality]:
    """The Comuni a Comune's or network's staff may look at."""
    actor = request.actor
    if actor is None or not actor.has_perm("funds.view") or actor.organization is None:
        raise PermissionDenied
    if actor.organization.kind not in (OrganizationKind.MUNICIPALITY, OrganizationKind.NETWORK):
        raise PermissionDenied
    return list(Municipality.objects.filter(pk__in=actor.tenant_ids).order_by("name"))


@login_required
@require_GET
@catch_up_without_scheduler
@reports_view
def needs_offer(request):
    from benecomune.observatory.dashboards.scope import DashboardFilterForm

    comuni = _territory(request)
    raw = request.GET.get("comune", "")
    if raw.isdigit() and int(raw) not in {m.pk for m in comuni}:
        raise Http404(_("Comune non trovato."))
    form = DashboardFilterForm(request.GET or None, comuni=comuni, calls=[])
    chosen, start, end = comuni, None, None
    if form.is_bound and form.is_valid():
        start, end = form.cleaned_data["dal"], form.cleaned_data["al"]
        if form.cleaned_data["comune"]:
            chosen = [m for m in comuni if m.pk == form.cleaned_data["comune"]]
    with tenant_scope(request.actor.tenant_ids):
        table = needs_and_offer(
            chosen, date_from=start, date_to=end, organization_ids=list(request.actor.tenant_ids)
        )
    if request.GET.get("formato") == "csv":
        return report.csv_response(table, request.actor.organization.name)
    return render(
        request,
        "observatory/dashboard_needs.html",
        {
            "form": form,
            "filter_fields": [form["dal"], form["al"], form["comune"]],
            "table": table,
            "query": request.GET.urlencode(),
        },
    )

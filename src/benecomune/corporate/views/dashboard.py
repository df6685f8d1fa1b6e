"""Dashboards (issue 17 point 8): HR's plan dashboard (allocated, spent, unspent, by category and
by group, with charts drawn from their tables), the network's view of its companies and where
their credit went, and the network's page to record incoming transfers against funding
requests. Figures come from `services.dashboard` (the ledger) and `funding.plan_figures`."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from benecomune.core.charts import Chart, euro_cell
from benecomune.core.views.decorators import staff_permission
from benecomune.corporate.forms_funding import PaymentForm
from benecomune.corporate.models import PlanStatus, PlanVersion
from benecomune.corporate.services import dashboard
from benecomune.corporate.views.common import company_page, company_row
from benecomune.corporate.views.funding import save_payment

SHOWN = (PlanStatus.APPROVED, PlanStatus.CLOSED)


def _money_chart(money: dict) -> Chart:
    return Chart(
        caption=_("Credito del piano"),
        headers=[_("Voce"), _("Importo")],
        rows=[
            [_("Speso"), euro_cell(money["spent"])],
            [_("Non speso, nei conti dei dipendenti"), euro_cell(money["unspent"])],
            [_("Restituito a fine periodo"), euro_cell(money["returned"])],
        ],
        kind="doughnut",
    )


def _category_chart(rows) -> Chart:
    return Chart(
        caption=_("Speso o impegnato per voce (base normativa)"),
        headers=[_("Voce"), _("Riferimento"), _("Speso o impegnato"), _("Limite per dipendente")],
        rows=[
            [
                r["basis"].title,
                r["basis"].reference,
                euro_cell(r["amount"]),
                euro_cell(r["limit"]) if r["limit"] is not None else "—",
            ]
            for r in rows
        ],
        columns="2",
    )


def _group_chart(rows) -> Chart:
    return Chart(
        caption=_("Credito per gruppo di beneficiari"),
        headers=[_("Gruppo"), _("Dipendenti"), _("Assegnato"), _("Speso o impegnato")],
        rows=[
            [
                r["group"].name if r["group"] else _("Fuori dai gruppi attuali"),
                r["employees"],
                euro_cell(r["allocated"]),
                euro_cell(r["spent"]),
            ]
            for r in rows
        ],
        columns="2,3",
    )


@company_page()
def plan_dashboard(request, company, pk):
    version = company_row(
        PlanVersion.objects.select_related("plan", "company").filter(status__in=SHOWN),
        company,
        pk=pk,
    )
    board = dashboard.plan_dashboard(request.actor, version)
    can_audit = request.actor.has_perm("audit.view", company)
    return render(
        request,
        "corporate/plan_dashboard.html",
        {
            "version": version,
            "board": board,
            "charts": [
                _money_chart(board["money"]),
                _category_chart(board["categories"]),
                _group_chart(board["groups"]),
            ],
            "open_claims": dashboard.open_claims(version),
            "audit_url": reverse("core:audit") + "?" + urlencode({"object": "corporate."})
            if can_audit
            else "",
        },
    )


# -- The network ----------------------------------------------------------------------------


@staff_permission("company.view")
def network_overview(request):
    rows = [dashboard.company_summary(c) for c in dashboard.network_companies(request.actor)]
    totals = {
        key: sum(r["reached"][key] for r in rows)
        for key in ("total", "cooperatives", "shops", "other_providers")
    }
    chart = Chart(
        caption=_("Dove è andato il credito welfare delle aziende"),
        headers=[_("Azienda"), _("Cooperative sociali"), _("Altri fornitori"), _("Negozi")],
        rows=[
            [
                r["company"].name,
                euro_cell(r["reached"]["cooperatives"]),
                euro_cell(r["reached"]["other_providers"]),
                euro_cell(r["reached"]["shops"]),
            ]
            for r in rows
        ],
    )
    return render(
        request,
        "corporate/network_overview.html",
        {"rows": rows, "totals": totals, "chart": chart},
    )


@staff_permission("company.view")
def company_overview(request, pk):
    """One company's plans and where their credit went: network staff, or the company's own
    HR; anyone else (another company's HR) gets a 404."""
    company = dashboard.visible_company(request.actor, pk)
    summary = dashboard.company_summary(company)
    return render(
        request,
        "corporate/company_overview.html",
        {
            **summary,
            "plans": [
                {"version": v, "money": dashboard.money([v]), "reached": dashboard.reached([v])}
                for v in summary["versions"]
            ],
        },
    )


@staff_permission("company.manage")
def incoming_transfers(request):
    """The network's treasury records a company's bank transfer against its funding request
    (the causale names it): `funding.record_payment`, as on HR's page."""
    requests = dashboard.open_funding_requests(request.actor)
    form = PaymentForm(request.POST or None, requests=requests)
    if request.method == "POST" and form.is_valid():
        # Any request the actor manages: a paid or cancelled one is refused by name.
        target = get_object_or_404(
            dashboard.funding_requests(request.actor), pk=form.cleaned_data["request"]
        )
        if save_payment(request, form, target):
            messages.success(
                request,
                _("Bonifico di %(company)s registrato nel fondo del piano.")
                % {"company": target.company.name},
            )
            return redirect("corporate:incoming_transfers")
    return render(
        request, "corporate/incoming_transfers.html", {"requests": requests, "form": form}
    )

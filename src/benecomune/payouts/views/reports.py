"""Rendicontazione page: per fund, per call, the overview; the archive of a closed call."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from benecomune.calls.models import Call
from benecomune.core.views.decorators import staff_permission
from benecomune.ledger.models import Fund
from benecomune.payouts.services import figures, reports


@staff_permission("funds.view")
def report_list(request):
    funds = [(fund, figures.fund_figures(fund)) for fund in Fund.objects.order_by("name")]
    calls = Call.objects.exclude(status__in=["draft", "superseded"]).order_by("-created_at")
    return render(
        request,
        "payouts/reports/list.html",
        {
            "funds": funds,
            "calls": [(call, figures.call_figures(call)) for call in calls[:50]],
            "can_archive": request.actor.has_perm("calls.manage"),
            "archivable": reports.ARCHIVABLE,
        },
    )


@staff_permission("funds.view")
@require_POST
def report_start(request, kind, pk, fmt):
    obj = None
    if kind == "fund":
        obj = get_object_or_404(Fund.objects, pk=pk)
    elif kind == "call":
        obj = get_object_or_404(Call.objects, pk=pk)
    try:
        job = reports.start_report(request.actor, kind=kind, obj=obj, fmt=fmt)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("payouts:reports")
    return redirect("core:job", pk=job.pk)


@staff_permission("calls.manage")
@require_POST
def archive_start(request, pk):
    call = get_object_or_404(Call.objects, pk=pk)
    try:
        job = reports.start_archive(request.actor, call)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("payouts:reports")
    return redirect("core:job", pk=job.pk)

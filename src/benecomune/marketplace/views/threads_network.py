"""The network administrators' abuse reports on messages between citizens and providers:
the list (open by default) and one report, where they dismiss it or hide the message. They
see the reported message only, never the rest of the thread."""

from django.contrib import messages as flash
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from benecomune.core.forms_helpers import add_errors
from benecomune.core.lists import choice, paged
from benecomune.marketplace.models import AbuseReport, AbuseStatus
from benecomune.marketplace.services import threads as services
from benecomune.marketplace.thread_forms import HandleReportForm
from benecomune.marketplace.views.common import network_page


@network_page
def abuse_reports(request, network):
    status = choice(request, "stato", AbuseStatus, default=AbuseStatus.OPEN)
    rows = AbuseReport.objects.filter(network=network).select_related(
        "message__thread__provider", "reporter"
    )
    if status:
        rows = rows.filter(status=status)
    listing = paged(request, rows.order_by("-created_at", "-pk"), per_page=25)
    return render(
        request,
        "marketplace/threads/abuse_list.html",
        {**listing.context(), "status": status, "statuses": AbuseStatus.choices},
    )


@network_page
def abuse_report(request, network, pk):
    report = get_object_or_404(
        AbuseReport.objects.select_related("message__thread__provider", "reporter", "handled_by"),
        pk=pk,
        network=network,
    )
    form = HandleReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.handle_report(
                request.actor,
                report,
                decision=form.cleaned_data["decision"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            flash.success(request, _("Segnalazione esaminata."))
            return redirect("marketplace:abuse_reports")
    return render(
        request,
        "marketplace/threads/abuse_report.html",
        {"report": report, "message": report.message, "form": form},
        status=400 if form.errors else 200,
    )

"""The audit trail page: search and export (a background job)."""

from django.core.paginator import Paginator
from django.shortcuts import redirect, render

from benecomune.core.filters import filter_audit_events
from benecomune.core.forms import AuditFilterForm
from benecomune.core.forms_helpers import querystring
from benecomune.core.models import AuditEvent
from benecomune.core.services.jobs import start_job
from benecomune.core.views.decorators import staff_permission


@staff_permission("audit.view")
def audit_list(request):
    form = AuditFilterForm(request.GET or None)
    events = AuditEvent.objects.select_related("actor", "person", "organization")
    if form.is_valid():
        events = filter_audit_events(events, request.GET)
    page = Paginator(events, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "core/audit/list.html",
        {"form": form, "page": page, "querystring": querystring(request)},
    )


@staff_permission("audit.view")
def audit_export(request):
    if request.method != "POST":
        return redirect("core:audit")
    filters = {k: request.POST.get(k, "") for k in ("person", "actor", "object", "since", "until")}
    job = start_job(
        request.actor,
        request.actor.organization,
        "audit.export",
        "Esportazione del registro delle attività",
        {"filters": filters, "tenant_ids": list(request.actor.tenant_ids)},
    )
    return redirect("core:job", pk=job.pk)

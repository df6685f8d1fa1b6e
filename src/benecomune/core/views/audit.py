"""The audit trail page: search and export (a background job)."""

from django.shortcuts import redirect, render

from benecomune.core.filters import filter_audit_events
from benecomune.core.forms import AuditFilterForm
from benecomune.core.lists import filter_form, filtered, paged
from benecomune.core.models import AuditEvent
from benecomune.core.services.jobs import start_job
from benecomune.core.views.decorators import staff_permission


@staff_permission("audit.view")
def audit_list(request):
    form = filter_form(request, AuditFilterForm)
    events = AuditEvent.objects.select_related("actor", "person", "organization")
    # The same function filters the export job, which has the submitted text, not dates.
    events = filtered(form, events, lambda rows, _data: filter_audit_events(rows, form.data))
    listing = paged(request, events, per_page=30, form=form)
    return render(request, "core/audit/list.html", listing.context())


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

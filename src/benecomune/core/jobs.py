"""Background job handlers of the core app."""

import csv
import io

from django.core.files.base import ContentFile
from django.utils import timezone

from benecomune.core.models import AuditEvent
from benecomune.core.scoping import tenant_scope
from benecomune.core.services.jobs import job_handler, report_progress

AUDIT_EXPORT_CHUNK = 2000


@job_handler("audit.export")
def export_audit_events(job):
    """CSV of the audit events matching the page's filters, within the job's tenant."""
    from benecomune.core.filters import filter_audit_events

    tenant_ids = job.params.get("tenant_ids") or [job.organization_id]
    with tenant_scope(tenant_ids):
        events = filter_audit_events(AuditEvent.objects.all(), job.params.get("filters", {}))
        total = events.count()
        report_progress(job, 0, total)
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=";")
        writer.writerow(
            [
                "data",
                "chi",
                "ruolo",
                "organizzazione",
                "azione",
                "oggetto",
                "persona",
                "motivo",
                "prima",
                "dopo",
                "IP",
            ]
        )
        done = 0
        rows = events.select_related("actor", "organization", "person").iterator(
            chunk_size=AUDIT_EXPORT_CHUNK
        )
        for event in rows:
            writer.writerow(
                [
                    timezone.localtime(event.created_at).strftime("%Y-%m-%d %H:%M:%S"),
                    event.actor.email if event.actor else "",
                    event.actor_role,
                    event.organization.name if event.organization else "",
                    event.action,
                    event.object_repr,
                    event.person.fiscal_code if event.person else "",
                    event.reason,
                    event.before or "",
                    event.after or "",
                    event.ip_address or "",
                ]
            )
            done += 1
            if done % AUDIT_EXPORT_CHUNK == 0:
                report_progress(job, done)
    job.result = {"rows": done}
    job.result_file.save(
        f"audit-{job.pk}.csv", ContentFile(buffer.getvalue().encode("utf-8-sig")), save=False
    )

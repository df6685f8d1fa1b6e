"""Background job handlers of the core app, and where each kind of job leads on its page.

A job's page links back to the page the job was started from (its origin) and, once done, to
where its outcome is seen (its result). Neither is stored on the job: each app registers, per
job kind, a function that derives both from the job's kind and the object in its params
(`@job_links("calls.rank")`). A kind without one shows no links; a link whose object is gone
is left out.
"""

import dataclasses
import io
import mimetypes
from collections.abc import Callable
from pathlib import PurePosixPath
from urllib.parse import urlencode

from django.core.exceptions import ObjectDoesNotExist
from django.core.files.base import ContentFile
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from benecomune.core.exports import CsvWriter, with_progress
from benecomune.core.files import (
    ServedFile,
    filename_from_title,
    register_file_kind,
    stored_name,
)
from benecomune.core.models import AuditEvent, Job, JobStatus
from benecomune.core.scoping import tenant_scope
from benecomune.core.services.jobs import JOB_RESULT_PERMISSIONS, job_handler

AUDIT_EXPORT_CHUNK = 2000
AUDIT_FILTERS = ("person", "actor", "object", "since", "until")


@dataclasses.dataclass(frozen=True)
class JobLink:
    label: str
    url: str


# (label, url) of the origin and of the result; either may be None.
Link = tuple[str, str] | None
JOB_LINKS: dict[str, Callable[[Job], tuple[Link, Link]]] = {}


def job_links(kind: str):
    """Register the function returning ((label, url) of the origin, (label, url) of the
    result) for the jobs of `kind`; either may be None."""

    def register(func):
        JOB_LINKS[kind] = func
        return func

    return register


def links_for(job: Job) -> tuple[JobLink | None, JobLink | None]:
    """The origin and (once the job is done) the result of a job, for its page. When both
    lead to the same page only the result is kept."""
    func = JOB_LINKS.get(job.kind)
    if func is None:
        return None, None
    try:
        origin, result = func(job)
    except (ObjectDoesNotExist, KeyError, TypeError, ValueError, NoReverseMatch):
        return None, None
    origin = JobLink(*origin) if origin else None
    result = JobLink(*result) if result and job.status == JobStatus.DONE else None
    if origin and result and origin.url == result.url:
        origin = None
    return origin, result


@job_links("audit.export")
def audit_export_links(job):
    """Back to the audit log with the filters the export used; the file is the result."""
    # In the page's order (a JSON field on PostgreSQL does not keep the keys' order).
    saved = job.params.get("filters") or {}
    filters = {k: saved[k] for k in AUDIT_FILTERS if saved.get(k)}
    url = reverse("core:audit") + (f"?{urlencode(filters)}" if filters else "")
    return (_("Registro delle attività"), url), None


@job_handler("audit.export", result_permission="audit.view")
def export_audit_events(job):
    """CSV of the audit events matching the page's filters, within the job's tenant."""
    from benecomune.core.audit import action_label
    from benecomune.core.audit_display import object_label, role_label, values_label
    from benecomune.core.filters import filter_audit_events

    tenant_ids = job.params.get("tenant_ids") or [job.organization_id]
    with tenant_scope(tenant_ids):
        events = filter_audit_events(AuditEvent.objects.all(), job.params.get("filters", {}))
        total = events.count()
        buffer = io.StringIO()
        writer = CsvWriter(buffer)
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
        for event in with_progress(job, rows, total, every=AUDIT_EXPORT_CHUNK):
            writer.writerow(
                [
                    timezone.localtime(event.created_at).strftime("%Y-%m-%d %H:%M:%S"),
                    event.actor.email if event.actor else "",
                    role_label(event.actor_role),
                    event.organization.name if event.organization else "",
                    action_label(event.action),
                    object_label(event),
                    event.person.fiscal_code if event.person else "",
                    event.reason,
                    values_label(event, event.before),
                    values_label(event, event.after),
                    event.ip_address or "",
                ]
            )
            done += 1
    job.result = {"rows": done}
    job.result_file.save(
        stored_name("audit.csv"), ContentFile(buffer.getvalue().encode("utf-8-sig")), save=False
    )


def job_result_for(actor, pk: int) -> ServedFile | None:
    """A job's result file, for the person who started the job only, while their active role
    still holds the permission the job's kind registered on the job's organisation (an export
    of personal data is handed to who asked for it, not to everyone who can see the job)."""
    job = Job.objects.filter(pk=pk, status=JobStatus.DONE).first()  # scoped: own tenants only
    if job is None or not job.result_file or actor.user is None:
        return None
    permission = JOB_RESULT_PERMISSIONS.get(job.kind)
    if permission is None or job.created_by_id != actor.user.pk:
        return None
    if not actor.has_perm(permission, job.organization_id):
        return None
    extension = PurePosixPath(job.result_file.name).suffix
    filename = filename_from_title(job.title, extension, fallback=f"risultato-{job.pk}")
    content_type = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    return ServedFile(filename=filename, content_type=content_type, field=job.result_file)


register_file_kind("job-result", staff=job_result_for)

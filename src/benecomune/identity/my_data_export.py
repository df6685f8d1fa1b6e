"""The background job that writes "I miei dati": a ZIP with one JSON file per category
(identity.my_data) and a readable PDF summary. The job runs as a system actor (core's jobs
act for a staff role or for the platform); the person it is for is in its params, and only
that person downloads the result (`my-data` file kind, citizen side only)."""

import io
import json
import zipfile

from django.core.files.base import ContentFile
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.translation import gettext as _

from benecomune.core.files import ServedFile, register_file_kind, stored_name
from benecomune.core.jobs import job_links
from benecomune.core.models import Job, JobStatus, Person
from benecomune.core.scoping import all_tenants
from benecomune.core.services.jobs import job_handler, report_progress
from benecomune.identity import my_data
from benecomune.identity.my_data_pdf import summary_pdf

KIND = "identity.my_data"


@job_handler(KIND)
def export_my_data(job: Job) -> None:
    # The person's own data in every Comune, provider and company: every query is filtered
    # by the person (identity.my_data), so the job opens all tenants.
    total = len(my_data.CATEGORIES) + 1
    report_progress(job, 0, total, _("Raccolta dei dati in corso"))
    with all_tenants():
        person = Person.objects_unscoped.get(pk=job.params["person_id"])
        data = my_data.collect(person, lambda n: report_progress(job, n, total))
        pdf = summary_pdf(person, data)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for key, rows in data.items():
            archive.writestr(
                f"{key}.json",
                json.dumps(rows, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
            )
        archive.writestr("riepilogo.pdf", pdf)
    job.result = {"categories": {key: len(rows) for key, rows in data.items()}}
    job.message = _("Pronto da scaricare")
    job.result_file.save(stored_name("i-miei-dati.zip"), ContentFile(buffer.getvalue()), save=False)


@job_links(KIND)
def my_data_links(job):
    """None on staff's job page: the export is the person's, followed and downloaded from
    their own "I miei dati" page only."""
    return None, None


def own_export(actor, pk: int) -> Job | None:
    """The person's own export job (any status), or None."""
    if actor.user is None or actor.user.person_id is None:
        return None
    return Job.objects_unscoped.filter(
        pk=pk, kind=KIND, params__person_id=actor.user.person_id
    ).first()


def citizen_export_file(actor, pk: int) -> ServedFile | None:
    job = own_export(actor, pk)
    if job is None or job.status != JobStatus.DONE or not job.result_file:
        return None
    return ServedFile(
        filename="i-miei-dati.zip", content_type="application/zip", field=job.result_file
    )


register_file_kind("my-data", citizen=citizen_export_file)

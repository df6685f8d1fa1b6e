"""Background job of the review area: bulk decisions on more applications than a request
should handle. Imported by calls/nav_review.py (the `jobs` autodiscovery imports calls/jobs.py
only)."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from benecomune.core.jobs import job_links
from benecomune.core.scoping import tenant_scope
from benecomune.core.services.jobs import job_actor, job_handler, report_progress

CHUNK = 50
MAX_REFUSALS_KEPT = 1000


@job_handler("calls.bulk_decide")
def bulk_decide_job(job):
    """Decide in chunks, each in its own transaction, reporting progress between them. The
    validator who started the job is the actor, so maker-checker holds per application. Safe to
    re-run: an application already decided is refused ("not instructed"), never decided twice."""
    from benecomune.calls.services.review import bulk_decide

    params = job.params
    actor = job_actor(job)
    ids = params["ids"]
    decided, refused = 0, []
    report_progress(job, 0, len(ids))
    with tenant_scope(actor.tenant_ids):
        for start in range(0, len(ids), CHUNK):
            result = bulk_decide(
                actor, ids[start : start + CHUNK], params["approve"], params["reason"]
            )
            decided += result["decided"]
            refused.extend(result["refused"])
            report_progress(job, min(start + CHUNK, len(ids)))
    job.result = {
        "decided": decided,
        "refused_count": len(refused),
        "refused": refused[:MAX_REFUSALS_KEPT],
    }
    job.message = (
        ngettext("%(n)s domanda decisa", "%(n)s domande decise", decided) % {"n": decided}
        + "; "
        + ngettext("%(n)s non decisa.", "%(n)s non decise.", len(refused)) % {"n": len(refused)}
    )


@job_links("calls.bulk_decide")
def bulk_decide_links(job):
    """Started from the list of applications; the outcome page lists what was not decided."""
    return (
        (_("Domande ai bandi"), reverse("calls:review_list")),
        (
            _("Vedi l'esito: domande decise e non decise"),
            reverse("calls:review_bulk_job", args=[job.pk]),
        ),
    )

"""Background jobs: ranking and award of a call (100k applications take a while)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from benecomune.core.jobs import job_links
from benecomune.core.services.jobs import job_actor, job_handler, report_progress


@job_handler("calls.rank")
def rank_job(job):
    from benecomune.calls.models import Call
    from benecomune.calls.services.ranking import build_ranking

    # Inside the job organisation's tenant scope (execute_job): the call's Comune or network.
    call = Call.objects.get(pk=job.params["call"])
    ranking = build_ranking(
        job_actor(job),
        call,
        job.params["kind"],
        reason=job.params.get("reason", ""),
        expected_fingerprint=job.params.get("fingerprint"),
        progress=lambda done, total: report_progress(job, done, total),
    )
    job.result = {
        "ranking": ranking.pk,
        "entries": ranking.entries_count,
        "funded": ranking.funded_count,
        "funded_total": ranking.funded_total,
    }


@job_handler("calls.award")
def award_job(job):
    from benecomune.calls.models import Call
    from benecomune.calls.services.award import award_call

    call = Call.objects.get(pk=job.params["call"])
    job.result = award_call(
        job_actor(job),
        call,
        expected_fingerprint=job.params.get("fingerprint"),
        progress=lambda done, total: report_progress(job, done, total),
    )


def _ranking_page(job) -> tuple[str, str]:
    """Both jobs start on the call's ranking page, and their outcome shows there."""
    from benecomune.calls.models import Call

    call = Call.objects_unscoped.only("pk", "title").get(pk=job.params["call"])
    return (
        _("Graduatoria del bando «%(title)s»") % {"title": call.title},
        reverse("calls:ranking", args=[call.pk]),
    )


@job_links("calls.rank")
def rank_links(job):
    label, url = _ranking_page(job)
    return (label, url), (_("Vedi la graduatoria"), url)


@job_links("calls.award")
def award_links(job):
    label, url = _ranking_page(job)
    return (label, url), (_("Vedi l'assegnazione nella graduatoria"), url)

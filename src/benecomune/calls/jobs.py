"""Background jobs: ranking and award of a call (100k applications take a while)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from benecomune.core.actors import Actor
from benecomune.core.jobs import job_links
from benecomune.core.models import Membership
from benecomune.core.scoping import all_tenants
from benecomune.core.services.jobs import job_handler, report_progress


def _actor(job) -> Actor:
    membership_id = job.params.get("membership")
    if membership_id:
        membership = Membership.objects.select_related("organization", "user").get(pk=membership_id)
        return Actor.for_membership(membership)
    return Actor.system_actor(job.kind)


@job_handler("calls.rank")
def rank_job(job):
    from benecomune.calls.models import Call
    from benecomune.calls.services.ranking import build_ranking

    with all_tenants():
        call = Call.objects_unscoped.get(pk=job.params["call"])
        ranking = build_ranking(
            _actor(job),
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

    with all_tenants():
        call = Call.objects_unscoped.get(pk=job.params["call"])
        job.result = award_call(
            _actor(job),
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

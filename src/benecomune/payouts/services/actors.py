"""What a payouts job records about who started it. The job acts as that member, through
`core.services.jobs.job_actor` (which fails the job if the role was revoked meanwhile)."""

from benecomune.core.actors import Actor


def job_params(actor: Actor, **params) -> dict:
    # Job.membership holds the role now; the id stays in the params for jobs' pages and for
    # workers still running the previous release.
    if actor.membership is not None:
        params["membership_id"] = actor.membership.pk
    return params

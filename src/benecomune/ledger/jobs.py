"""Background job: the expiry sweep of one organisation's wallets, from a page or a schedule."""

from django.urls import reverse
from django.utils.translation import gettext as _

from benecomune.core.jobs import job_links
from benecomune.core.services.jobs import job_actor, job_handler, report_progress


@job_handler("ledger.expire")
def expire_job(job):
    from benecomune.ledger.services.wallets import expire_wallets

    moved = expire_wallets(job_actor(job), organization_ids=job.organization.tenant_ids())
    report_progress(job, len(moved), len(moved))
    job.result = {"wallets": len(moved), "cents": sum(t.amount for t in moved)}


@job_links("ledger.expire")
def expire_links(job):
    """Usually started by the schedule, not from a page: only the result, the funds."""
    return None, (_("Vedi i fondi"), reverse("ledger:funds"))

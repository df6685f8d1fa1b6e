"""Background job: the expiry sweep of one organisation's wallets, from a page or a schedule."""

from benecomune.core.actors import Actor
from benecomune.core.services.jobs import job_handler, report_progress


@job_handler("ledger.expire")
def expire_job(job):
    from benecomune.ledger.services.wallets import expire_wallets

    moved = expire_wallets(
        Actor.system_actor("ledger.expire"), organization_ids=job.organization.tenant_ids()
    )
    report_progress(job, len(moved), len(moved))
    job.result = {"wallets": len(moved), "cents": sum(t.amount for t in moved)}

"""Background job: return expired vouchers' money to their funds (from the Comune's page)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from benecomune.core.jobs import job_links
from benecomune.core.services.jobs import job_actor, job_handler, report_progress
from benecomune.ledger.money import format_euro


@job_handler("vouchers.expire")
def expire_job(job):
    from benecomune.ledger.services.wallets import expire_wallets
    from benecomune.vouchers.services.authorisations import release_expired

    actor = job_actor(job)
    issuers = job.organization.tenant_ids()
    release_expired(actor, issuer_ids=issuers)  # money held by stale till authorisations first
    moved = expire_wallets(actor, organization_ids=issuers)
    total = sum(t.amount for t in moved)
    report_progress(
        job,
        len(moved),
        len(moved),
        message=_("Buoni scaduti svuotati: %(n)s; restituiti ai fondi: %(total)s.")
        % {"n": len(moved), "total": format_euro(total)},
    )
    job.result = {"wallets": len(moved), "cents": total}


@job_links("vouchers.expire")
def expire_links(job):
    """Started from the spending page; the money went back to the funds."""
    return (
        (_("Spesa dei buoni"), reverse("vouchers:spending")),
        (_("Vedi i fondi"), reverse("ledger:funds")),
    )

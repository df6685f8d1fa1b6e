"""Background jobs of the payouts app (registered through core's autodiscovery)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from benecomune.core.jobs import job_links
from benecomune.core.services.jobs import job_actor, job_handler, report_progress

# Every handler runs inside the tenant scope of the batch's Comune (execute_job); the services
# read payees (citizens, shops) through unscoped managers filtered by the batch explicitly.


@job_handler("payouts.generate_batch")
def generate_batch_job(job):
    from benecomune.payouts.services.batches import generate_batch

    def progress(done, total, message=""):
        report_progress(job, done, total, message)

    batch = generate_batch(job.params["batch_id"], progress=progress)
    job.result = {"batch_id": batch.pk, "items": batch.item_count, "total": batch.total}
    job.message = str(batch.get_status_display())


@job_handler("payouts.apply_results")
def apply_results_job(job):
    from benecomune.payouts.services.results import apply_results

    def progress(done, total):
        report_progress(job, done, total)

    report = apply_results(job_actor(job), job.params["report_id"], progress=progress)
    job.result = {"paid": report.paid, "rejected": report.rejected, "batch_id": report.batch_id}
    job.message = f"{report.paid} pagati, {report.rejected} respinti"


@job_handler("payouts.beneficiary_list", result_permission="payouts.manage")
def beneficiary_list_job(job):
    from benecomune.payouts.exports import write_beneficiary_list

    write_beneficiary_list(job, job.params["batch_id"], job.params["format"])


@job_handler("payouts.report", result_permission="funds.view")
def report_job(job):
    from benecomune.payouts.exports_reports import write_report

    write_report(job)


@job_handler("payouts.call_archive", result_permission="calls.manage")
def call_archive_job(job):
    from benecomune.payouts.archive import write_call_archive

    write_call_archive(job)


def _batch_page(batch_id) -> tuple[str, str]:
    from benecomune.payouts.models import PayoutBatch

    batch = PayoutBatch.objects_unscoped.get(pk=batch_id)
    return (
        _("Distinta n. %(number)s") % {"number": batch.display_number},
        reverse("payouts:batch", args=[batch.pk]),
    )


def _reports_page() -> tuple[str, str]:
    return _("Rendiconti"), reverse("payouts:reports")


@job_links("payouts.generate_batch")
def generate_batch_links(job):
    label, url = _batch_page(job.params["batch_id"])
    return (label, url), (_("Vedi la distinta"), url)


@job_links("payouts.apply_results")
def apply_results_links(job):
    from benecomune.payouts.models import BankReport

    report = BankReport.objects_unscoped.only("batch_id").get(pk=job.params["report_id"])
    label, url = _batch_page(report.batch_id)
    return (label, url), (_("Vedi gli esiti nella distinta"), url)


@job_links("payouts.beneficiary_list")
def beneficiary_list_links(job):
    """The file itself is the result (the page's download button)."""
    return _batch_page(job.params["batch_id"]), None


@job_links("payouts.report")
def report_links(job):
    return _reports_page(), None


@job_links("payouts.call_archive")
def call_archive_links(job):
    return _reports_page(), None

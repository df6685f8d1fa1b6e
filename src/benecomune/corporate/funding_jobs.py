"""Background work of plan funding: the allocation job (progress bar on core's job page) and
the daily settlement of unspent credit on celery beat. Loaded by CorporateConfig.ready()."""

from celery import shared_task
from django.urls import reverse
from django.utils.translation import gettext as _

from benecomune.celery import app
from benecomune.core.jobs import job_links
from benecomune.core.services.jobs import job_actor, job_handler, report_progress
from benecomune.corporate.services.allocation import ALLOCATE_JOB as ALLOCATE


@job_handler(ALLOCATE)
def allocate_job(job):
    from benecomune.corporate.models import AllocationRun
    from benecomune.corporate.services.allocation import execute_allocation

    run = AllocationRun.objects_unscoped.get(pk=job.params["run"])
    job.result = execute_allocation(
        job_actor(job), run, progress=lambda done, total: report_progress(job, done, total)
    )


@job_links(ALLOCATE)
def allocate_links(job):
    from benecomune.corporate.models import AllocationRun

    run = AllocationRun.objects_unscoped.select_related("version__plan").get(pk=job.params["run"])
    url = reverse("corporate:funding", args=[run.version_id])
    label = _("Finanziamento del piano «%(name)s»") % {"name": run.version.plan.name}
    return (label, url), (_("Vedi il credito assegnato"), url)


@shared_task(name="corporate.settle_unspent")
def settle_unspent_task() -> int:
    from benecomune.core.actors import Actor
    from benecomune.corporate.services.unspent import settle_ended_plans

    return len(settle_ended_plans(Actor.system_actor("corporate.settle_unspent")))


app.conf.beat_schedule = {
    **(app.conf.beat_schedule or {}),
    "corporate-settle-unspent": {"task": "corporate.settle_unspent", "schedule": 24 * 3600.0},
}

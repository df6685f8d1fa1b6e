"""The retention job (a dry run or a real run, started from the page) and its periodic run:
once a month for every Comune that has already seen a dry run (loaded by privacy_nav)."""

from celery import shared_task
from celery.schedules import crontab
from django.urls import reverse
from django.utils.translation import gettext as _

from benecomune.celery import app
from benecomune.core.actors import Actor
from benecomune.core.jobs import job_links
from benecomune.core.services.jobs import job_actor, job_handler, start_job
from benecomune.identity.models import RetentionRun
from benecomune.identity.retention import run_retention

KIND = "identity.retention"


@job_handler(KIND)
def retention_job(job) -> None:
    run = run_retention(job_actor(job), job.organization, dry_run=job.params.get("dry_run", True))
    job.result = {"run": run.pk, "summary": run.summary}


@job_links(KIND)
def retention_links(job):
    return (_("Conservazione dei dati"), reverse("identity:retention")), None


@shared_task(name="identity.retention_sweep")
def retention_sweep() -> int:
    """Start the real run of every Comune that has had a dry run."""
    from benecomune.core.scoping import all_tenants

    with all_tenants():
        organizations = set(
            RetentionRun.objects_unscoped.filter(dry_run=True).values_list(
                "organization", flat=True
            )
        )
        from benecomune.core.models import Organization

        for organization in Organization.objects.filter(pk__in=organizations):
            start_job(
                Actor.system_actor(KIND),
                organization,
                KIND,
                _("Conservazione dei dati: esecuzione periodica"),
                {"dry_run": False},
            )
    return len(organizations)


app.conf.beat_schedule = {
    **(app.conf.beat_schedule or {}),
    "identity-retention-sweep": {
        "task": "identity.retention_sweep",
        "schedule": crontab(minute=30, hour=3, day_of_month=1),
    },
}

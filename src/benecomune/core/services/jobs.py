"""Start background jobs and report their progress."""

from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from benecomune.core import audit
from benecomune.core.actors import Actor
from benecomune.core.models import Job, JobStatus

# kind -> handler(job). Apps register their long-running work here (see jobs_registry).
JOB_HANDLERS: dict[str, Callable[[Job], None]] = {}
# kind -> the permission that lets the job's requester download its result file (core/jobs.py
# serves it as the `job-result` file kind). A kind without one has no downloadable result.
JOB_RESULT_PERMISSIONS: dict[str, str] = {}


def job_handler(kind: str, result_permission: str | None = None):
    def register(func):
        JOB_HANDLERS[kind] = func
        if result_permission:
            JOB_RESULT_PERMISSIONS[kind] = result_permission
        return func

    return register


@transaction.atomic
def start_job(actor: Actor, organization, kind: str, title: str, params: dict | None = None) -> Job:
    if kind not in JOB_HANDLERS:
        raise ValueError(f"unknown job kind {kind}")
    job = Job.objects_unscoped.create(
        organization=organization,
        kind=kind,
        title=title,
        params=params or {},
        created_by=actor.user,
    )
    audit.record(actor, "job.started", job, organization=organization, after={"kind": kind})
    from benecomune.core.tasks import run_job

    transaction.on_commit(lambda: run_job.delay(job.pk))
    return job


def report_progress(job: Job, done: int, total: int | None = None, message: str = "") -> None:
    """Save progress outside any long transaction so the page sees it while the job runs."""
    job.done = done
    if total is not None:
        job.total = total
    if message:
        job.message = message[:300]
    Job.objects_unscoped.filter(pk=job.pk).update(
        done=job.done, total=job.total, message=job.message
    )


def execute_job(job_id: int) -> Job:
    """Run a job's handler. Idempotent: a finished job is not run again."""
    job = Job.objects_unscoped.get(pk=job_id)
    if job.is_finished:
        return job
    Job.objects_unscoped.filter(pk=job.pk).update(
        status=JobStatus.RUNNING, started_at=timezone.now()
    )
    job.status = JobStatus.RUNNING
    try:
        JOB_HANDLERS[job.kind](job)
    except Exception as exc:
        Job.objects_unscoped.filter(pk=job.pk).update(
            status=JobStatus.FAILED, finished_at=timezone.now(), message=str(exc)[:300]
        )
        raise
    job.status, job.finished_at = JobStatus.DONE, timezone.now()
    job.done = max(job.done, job.total)
    job.save(update_fields=["status", "finished_at", "done", "result", "result_file", "message"])
    return job

"""Start background jobs, run them as who started them, and report their progress.

A job acts as the role (membership) it was started in (`job_actor`): if that role was revoked
or deactivated before the job ran, the job fails, audited, and does nothing. Only jobs started
by commands and tasks (no membership, no user) act as a system actor. Every handler runs inside
`tenant_scope` of the job organisation's tenants; a handler whose work is platform-wide by
nature opens `all_tenants()` itself and says why.
"""

from collections.abc import Callable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from benecomune.core import audit
from benecomune.core.actors import Actor
from benecomune.core.models import Job, JobStatus, Membership
from benecomune.core.scoping import tenant_scope

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
        membership=actor.membership,
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


class JobActorRevoked(Exception):
    """The role a job was started in is no longer active: the job must not run."""


def job_actor(job: Job) -> Actor:
    """Who the job acts as: the member who started it, in the role they started it in.

    A system actor only for jobs started by commands and tasks (no membership, no user).
    Raises JobActorRevoked when that role was revoked or deactivated meanwhile (or its
    organisation deactivated), or when a user started the job without a role."""
    cached = job.__dict__.get("_actor")
    if cached is not None:
        return cached
    # Jobs queued before the membership was stored carried its id in their params.
    membership_id = (
        job.membership_id or job.params.get("membership_id") or job.params.get("membership")
    )
    if membership_id is None and job.created_by_id is None:
        actor = Actor.system_actor(job.kind)
    else:
        membership = (
            Membership.objects.select_related("user", "organization")
            .filter(pk=membership_id)
            .first()
            if membership_id
            else None
        )
        if (
            membership is None
            or not membership.is_active
            or not membership.user.is_active
            or not membership.organization.is_active
        ):
            raise JobActorRevoked(
                _(
                    "Il lavoro non è stato eseguito: il ruolo di chi lo ha avviato è stato "
                    "revocato o disattivato nel frattempo."
                )
            )
        actor = Actor.for_membership(membership, job.params.get("ip"))
    job.__dict__["_actor"] = actor
    return actor


def _fail(job: Job, message: str) -> None:
    Job.objects_unscoped.filter(pk=job.pk).update(
        status=JobStatus.FAILED, finished_at=timezone.now(), message=message[:300]
    )
    job.status, job.message = JobStatus.FAILED, message[:300]


def execute_job(job_id: int) -> Job:
    """Run a job's handler, as `job_actor(job)`, inside the tenant scope of the job's
    organisation. Idempotent: a finished job is not run again."""
    job = Job.objects_unscoped.select_related("organization").get(pk=job_id)
    if job.is_finished:
        return job
    try:
        job_actor(job)  # before any work: a revoked role stops the job here
    except JobActorRevoked as exc:
        # Not an error of the platform: the job is refused, and the audit says why.
        with transaction.atomic():
            _fail(job, str(exc))
            audit.record(
                Actor.system_actor("core.run_job"),
                "job.refused",
                job,
                organization=job.organization,
                after={"kind": job.kind, "membership": job.membership_id},
                reason=str(exc),
            )
        return job
    Job.objects_unscoped.filter(pk=job.pk).update(
        status=JobStatus.RUNNING, started_at=timezone.now()
    )
    job.status = JobStatus.RUNNING
    try:
        with tenant_scope(job.organization.tenant_ids()):
            JOB_HANDLERS[job.kind](job)
    except Exception as exc:
        _fail(job, str(exc))
        raise
    job.status, job.finished_at = JobStatus.DONE, timezone.now()
    job.done = max(job.done, job.total)
    job.save(update_fields=["status", "finished_at", "done", "result", "result_file", "message"])
    return job

"""Celery tasks of the core app. Tasks take ids, never objects."""

from celery import shared_task
from celery.schedules import crontab
from django.db import connection

from benecomune.celery import app
from benecomune.core.services.jobs import execute_job


@shared_task(name="core.run_job", acks_late=True)
def run_job(job_id: int) -> str:
    job = execute_job(job_id)
    return job.status


@shared_task(name="core.database_ping")
def database_ping() -> dict:
    """Used by the deep health check and by the broker test: proves a worker reaches the DB."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        row = cursor.fetchone()
    return {"database": "ok" if row == (1,) else "error", "vendor": connection.vendor}


# Countdown before each retry of a failed e-mail: 1, 5, 15, 60 minutes.
RETRY_COUNTDOWNS = (60, 300, 900, 3600)


@shared_task(name="core.deliver_message", bind=True, acks_late=True, max_retries=4)
def deliver_message(self, message_id: int) -> str:
    """Send one outbox e-mail. On failure the row keeps the error and the task retries later;
    run inline (no broker) it does not wait: `resend_messages` takes it up."""
    from benecomune.core.models.notifications import OutboxStatus
    from benecomune.core.notifications import deliver

    message = deliver(message_id)
    if message is None:
        return "skipped"
    if message.status == OutboxStatus.PENDING and not self.request.is_eager:
        retries = self.request.retries
        if retries < self.max_retries:
            raise self.retry(countdown=RETRY_COUNTDOWNS[min(retries, len(RETRY_COUNTDOWNS) - 1)])
    return message.status


@shared_task(name="core.resend_messages")
def resend_messages() -> int:
    """Send again the outbox e-mails still pending (run by beat)."""
    from benecomune.core.notifications import deliver, pending_ids

    ids = pending_ids()
    for message_id in ids:
        deliver(message_id)
    return len(ids)


app.conf.beat_schedule = {
    **(app.conf.beat_schedule or {}),
    "core-resend-messages": {"task": "core.resend_messages", "schedule": crontab(minute="*/15")},
}

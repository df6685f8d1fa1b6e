"""Celery tasks of the core app. Tasks take ids, never objects."""

from celery import shared_task
from django.db import connection

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

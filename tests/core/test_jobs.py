"""Background jobs: inline without a broker; through Redis and a real worker in CI."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, transaction

from benecomune.core.models import Job
from benecomune.core.scoping import all_tenants
from benecomune.core.services.jobs import start_job
from tests.conftest import IN_CI

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
ROOT = Path(__file__).resolve().parents[2]


def redis_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def test_job_runs_inline_without_broker(
    municipality, system_actor, django_capture_on_commit_callbacks
):
    from benecomune.core import audit

    with transaction.atomic():
        audit.record(system_actor, "test.job", organization=municipality)
    with django_capture_on_commit_callbacks(execute=True):
        job = start_job(
            system_actor, municipality, "audit.export", "Prova", {"tenant_ids": [municipality.pk]}
        )
    job.refresh_from_db()
    assert job.status == "done" and job.percent == 100
    assert job.result["rows"] >= 1


@pytest.mark.postgres
@pytest.mark.broker
@pytest.mark.django_db(transaction=True)
def test_task_runs_through_redis_and_a_worker(municipality, system_actor):
    if not redis_answers():
        if IN_CI:
            pytest.fail("Redis is not answering on 127.0.0.1:6379 (required in CI)")
        pytest.skip("Redis is not answering on 127.0.0.1:6379")
    from benecomune.core import audit
    from benecomune.core.tasks import run_job

    with transaction.atomic():
        audit.record(system_actor, "test.worker", organization=municipality)
        job = Job.objects_unscoped.create(
            organization=municipality,
            kind="audit.export",
            title="Prova worker",
            params={"tenant_ids": [municipality.pk]},
        )
    db = settings.DATABASES["default"]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "PYTHONPATH": f"{ROOT / 'src'}:{ROOT}",
        "CELERY_BROKER_URL": REDIS_URL,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "BENECOMUNE_TEST_MEDIA_ROOT": str(settings.MEDIA_ROOT),
    }
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "benecomune",
            "worker",
            "--pool=solo",
            "--concurrency=1",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-Q",
            "benecomune-test",
            "--loglevel=WARNING",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        cwd=ROOT,
    )
    from benecomune.celery import app

    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        # Only the job row tells the outcome (no result backend needed): the worker took the
        # task from Redis, ran it against this test database and wrote the file.
        with app.connection_for_write(REDIS_URL) as broker:
            run_job.apply_async(args=[job.pk], queue="benecomune-test", connection=broker)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            status = Job.objects_unscoped.filter(pk=job.pk).values_list("status", flat=True)[0]
            if status in ("done", "failed"):
                break
            time.sleep(0.25)
    finally:
        app.conf.task_always_eager = eager
        worker.terminate()
        try:
            output = worker.communicate(timeout=20)[0].decode(errors="replace")
        except subprocess.TimeoutExpired:
            worker.kill()
            output = ""
    assert status == "done", output[-2000:]
    with all_tenants():
        job.refresh_from_db()
    assert job.status == "done"
    assert job.result["rows"] >= 1
    assert Path(job.result_file.path).exists()
    connection.close()

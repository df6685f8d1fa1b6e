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
    from benecomune.core.tasks import database_ping, run_job

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
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
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

    previous = (app.conf.task_always_eager, app.conf.broker_url, app.conf.result_backend)
    app.conf.task_always_eager = False
    app.conf.broker_url = REDIS_URL
    app.conf.result_backend = REDIS_URL
    try:
        ping = database_ping.apply_async(queue="benecomune-test")
        assert ping.get(timeout=60) == {"database": "ok", "vendor": "postgresql"}
        result = run_job.apply_async(args=[job.pk], queue="benecomune-test")
        assert result.get(timeout=60) == "done"
    finally:
        app.conf.task_always_eager, app.conf.broker_url, app.conf.result_backend = previous
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
    with all_tenants():
        job.refresh_from_db()
    assert job.status == "done"
    assert job.result["rows"] >= 1
    assert Path(job.result_file.path).exists()
    connection.close()
    time.sleep(0)

"""Reports off the primary (core/replica.py), against the test settings' "replica" alias (a
mirror of the test database): report blocks and views read from the replica, writes and who is
asking never do, and reports fall back to the primary when the replica lags or is down. The
same against a real streaming replica: test_replica_streaming_pg.py."""

import pytest
from django.contrib.sessions.models import Session
from django.db import OperationalError, connections, router, transaction
from django.http import HttpResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from benecomune.core import replica
from benecomune.core.lists import export
from benecomune.core.models import Membership, Network, User
from benecomune.core.replica import reading_reports, reports_alias
from benecomune.observatory.models import SpendingCell


@pytest.fixture
def reports_replica(settings):
    """Reports configured to read from the "replica" alias; the replica's health forgotten."""
    settings.REPORTS_DATABASE = "replica"
    settings.DATABASE_REPLICA_MAX_LAG_SECONDS = 30
    settings.DATABASE_REPLICA_CHECK_SECONDS = 5
    replica.health.reset()
    yield settings
    replica.health.reset()


@pytest.fixture
def lag(monkeypatch):
    """The replica's lag as the test sets it (None: not answering); counts the checks."""
    state = {"lag": 0.0, "checks": 0}

    def fake():
        state["checks"] += 1
        return state["lag"]

    monkeypatch.setattr(replica, "replica_lag", fake)
    return state


def test_without_a_replica_reports_read_from_the_primary(settings):
    assert settings.REPORTS_DATABASE == "default"
    with reading_reports() as alias:
        assert alias == "default"
        assert router.db_for_read(SpendingCell) == "default"
    assert reports_alias() is None


def test_report_reads_go_to_the_replica_and_writes_never(reports_replica, lag):
    assert router.db_for_read(SpendingCell) == "default"  # outside a report
    with reading_reports() as alias:
        assert alias == "replica"
        assert router.db_for_read(SpendingCell) == "replica"
        assert router.db_for_read(Network) == "replica"
        assert router.db_for_write(SpendingCell) == "default"
        assert router.db_for_write(Network) == "default"
        # Who is asking: always from the primary.
        for model in (User, Membership, Session):
            assert router.db_for_read(model) == "default"
    assert reports_alias() is None
    assert router.db_for_read(SpendingCell) == "default"


@pytest.mark.django_db(transaction=True)
def test_reads_inside_a_transaction_on_the_primary_stay_there(reports_replica, lag):
    with reading_reports():
        with transaction.atomic():
            assert router.db_for_read(SpendingCell) == "default"
        assert router.db_for_read(SpendingCell) == "replica"


def test_a_nested_block_keeps_the_outer_choice(reports_replica, lag):
    with reading_reports() as outer:
        lag["lag"] = 999.0
        replica.health.reset()
        with reading_reports() as inner:
            assert outer == inner == "replica"


def test_a_lagging_replica_sends_reports_to_the_primary(reports_replica, lag):
    lag["lag"] = 31.0
    with reading_reports() as alias:
        assert alias == "default"
        assert router.db_for_read(SpendingCell) == "default"
    # The answer is kept a few seconds per process, then asked again.
    lag["lag"] = 2.0
    with reading_reports() as alias:
        assert alias == "default"
    assert lag["checks"] == 1
    replica.health.reset()
    with reading_reports() as alias:
        assert alias == "replica"
    assert lag["checks"] == 2


def test_a_replica_that_does_not_answer_sends_reports_to_the_primary(reports_replica, lag):
    lag["lag"] = None
    with reading_reports() as alias:
        assert alias == "default"


@pytest.mark.django_db(transaction=True, databases=["default", "replica"])
def test_the_lag_is_measured_on_the_replica_connection(reports_replica):
    """A mirror is no standby: lag 0 (on PostgreSQL `pg_is_in_recovery()` is false)."""
    assert replica.replica_lag() == 0.0


@pytest.mark.django_db(transaction=True, databases=["default", "replica"])
def test_a_replica_that_is_down_is_not_used(reports_replica, monkeypatch):
    conn = connections["replica"]
    saved = dict(conn.settings_dict)
    conn.close()
    if conn.vendor == "postgresql":
        monkeypatch.setitem(conn.settings_dict, "HOST", "127.0.0.1")
        monkeypatch.setitem(conn.settings_dict, "PORT", "1")  # nothing listens there
    else:  # an in-memory SQLite database is never really closed: refuse the cursor

        def refuse(*args, **kwargs):
            raise OperationalError("unable to open database file")

        monkeypatch.setattr(conn, "cursor", refuse)
    try:
        assert replica.replica_lag() is None
        with reading_reports() as alias:
            assert alias == "default"
    finally:
        conn.close()
        conn.settings_dict.update(saved)


def test_list_exports_are_reports(reports_replica, lag):
    request = RequestFactory().get("/elenco/", {"formato": "csv"})
    response = export(request, csv=lambda: HttpResponse(router.db_for_read(SpendingCell)))
    assert response.content == b"replica"
    assert router.db_for_read(SpendingCell) == "default"


@pytest.mark.django_db(transaction=True, databases=["default", "replica"])
@pytest.mark.parametrize(
    "name, args",
    [
        ("observatory:open_data", []),
        ("observatory:dataset_csv", ["spesa-welfare"]),
        ("observatory:dataset_csv", ["contributi-bandi"]),
        ("observatory:dataset_csv", ["servizi-categoria"]),
        ("observatory:catalogue_ttl", []),
        ("observatory:catalogue_jsonld", []),
    ],
)
def test_open_data_views_read_from_the_replica(client, reports_replica, name, args):
    # A deployment with a replica runs the scheduler: pages do not catch the rollups up.
    reports_replica.CELERY_TASK_ALWAYS_EAGER = False
    with (
        CaptureQueriesContext(connections["replica"]) as on_replica,
        CaptureQueriesContext(connections["default"]) as on_primary,
    ):
        response = client.get(reverse(name, args=args))
    assert response.status_code == 200
    assert on_replica.captured_queries
    assert not [q for q in on_primary.captured_queries if "observatory_" in q["sql"]]
    assert not [q for q in on_primary.captured_queries if "marketplace_" in q["sql"]]

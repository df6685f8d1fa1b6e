"""Reports off the primary against a real PostgreSQL streaming replica, started for this
module on another port (tests/replica_cluster.py: pg_basebackup -R into a cluster under /tmp,
stopped and removed after). A write on the primary reaches the replica; open data reads from
it; reports fall back to the primary while its replay is paused (lag beyond the bound) or
while it is down; writes inside a report never go there (a hot standby would refuse them)."""

import time

import pytest
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from benecomune.core import replica as reports
from benecomune.core.models import Network
from benecomune.core.replica import reading_reports
from benecomune.ledger.services import wallets
from benecomune.observatory.models import Watermark
from benecomune.observatory.services import upkeep
from tests import replica_cluster
from tests.conftest import IN_CI

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, databases=["default", "replica"]),
]


@pytest.fixture(scope="module")
def streaming_replica(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        primary = replica_cluster.Primary.from_settings(connection.settings_dict)
    try:
        cluster = replica_cluster.start(primary)
    except replica_cluster.Unavailable as error:
        reason = f"no streaming replica of the test server: {error}"
        if IN_CI:
            pytest.fail(reason)
        pytest.skip(reason)
    yield cluster
    cluster.stop()


@pytest.fixture
def on_replica(streaming_replica, settings):
    """The "replica" alias points at the streaming replica; reports read from it (the lag is
    asked again on every report block)."""
    alias = connections["replica"]
    saved = {key: alias.settings_dict[key] for key in ("HOST", "PORT")}
    alias.close()
    alias.settings_dict.update(HOST="127.0.0.1", PORT=str(streaming_replica.port))
    settings.REPORTS_DATABASE = "replica"
    settings.DATABASE_REPLICA_MAX_LAG_SECONDS = 30
    settings.DATABASE_REPLICA_CHECK_SECONDS = 0
    reports.health.reset()
    yield streaming_replica
    if not streaming_replica.start_server_if_stopped():
        pytest.fail(f"the replica did not restart: {streaming_replica.log()}")
    _sql(streaming_replica, "SELECT pg_wal_replay_resume()")
    alias.close()
    alias.settings_dict.update(saved)
    reports.health.reset()


def _sql(cluster, sql):
    return cluster.query(sql, dbname=connection.settings_dict["NAME"])


def _wait(predicate, what, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    pytest.fail(f"timed out waiting for {what}")


def _replayed(cluster):
    """Wait until the replica has replayed everything the primary wrote so far."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()")
        lsn = cursor.fetchone()[0]
    query = f"SELECT pg_last_wal_replay_lsn() >= '{lsn}'::pg_lsn"
    _wait(lambda: _sql(cluster, query)[0], "the replica's replay")


def _csv(client) -> str:
    response = client.get(reverse("observatory:dataset_csv", args=["spesa-welfare"]))
    assert response.status_code == 200
    return response.content.decode()


def _reads(client):
    """The spending CSV, and whether its figures were read on the replica / the primary."""
    with (
        CaptureQueriesContext(connections["replica"]) as on_replica,
        CaptureQueriesContext(connections["default"]) as on_primary,
    ):
        text = _csv(client)

    def rollups(captured):
        return any("observatory_spendingcell" in q["sql"] for q in captured.captured_queries)

    return text, rollups(on_replica), rollups(on_primary)


def test_a_write_on_the_primary_is_replayed_on_the_replica(on_replica):
    assert _sql(on_replica, "SELECT pg_is_in_recovery()") == (True,)
    Network.objects.create(name="Rete replicata", slug="rete-replicata")
    _wait(
        lambda: Network.objects.using("replica").filter(slug="rete-replicata").exists(),
        "the new network on the replica",
    )
    # Caught up, or a moment behind (other databases of the server write too).
    assert reports.replica_lag() < 5


def test_open_data_reads_from_the_replica_and_falls_back_while_it_lags(
    on_replica, settings, client, make_fund, make_wallet, make_provider, other_municipality,
    shop, system_actor,
):  # fmt: skip
    fund = make_fund(100_000)
    wallets.pay_from_wallet(
        system_actor, wallet=make_wallet(fund, 5_000), merchant=shop, amount=700,
        idempotency_key="replica-1",
    )  # fmt: skip
    upkeep.run()
    _replayed(on_replica)
    text, replica_read, primary_read = _reads(client)
    assert "Piazzola sul Brenta" in text
    assert replica_read and not primary_read

    # Replay paused: the primary moves on, the replica does not.
    _sql(on_replica, "SELECT pg_wal_replay_pause()")
    _wait(
        lambda: _sql(on_replica, "SELECT pg_get_wal_replay_pause_state()")[0] == "paused",
        "the pause",
    )
    limena = make_provider(municipality_=other_municipality)
    wallets.pay_from_wallet(
        system_actor, wallet=make_wallet(fund, 5_000), merchant=limena, amount=300,
        idempotency_key="replica-2",
    )  # fmt: skip
    upkeep.run()
    _wait(lambda: (reports.replica_lag() or 0) > 0, "the replica to know it is behind")
    settings.DATABASE_REPLICA_MAX_LAG_SECONDS = 3600  # within the bound: stale, from the replica
    text, replica_read, primary_read = _reads(client)
    assert "Limena" not in text and replica_read and not primary_read

    settings.DATABASE_REPLICA_MAX_LAG_SECONDS = 0  # beyond it: from the primary
    text, replica_read, primary_read = _reads(client)
    assert "Limena" in text and primary_read and not replica_read

    _sql(on_replica, "SELECT pg_wal_replay_resume()")  # caught up again: from the replica
    _replayed(on_replica)
    _wait(lambda: reports.replica_lag() < 5, "the replica to catch up")
    settings.DATABASE_REPLICA_MAX_LAG_SECONDS = 30
    text, replica_read, primary_read = _reads(client)
    assert "Limena" in text and replica_read and not primary_read


def test_reports_read_from_the_primary_while_the_replica_is_down(on_replica, client):
    on_replica.stop_server()
    connections["replica"].close()
    assert reports.replica_lag() is None
    with reading_reports() as alias:
        assert alias == "default"
    with CaptureQueriesContext(connections["default"]) as on_primary:
        _csv(client)
    assert any("observatory_spendingcell" in q["sql"] for q in on_primary.captured_queries)


def test_writes_in_a_report_go_to_the_primary(on_replica):
    """A hot standby refuses writes: these pass only because they go to the primary."""
    with reading_reports() as alias:
        assert alias == "replica"
        upkeep.run()  # a service: its reads and writes in its transaction, on the primary
        Network.objects.create(name="Rete nel rapporto", slug="rete-nel-rapporto")
        with transaction.atomic():
            assert Network.objects.filter(slug="rete-nel-rapporto").exists()
    assert Watermark.objects.exists()
    _replayed(on_replica)
    with reading_reports():
        assert Network.objects.filter(slug="rete-nel-rapporto").exists()
    with pytest.raises(Exception, match="read-only"):
        _sql(on_replica, "CREATE TABLE refused (id int)")

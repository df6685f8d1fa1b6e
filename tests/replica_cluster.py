"""A real PostgreSQL streaming replica of the test server, for the tests of reports off the
primary (tests/core/test_replica_streaming_pg.py).

`start(primary)` takes a base backup of the primary (`pg_basebackup -R`, streaming its WAL)
into a new data directory under /tmp, starts a second cluster on a free port (5433 upwards)
and waits until it streams; `Replica.stop()` stops it and removes the directory. Run as root,
the cluster runs as the `postgres` user (PostgreSQL refuses root).

What the primary needs: `wal_level` replica or logical, a free WAL sender, and a pg_hba.conf
line letting this machine connect for replication. When only the line is missing and the
primary's pg_hba.conf is a file here we may write, it is appended once (marked, loopback
only, the same method as the primary's own loopback line) and the configuration reloaded;
anything else raises `Unavailable` with the reason (the tests then skip, or fail in CI).
"""

import os
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import psycopg

HBA_MARK = "# benecomune tests: streaming replica from this machine (tests/replica_cluster.py)"
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1", "")
FIRST_PORT = 5433
WAIT = ("-w", "-t", "60")  # pg_ctl waits up to a minute
# Settings a hot standby needs at least as high as its primary's.
STANDBY_MINIMUMS = (
    "max_connections",
    "max_worker_processes",
    "max_wal_senders",
    "max_prepared_transactions",
    "max_locks_per_transaction",
)


class Unavailable(Exception):
    """The replica cannot be set up here (the reason says why)."""


@dataclass
class Primary:
    host: str
    port: int
    user: str
    password: str
    dbname: str

    @classmethod
    def from_settings(cls, settings_dict) -> "Primary":
        return cls(
            host=settings_dict.get("HOST") or "127.0.0.1",
            port=int(settings_dict.get("PORT") or 5432),
            user=settings_dict.get("USER") or "postgres",
            password=settings_dict.get("PASSWORD") or "",
            dbname=settings_dict["NAME"],
        )

    def connect(self, **kwargs):
        return psycopg.connect(
            host=self.host,
            port=self.port,
            user=self.user,
            password=self.password or None,
            dbname=kwargs.pop("dbname", "postgres"),
            connect_timeout=10,
            autocommit=True,
            **kwargs,
        )


@dataclass
class Replica:
    data_dir: Path
    port: int
    bin_dir: Path
    run_as: list[str]
    user: str
    password: str

    def connect(self, dbname="postgres"):
        return psycopg.connect(
            host="127.0.0.1",
            port=self.port,
            user=self.user,
            password=self.password or None,
            dbname=dbname,
            connect_timeout=10,
            autocommit=True,
        )

    def query(self, sql, dbname="postgres"):
        with self.connect(dbname) as conn:
            return conn.execute(sql).fetchone()

    def pg_ctl(self, *args, check=True):
        return _run(
            [*self.run_as, str(self.bin_dir / "pg_ctl"), "-D", str(self.data_dir), *WAIT, *args],
            timeout=90,
            check=check,
        )

    def start_server(self) -> bool:
        return (
            self.pg_ctl("-l", str(self.data_dir / "replica.log"), "start", check=False).returncode
            == 0
        )

    def start_server_if_stopped(self) -> bool:
        """Start a stopped server again and wait until it streams; False if it does not."""
        if (self.data_dir / "postmaster.pid").exists():
            return True
        if not self.start_server():
            return False
        wait_streaming(self)
        return True

    def stop_server(self) -> None:
        """Stop the server at once (it holds nothing of value)."""
        if (self.data_dir / "postmaster.pid").exists():
            self.pg_ctl("-m", "immediate", "stop", check=False)

    def stop(self) -> None:
        """Stop the server and remove its directory."""
        self.stop_server()
        shutil.rmtree(self.data_dir, ignore_errors=True)

    def log(self) -> str:
        path = self.data_dir / "replica.log"
        return path.read_text(errors="replace")[-4000:] if path.exists() else ""


def _run(args, *, timeout, check=True, env=None):
    try:
        result = subprocess.run(
            args, capture_output=True, text=True, timeout=timeout, env=env, check=False
        )
    except subprocess.TimeoutExpired as error:
        raise Unavailable(f"{args[0]} timed out after {timeout} s") from error
    if check and result.returncode != 0:
        raise Unavailable(f"{' '.join(args)} failed: {result.stderr.strip()[-2000:]}")
    return result


def _bin_dir(major: int) -> Path:
    for candidate in (Path(f"/usr/lib/postgresql/{major}/bin"), Path(f"/usr/pgsql-{major}/bin")):
        if (candidate / "pg_basebackup").exists() and (candidate / "pg_ctl").exists():
            return candidate
    found = shutil.which("pg_basebackup")
    if found and shutil.which("pg_ctl"):
        return Path(found).parent
    raise Unavailable(f"pg_basebackup/pg_ctl for PostgreSQL {major} not found")


def _run_as() -> list[str]:
    """PostgreSQL does not run as root: as root, run its programs as the postgres user."""
    if os.geteuid() != 0:
        return []
    if shutil.which("runuser"):
        return ["runuser", "-u", "postgres", "--"]
    raise Unavailable("running as root without runuser: cannot start PostgreSQL as postgres")


def _free_port(start: int = FIRST_PORT) -> int:
    for port in range(start, start + 100):
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise Unavailable("no free port from 5433 to 5532")


def _check_primary(primary: Primary) -> tuple[int, dict[str, str]]:
    if primary.host not in LOCAL_HOSTS:
        raise Unavailable(f"the primary ({primary.host}) is not on this machine")
    try:
        with primary.connect() as conn:
            rows = dict(
                conn.execute(
                    "SELECT name, setting FROM pg_settings WHERE name = ANY(%s)",
                    [["server_version_num", "wal_level", *STANDBY_MINIMUMS]],
                ).fetchall()
            )
            senders = conn.execute("SELECT count(*) FROM pg_stat_replication").fetchone()[0]
    except psycopg.Error as error:
        raise Unavailable(f"the primary does not answer: {error}") from error
    if rows["wal_level"] not in ("replica", "logical"):
        raise Unavailable(f"the primary's wal_level is {rows['wal_level']} (replica needed)")
    if int(rows["max_wal_senders"]) <= senders:
        raise Unavailable("the primary has no free WAL sender (max_wal_senders)")
    return int(rows["server_version_num"]) // 10000, rows


def _replication_refused(primary: Primary) -> str | None:
    """Why a replication connection from here is refused (None: it is accepted)."""
    try:
        with primary.connect(replication="true") as conn:
            conn.execute("IDENTIFY_SYSTEM")
    except psycopg.Error as error:
        return str(error).strip()
    return None


def _allow_replication(primary: Primary) -> None:
    """Add the replication line to the primary's pg_hba.conf once, if it is missing and the
    file is here and writable; reload the configuration."""
    refused = _replication_refused(primary)
    if refused is None:
        return
    if "pg_hba.conf" not in refused:
        raise Unavailable(f"replication connection refused: {refused}")
    with primary.connect() as conn:
        hba_file = Path(conn.execute("SHOW hba_file").fetchone()[0])
        method = conn.execute(
            "SELECT auth_method FROM pg_hba_file_rules WHERE type = 'host' AND error IS NULL"
            " AND 'all' = ANY(database) AND address IN ('127.0.0.1', 'all', 'samehost')"
            " ORDER BY line_number LIMIT 1"
        ).fetchone()
        if not (hba_file.is_file() and os.access(hba_file, os.W_OK)):
            raise Unavailable(f"replication not allowed in {hba_file}, which we cannot change")
        if method is None:
            raise Unavailable(f"no loopback line in {hba_file} to take the method from")
        text = hba_file.read_text()
        if HBA_MARK not in text:
            line = f"host replication {primary.user} 127.0.0.1/32 {method[0]}"
            with hba_file.open("a") as out:
                out.write(f"{'' if text.endswith(chr(10)) else chr(10)}{HBA_MARK}\n{line}\n")
        if not conn.execute("SELECT pg_reload_conf()").fetchone()[0]:
            raise Unavailable("could not reload the primary's configuration")
    for _ in range(20):
        time.sleep(0.25)
        if (refused := _replication_refused(primary)) is None:
            return
    raise Unavailable(f"replication still refused after changing {hba_file}: {refused}")


def _configure(replica_dir: Path, port: int, minimums: dict[str, str]) -> None:
    settings = {
        "port": str(port),
        "listen_addresses": "'127.0.0.1'",
        "unix_socket_directories": f"'{replica_dir}'",
        "hot_standby": "on",
        "hot_standby_feedback": "on",
        "wal_receiver_status_interval": "'1s'",
        "fsync": "off",
        "ssl": "off",
        "shared_buffers": "'32MB'",
        "logging_collector": "off",
        "cluster_name": "'benecomune-test-replica'",
        **{name: minimums[name] for name in STANDBY_MINIMUMS},
    }
    lines = "".join(f"{name} = {value}\n" for name, value in settings.items())
    # postgresql.auto.conf (holding -R's primary_conninfo) is read last: our values win there.
    (replica_dir / "postgresql.conf").write_text("# see postgresql.auto.conf\n")
    with (replica_dir / "postgresql.auto.conf").open("a") as out:
        out.write("\n# benecomune test replica\n" + lines)
    (replica_dir / "pg_hba.conf").write_text(
        "local all all trust\nhost all all 127.0.0.1/32 trust\n"
    )
    (replica_dir / "pg_ident.conf").write_text("")


def wait_streaming(replica: Replica, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            last = replica.query(
                "SELECT pg_is_in_recovery(),"
                " (SELECT status FROM pg_stat_wal_receiver) = 'streaming'"
            )
            if last == (True, True):
                return
        except psycopg.Error as error:
            last = error
        time.sleep(0.3)
    raise Unavailable(f"the replica did not stream within {timeout} s ({last})")


def start(primary: Primary, *, timeout: float = 120) -> Replica:
    """A streaming replica of `primary`, running; stop it with `.stop()`."""
    major, minimums = _check_primary(primary)
    bin_dir = _bin_dir(major)
    run_as = _run_as()
    _allow_replication(primary)
    data_dir = Path(tempfile.mkdtemp(prefix="benecomune-replica-", dir="/tmp"))
    if run_as:
        shutil.chown(data_dir, "postgres", "postgres")
    data_dir.chmod(0o700)
    replica = Replica(data_dir, 0, bin_dir, run_as, primary.user, primary.password)
    env = {**os.environ, "PGPASSWORD": primary.password} if primary.password else None
    try:
        _run(
            [
                *run_as,
                str(bin_dir / "pg_basebackup"),
                *("-h", "127.0.0.1", "-p", str(primary.port), "-U", primary.user),
                *("-D", str(data_dir), "-R", "-X", "stream", "-c", "fast", "--no-sync"),
            ],
            timeout=timeout,
            env=env,
        )
        for attempt in range(3):  # a port taken between the check and the start: the next
            replica.port = _free_port(FIRST_PORT + attempt * 7)
            _configure(data_dir, replica.port, minimums)
            if replica.start_server():
                break
        else:
            raise Unavailable(f"the replica did not start: {replica.log()}")
        wait_streaming(replica)
    except BaseException:
        replica.stop()
        raise
    return replica

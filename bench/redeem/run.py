"""HTTP load on the POS API's one-step redeem, next to pgbench's TPC-B on the same server.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python bench/redeem/run.py            # --reuse: keep the seeded database

Needs `wrk` (Debian: `apt-get install -y wrk`) and pgbench. Creates (dropping them first)
the databases `bc_bench_redeem` and `bc_bench_redeem_pgbench`; seeds 100k voucher wallets
and 1k shops (each in the network's circuit, with a device token), then runs VACUUM ANALYZE
(as `pgbench -i` does) and CHECKPOINT; starts gunicorn on the redeem database (2 sync workers:
on 2 cores, 3 or threaded ones did no better, 4 or keep-alive ones worse); warms it up for
15 s (so every worker has met every shop's device token, as in
steady state); runs wrk (`redeem.lua`: a random shop's token, a random wallet's signed QR
code, a random amount, a distinct Idempotency-Key per request) for `--seconds` with
`--connections`; reports throughput, p50/p99 latency, non-2xx answers, the CPU time per
redemption of gunicorn, the PostgreSQL backends and wrk, and the share of CPU time the
hypervisor took (steal); stops gunicorn; checks the ledger (`ledger_check`); times the drain
of the citizens' notices the payments left in the outbox (a sample of `--notices`, as beat's
task would send them); runs pgbench TPC-B (-i -s 16; -c 16 -j 2 -T 20).
As in production, Celery has a broker (a redis-server the bench starts on a free port, when
installed; `--no-broker`: Celery inline, the notices then sent in the request's process).
Everything runs on this machine: the load generator shares the CPU with the server.
"""

import argparse
import os
import re
import resource
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(ROOT / "bench"))
import common  # noqa: E402  (bench/common.py)
from common import recreate_database, with_db  # noqa: E402

HERE = Path(__file__).resolve().parent
BENCH_DB = "bc_bench_redeem"
PGBENCH_DB = "bc_bench_redeem_pgbench"
PORT = 8097


def bench_env(url: str, secret: str) -> dict:
    return {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "benecomune.settings",
        "SECRET_KEY": secret,
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",
        "CONN_MAX_AGE": "600",
        "LOG_LEVEL": "ERROR",
        "EMAIL_URL": "memorymail://",
        "PYTHONPATH": str(ROOT / "src"),
    }


def setup_django(env: dict) -> None:
    os.environ.update({k: v for k, v in env.items() if k != "PYTHONPATH"})
    for path in reversed(env["PYTHONPATH"].split(":")):
        sys.path.insert(0, path)
    import django

    django.setup()


def start_redis(out: Path) -> tuple[subprocess.Popen, str]:
    """A throwaway redis-server on a free port: the Celery broker of the run."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    command = ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", ""]
    command += ["--appendonly", "no", "--dir", str(out)]
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, start_new_session=True)
    url = f"redis://127.0.0.1:{port}/0"
    for _ in range(50):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return proc, url
        except OSError:
            time.sleep(0.1)
    proc.kill()
    sys.exit("redis-server did not start")


def time_notices(sample: int) -> None:
    """Send `sample` of the notices the run's payments left in the outbox, as beat's task
    does, and report the time per notice (the rest are dropped: a throwaway database)."""
    from django.db import connection

    from benecomune.vouchers.models import TillNotice
    from benecomune.vouchers.services import notices

    waiting = TillNotice.objects.count()
    if not waiting:
        print("notices: none in the outbox (this code sends them another way)")
        return
    keep = TillNotice.objects.order_by("pk").values_list("pk", flat=True)[:sample]
    TillNotice.objects.exclude(pk__in=list(keep)).delete()
    t0, c0 = time.perf_counter(), time.process_time()
    sent = notices.drain()
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    connection.close()
    print(
        f"notices: {waiting} in the outbox after the run; drain of {sent}: "
        f"{1000 * wall / max(sent, 1):.2f} ms per notice ({1000 * cpu / max(sent, 1):.2f} ms"
        " of Python CPU), off the till's path"
    )


def seed(wallet_count: int, merchant_count: int, per_wallet: int, out: Path) -> None:
    """Bulk seeding kept consistent with the ledger's invariants (checked at the end)."""
    from django.db import connection, transaction
    from django.utils import timezone
    from stdnum import luhn

    from benecomune.core.actors import Actor
    from benecomune.core.models import ApiToken, Provider
    from benecomune.core.models.tokens import hash_token
    from benecomune.ledger.services import wallets
    from benecomune.vouchers.models import CircuitMembership
    from benecomune.vouchers.services.circuit import circuit_for

    actor = Actor.system_actor("bench")
    network, town = common.bench_town()
    circuit = circuit_for(network)
    now = timezone.now()
    clear_tokens = []
    for n in range(merchant_count):
        base = f"{n:07d}028"
        provider = Provider.objects.create(
            name=f"Esercente {n}",
            slug=f"esercente-{n}",
            provider_kind="shop",
            category="grocery",
            vat_number=base + luhn.calc_check_digit(base),
            network=network,
            municipality=town,
        )
        wallets.merchant_account(provider)
        clear = "bc_" + secrets.token_urlsafe(32)
        clear_tokens.append(clear)
        ApiToken.objects_unscoped.create(
            organization=provider, name="Cassa bench", prefix=clear[:11], key_hash=hash_token(clear)
        )
        CircuitMembership.objects_unscoped.create(
            circuit=circuit,
            organization_id=network.pk,
            merchant=provider,
            status="approved",
            category="grocery",
            vat_number=provider.vat_number,
            iban="IT60X0542811101000000123456",
            iban_holder=provider.name,
            address="Via Roma 1",
            municipality=town,
            requested_at=now,
            decided_at=now,
            convention_version=1,
            convention_accepted_at=now,
        )
    fund = common.funded_fund(actor, town, wallet_count * per_wallet)
    people = common.people_of(town, wallet_count)
    with transaction.atomic():
        wallet_rows = common.awarded_wallets(
            town,
            fund,
            people,
            per_wallet,
            now,
            allowed_categories=["grocery", "pharmacy"],
            territory_network=network,
        )
    with connection.cursor() as cursor:
        # Settle the fresh data (visibility and hint bits, statistics, dirty pages written),
        # so the first reads of the run do not pay for the seeding's writes.
        cursor.execute("VACUUM (FREEZE, ANALYZE)")
        cursor.execute("CHECKPOINT")
    (out / "tokens.txt").write_text("\n".join(clear_tokens) + "\n")
    (out / "wallets.txt").write_text("\n".join(str(w.pk) for w in wallet_rows) + "\n")


def write_codes(out: Path) -> None:
    """Signed QR tokens of every wallet, valid from now for `codes.QR_SECONDS`."""
    from benecomune.vouchers.services.codes import make_qr_token

    ids = (out / "wallets.txt").read_text().split()
    (out / "codes.txt").write_text("\n".join(make_qr_token(int(i))[0] for i in ids) + "\n")


def start_gunicorn(env: dict, workers: int, threads: int, keep_alive=False) -> subprocess.Popen:
    command = [
        str(ROOT / ".venv/bin/gunicorn"),
        "benecomune.wsgi",
        "--bind",
        f"127.0.0.1:{PORT}",
        "--workers",
        str(workers),
        "--backlog",
        "2048",
        "--log-level",
        "warning",
    ]
    if threads > 1 or keep_alive:
        # gthread workers keep connections alive between requests (sync workers do not).
        command += ["--worker-class", "gthread", "--threads", str(threads), "--keep-alive", "30"]
    proc = subprocess.Popen(command, env=env, cwd=ROOT, start_new_session=True)
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{PORT}/api/v1/health", timeout=1)
            return proc
        except OSError:
            time.sleep(0.2)
    stop(proc)
    sys.exit("gunicorn did not start")


def stop(proc: subprocess.Popen) -> None:
    os.killpg(proc.pid, signal.SIGTERM)
    proc.wait(timeout=30)


def _ticks(pids) -> int:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime + stime
    return total


def _cpu_ticks() -> tuple[int, int]:
    """(all ticks, stolen ticks) of the machine so far, from /proc/stat: on a VM the host may
    take part of the CPU time ("steal"), which the guest cannot use."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return sum(fields[:8]), fields[7]


def _server_pids(gunicorn: subprocess.Popen, url: str) -> tuple[list, list]:
    """The gunicorn workers and the PostgreSQL backends serving the bench database."""
    import psycopg

    workers = subprocess.run(
        ["pgrep", "-P", str(gunicorn.pid)], capture_output=True, text=True
    ).stdout.split()
    with psycopg.connect(with_db(url, "postgres")) as conn:
        backends = conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s"
            " AND backend_type = 'client backend'",
            [BENCH_DB],
        ).fetchall()
    return [int(p) for p in workers], [row[0] for row in backends]


def run_wrk(out: Path, connections: int, seconds: int, run_id: str) -> str:
    env = {**os.environ, "BENCH_DIR": str(out), "BENCH_RUN": run_id}
    return subprocess.run(
        [
            "wrk",
            "-t",
            str(min(2, connections)),
            "-c",
            str(connections),
            "-d",
            f"{seconds}s",
            "--latency",
            "-s",
            str(HERE / "redeem.lua"),
            f"http://127.0.0.1:{PORT}",
        ],
        check=True,
        capture_output=True,
        text=True,
        env=env,
    ).stdout


def _ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def parse_wrk(output: str) -> dict:
    latency = dict(re.findall(r"^\s+(50|75|90|99)%\s+(\S+)", output, re.M))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    total = re.search(r"(\d+) requests in", output)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50": _ms(latency["50"]),
        "p99": _ms(latency["99"]),
        "requests": int(total.group(1)),
        "non_2xx": int(non_2xx.group(1)) if non_2xx else 0,
    }


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--wallets", type=int, default=100_000)
    parser.add_argument("--merchants", type=int, default=1_000)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=1, help="threads per gunicorn worker")
    parser.add_argument("--warmup", type=int, default=15, help="seconds of warm-up")
    parser.add_argument(
        "--keep-alive", action="store_true", help="gthread workers (keep-alive) even with 1 thread"
    )
    parser.add_argument("--reuse", action="store_true", help="keep the seeded database")
    parser.add_argument("--skip-pgbench", action="store_true")
    parser.add_argument(
        "--no-broker", action="store_true", help="no Celery broker: tasks run inline"
    )
    parser.add_argument("--notices", type=int, default=500, help="notices to drain and time")
    parser.add_argument(
        "--no-health-checks",
        action="store_true",
        help="CONN_HEALTH_CHECKS off (a settings module of the bench's own): Django then skips"
        " its SELECT 1 at the start of every request",
    )
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is missing: install it with `apt-get install -y wrk` (Debian/Ubuntu).")
    server = os.environ.get("DATABASE_URL", "")
    if not server.startswith(("postgres://", "postgresql://")):
        sys.exit("Set DATABASE_URL to a PostgreSQL server (the bench creates its own database).")
    url = with_db(server, BENCH_DB)
    out = Path(os.environ.get("BENCH_DIR") or tempfile.gettempdir()) / "bc_bench_redeem"
    out.mkdir(exist_ok=True)
    secret_file = out / "secret"
    if not (args.reuse and secret_file.exists()):
        secret_file.write_text(secrets.token_urlsafe(50))
    env = bench_env(url, secret_file.read_text())
    if not args.no_broker and shutil.which("redis-server") is None:
        sys.exit("redis-server is missing (apt-get install -y redis-server), or --no-broker")
    if args.no_health_checks:
        (out / "bench_settings.py").write_text(
            "from benecomune.settings import *  # noqa\n"
            "DATABASES['default']['CONN_HEALTH_CHECKS'] = False\n"
        )
        env["DJANGO_SETTINGS_MODULE"] = "bench_settings"
        env["PYTHONPATH"] = f"{env['PYTHONPATH']}:{out}"
    setup_django(env)
    from django.core.management import call_command
    from django.db import connection

    if not args.reuse:
        recreate_database(server, BENCH_DB)
        call_command("migrate", verbosity=0)
        t0 = time.time()
        seed(args.wallets, args.merchants, per_wallet=100_000, out=out)
        # As `pgbench -i` does after its load: hint bits, visibility map and statistics set
        # once, not by the first requests of the run.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
            cursor.execute("CHECKPOINT")
        print(f"seeded {args.wallets} wallets, {args.merchants} shops in {time.time() - t0:.0f}s")
    write_codes(out)
    connection.close()

    print(f"machine: {os.cpu_count()} CPUs, load average before: {os.getloadavg()}")
    broker = None
    if not args.no_broker:  # for gunicorn only: this process drains the notices itself
        broker, env["CELERY_BROKER_URL"] = start_redis(out)
    print("Celery broker:", env.get("CELERY_BROKER_URL") or "none (tasks inline)")
    try:
        proc = start_gunicorn(env, args.workers, args.threads, args.keep_alive)
    except BaseException:
        if broker is not None:
            stop(broker)
        raise
    try:
        # Warm-up: every worker meets (almost) every shop's token once, as a fleet of tills
        # in steady state would have it cached (core.services.tokens, 60 s).
        run_wrk(out, args.connections, args.warmup, f"warm{int(time.time())}")
        workers, backends = _server_pids(proc, server)
        hz = os.sysconf("SC_CLK_TCK")
        app0, db0 = _ticks(workers), _ticks(backends)
        wrk0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        wall0, cpu0 = time.monotonic(), _cpu_ticks()
        result = parse_wrk(run_wrk(out, args.connections, args.seconds, f"run{int(time.time())}"))
        wall, cpu1 = time.monotonic() - wall0, _cpu_ticks()
        wrk1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        app1, db1 = _ticks(workers), _ticks(backends)
        load = os.getloadavg()
    finally:
        stop(proc)
        if broker is not None:
            stop(broker)
    n = max(result["requests"], 1)
    app_ms, db_ms = 1000 * (app1 - app0) / hz / n, 1000 * (db1 - db0) / hz / n
    wrk_ms = 1000 * (wrk1.ru_utime + wrk1.ru_stime - wrk0.ru_utime - wrk0.ru_stime) / n
    ours = (app_ms + db_ms + wrk_ms) * n / 1000
    print(
        f"redeem: {result['rps']:.0f}/s, p50 {result['p50']:.1f} ms, p99 {result['p99']:.1f} ms,"
        f" {result['requests']} requests, {result['non_2xx']} non-2xx"
        f" (gunicorn {args.workers}x{args.threads}, wrk -c{args.connections}"
        f" -d{args.seconds}s); load average after: {load}"
    )
    print(
        f"CPU per redemption: gunicorn {app_ms:.2f} ms, PostgreSQL backends {db_ms:.2f} ms,"
        f" wrk {wrk_ms:.2f} ms; the bench used {ours:.1f} of the {os.cpu_count() * wall:.0f}"
        " CPU-seconds of the run (the rest: other processes, and idle)"
    )
    stolen = (cpu1[1] - cpu0[1]) / max(cpu1[0] - cpu0[0], 1)
    print(f"steal: the hypervisor took {100 * stolen:.0f}% of this machine's CPU time")
    call_command("ledger_check")
    time_notices(args.notices)
    if not args.skip_pgbench:
        tps = common.run_pgbench(server, PGBENCH_DB, 16, args.seconds)
        print(f"pgbench TPC-B: {tps:.0f} tps (-s 16 -c 16 -j 2 -T {args.seconds})")
        print(
            f"redeem / pgbench = {result['rps'] / tps:.2f} (the issue's 600/s is 0.25 x the"
            " 2,400 tps it measured)"
        )
    target = result["rps"] >= 600 and result["p99"] < 100
    print("target (>= 600/s, p99 < 100 ms):", "met" if target else "NOT met")


if __name__ == "__main__":
    main()

"""HTTP load on the catalogue's public search, next to pgbench select-only on the same server.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/marketplace.py
    # --reuse: keep the seeded database; --seconds, --connections, --workers;
    # --cache on|off (the page cache in a throwaway Redis, primed with every search first);
    # --miss-share 0.1 (that share of requests are searches the cache has never seen)

Needs wrk (apt-get install -y wrk) and pgbench. Creates (dropping it first) the database
`bc_bench_marketplace`: a network of 5 Comuni, 500 providers with published profiles, 10,000
published services (Italian titles and descriptions drawn from a vocabulary of the sector,
every area, type, target group, delivery and price kind; at-home ones serving 1 to 3 Comuni)
and 100,000 citizens; the search vectors are filled by the database's trigger as the rows
are inserted. Then VACUUM ANALYZE and CHECKPOINT. Starts gunicorn (2 sync workers) with the
redeem bench's helpers, warms up, runs wrk (`marketplace.lua`: a random URL of 2,000 search
pages mixing text, filters, sorting and pages, anonymous) for `--seconds` with
`--connections`; reports throughput, p50/p99, non-2xx, CPU per search of gunicorn, the
PostgreSQL backends and wrk, steal; then pgbench select-only (-S, -i -s 16, -c 16 -j 2)
for the ratio. Everything runs on this machine: the load generator shares the CPU.
"""

import argparse
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "bench"), str(ROOT / "bench" / "redeem")]
import common  # noqa: E402  (bench/common.py)
import run as redeem  # noqa: E402  (bench/redeem/run.py: gunicorn, wrk, CPU accounting)

BENCH_DB = "bc_bench_marketplace"
PGBENCH_DB = "bc_bench_marketplace_pgbench"
PORT = 8098
HERE = Path(__file__).resolve().parent

WORDS = (  # noqa: SIM905
    "assistenza domiciliare anziani bambini ragazzi famiglie genitori doposcuola compiti "
    "sostegno educativo educativa psicologico psicologica laboratorio lettura musica teatro "
    "trasporto accompagnamento infermieristica fisioterapia logopedia disabilità centro estivo "
    "invernale socializzazione ginnastica dolce pasti spesa compagnia notturna inglese "
    "matematica italiano stranieri mediazione culturale orientamento lavoro consulenza "
    "pedagogica nido infanzia autismo sportello ascolto gruppo incontri percorso colloqui "
    "terapia riabilitazione animazione gioco sport piscina memoria cura igiene domicilio"
).split()
STOP = ["per", "con", "e", "a", "di", "del", "della", "dei", "in", "al", "ai"]


SYLLABLES = ["ca", "ra", "to", "li", "ne", "mo", "sa", "ti", "vo", "re", "gi", "pe", "lu", "na"]


def filler(rng) -> list[str]:
    """3,000 made-up words of 3 to 4 syllables: the rest of a real description's vocabulary,
    so that a sector word matches a few hundred services, not most of them."""
    return sorted({"".join(rng.choices(SYLLABLES, k=rng.randint(3, 4))) for _ in range(3000)})


def sentence(rng, n: int, other=()) -> str:
    """`n` words: about one in five from the sector's vocabulary, the rest from `other`."""
    out = []
    for i in range(n):
        out.append(rng.choice(WORDS) if not other or rng.random() < 0.2 else rng.choice(other))
        if i % 3 == 2 and i < n - 1:
            out.append(rng.choice(STOP))
    return " ".join(out)


def seed(providers: int, services: int, citizens: int) -> list[str]:
    """The catalogue and the citizens; returns the Comuni's slugs."""
    from django.db import connection, transaction
    from django.utils import timezone
    from stdnum import luhn

    from benecomune.core.models import Municipality, Provider
    from benecomune.marketplace.models import (
        Delivery,
        PriceKind,
        ProviderProfile,
        Service,
        ServiceType,
        TargetGroup,
        UserArea,
    )

    rng = random.Random(15)
    other = filler(rng)
    now = timezone.now()
    network, town = common.bench_town()
    towns = [town] + [
        Municipality.objects.create(
            name=f"Comune bench {i}",
            slug=f"comune-bench-{i}",
            istat_code=f"99990{i}",
            network=network,
        )
        for i in range(1, 5)
    ]
    kinds = ["social_cooperative"] * 3 + ["association", "professional"]
    with transaction.atomic():
        rows = []
        for n in range(providers):  # multi-table inheritance: no bulk_create
            base = f"{n:07d}029"
            rows.append(
                Provider.objects.create(
                    name=f"{'Cooperativa' if n % 5 < 3 else 'Associazione'} {sentence(rng, 2)} {n}",
                    slug=f"fornitore-{n}",
                    provider_kind=kinds[n % len(kinds)],
                    vat_number=base + luhn.calc_check_digit(base),
                    network=network,
                    municipality=towns[n % len(towns)],
                    address=f"Via Roma {n}",
                )
            )
        ProviderProfile.objects_unscoped.bulk_create(
            ProviderProfile(
                provider=p,
                description=sentence(rng, 20),
                publication="published",
                sells_services=True,
            )
            for p in rows
        )
        areas, types = UserArea.values, ServiceType.values
        targets, deliveries = TargetGroup.values, Delivery.values
        made = []
        for start in range(0, services, 2000):
            batch = []
            for _ in range(min(2000, services - start)):
                kind = rng.choice([PriceKind.PRICED] * 8 + [PriceKind.FREE, PriceKind.ON_REQUEST])
                batch.append(
                    Service(
                        provider=rng.choice(rows),
                        title=sentence(rng, rng.randint(2, 4)).capitalize(),
                        description=sentence(rng, rng.randint(12, 30), other),
                        user_area=rng.choice(areas),
                        service_type=rng.choice(types),
                        target_groups=rng.sample(targets, rng.randint(1, 3)),
                        price_kind=kind,
                        price=rng.randint(5, 120) * 100 if kind == PriceKind.PRICED else None,
                        price_unit="hour" if kind == PriceKind.PRICED else "",
                        delivery=rng.choice(deliveries),
                        accepts_public=rng.random() < 0.5,
                        accepts_own=True,
                        status="published",
                        published_at=now,
                    )
                )
            made += Service.objects_unscoped.bulk_create(batch)
        through = Service.municipalities_served.through
        through.objects.bulk_create(
            through(service_id=s.pk, municipality_id=t.pk)
            for s in made
            if s.delivery == Delivery.AT_HOME
            for t in rng.sample(towns, rng.randint(1, 3))
        )
        common.people_of(town, citizens)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM marketplace_service WHERE search_vector IS NULL")
        assert cursor.fetchone()[0] == 0, "the trigger did not fill the search vectors"
        cursor.execute("VACUUM ANALYZE")
        cursor.execute("CHECKPOINT")
    return [t.slug for t in towns]


def search_urls(slugs: list[str], count: int) -> list[str]:
    """A mix of what people ask: text alone, text with a filter, filters alone, sorting,
    a second page."""
    from urllib.parse import urlencode

    from benecomune.marketplace.models import Delivery, ServiceType, TargetGroup, UserArea

    rng = random.Random(4)
    urls = []
    for _ in range(count):
        slug = rng.choice(slugs)
        q: dict = {}
        mix = rng.random()
        if mix < 0.30:
            q["q"] = " ".join(rng.sample(WORDS, rng.choice([1, 1, 2])))
        elif mix < 0.50:
            q["q"] = rng.choice(WORDS)
            q["area"] = rng.choice(UserArea.values)
        elif mix < 0.65:
            q["area"] = rng.choice(UserArea.values)
            q["tipo"] = rng.choice(ServiceType.values)
        elif mix < 0.75:
            q["q"] = rng.choice(WORDS)
            q["modalita"] = rng.choice(Delivery.values)
            q["prezzo_max"] = str(rng.randint(20, 80))
        elif mix < 0.85:
            q["comune"] = rng.choice(slugs)
            q["tipo"] = rng.choice(ServiceType.values)
            q["destinatari"] = rng.choice(TargetGroup.values)
        elif mix < 0.95:
            q["q"] = rng.choice(WORDS)
            q["ordina"] = rng.choice(["price", "-price", "newest", "name"])
        else:
            q["area"] = rng.choice(UserArea.values)
            q["page"] = "2"
        urls.append(f"/{slug}/servizi/cerca/?{urlencode(q)}")
    return urls


def run_wrk(out: Path, connections: int, seconds: int, miss_share: float = 0.0) -> str:
    return subprocess.run(
        [
            *("wrk", "-t", "2", "-c", str(connections), "-d", f"{seconds}s", "--latency"),
            *("-s", str(HERE / "marketplace.lua"), f"http://127.0.0.1:{PORT}"),
        ],
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, "BENCH_DIR": str(out), "MISS_SHARE": str(miss_share)},
    ).stdout


def prime(urls: list[str]) -> float:
    """Ask every search once (two at a time, as the two workers answer), so the page cache
    holds them all; returns the seconds it took."""
    import urllib.request
    from concurrent.futures import ThreadPoolExecutor

    def get(path):
        with urllib.request.urlopen(f"http://127.0.0.1:{PORT}{path}", timeout=30) as answer:
            answer.read()

    t0 = time.time()
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(get, urls))
    return time.time() - t0


def server_pids(gunicorn, url: str) -> tuple[list, list]:
    import psycopg

    workers = subprocess.run(
        ["pgrep", "-P", str(gunicorn.pid)], capture_output=True, text=True
    ).stdout.split()
    with psycopg.connect(common.with_db(url, "postgres")) as conn:
        backends = conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s"
            " AND backend_type = 'client backend'",
            [BENCH_DB],
        ).fetchall()
    return [int(p) for p in workers], [row[0] for row in backends]


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--providers", type=int, default=500)
    parser.add_argument("--services", type=int, default=10_000)
    parser.add_argument("--citizens", type=int, default=100_000)
    parser.add_argument("--reuse", action="store_true", help="keep the seeded database")
    parser.add_argument("--skip-pgbench", action="store_true")
    parser.add_argument(
        "--cache",
        choices=["on", "off"],
        default="on",
        help="on: the page cache in a throwaway Redis, primed with every search first",
    )
    parser.add_argument(
        "--miss-share",
        type=float,
        default=0.0,
        help="share of requests that are searches the cache has never seen (full render)",
    )
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is missing: install it with `apt-get install -y wrk` (Debian/Ubuntu).")
    server = os.environ.get("DATABASE_URL", "")
    if not server.startswith(("postgres://", "postgresql://")):
        sys.exit("Set DATABASE_URL to a PostgreSQL server (the bench creates its own database).")
    url = common.with_db(server, BENCH_DB)
    out = Path(tempfile.gettempdir()) / "bc_bench_marketplace"
    out.mkdir(exist_ok=True)
    secret = out / "secret"
    if not secret.exists():
        import secrets

        secret.write_text(secrets.token_urlsafe(50))
    env = redeem.bench_env(url, secret.read_text())
    redis = None
    if args.cache == "on":
        redis, cache_url = redeem.start_redis(out)
        env["CACHE_URL"] = cache_url
        env["PUBLIC_PAGE_CACHE_SECONDS"] = "3600"
    else:
        env["PUBLIC_PAGE_CACHE_SECONDS"] = "0"
    redeem.setup_django(env)
    from django.core.management import call_command
    from django.db import connection

    slugs_file = out / "slugs.txt"
    if not (args.reuse and slugs_file.exists()):
        common.recreate_database(server, BENCH_DB)
        call_command("migrate", verbosity=0)
        t0 = time.time()
        slugs = seed(args.providers, args.services, args.citizens)
        slugs_file.write_text("\n".join(slugs))
        print(
            f"seeded {args.providers} providers, {args.services} services, "
            f"{args.citizens} citizens in {time.time() - t0:.0f}s"
        )
    slugs = slugs_file.read_text().split()
    urls = search_urls(slugs, 2000)
    (out / "urls.txt").write_text("\n".join(urls) + "\n")
    connection.close()

    print(f"machine: {os.cpu_count()} CPUs, load average before: {os.getloadavg()}")
    redeem.PORT = PORT  # its start_gunicorn binds and polls this port
    proc = redeem.start_gunicorn(env, args.workers, 1)
    try:
        if args.cache == "on":
            print(f"primed the page cache with {len(urls)} searches in {prime(urls):.0f}s")
        run_wrk(out, args.connections, args.warmup, args.miss_share)
        workers, backends = server_pids(proc, server)
        hz = os.sysconf("SC_CLK_TCK")
        app0, db0 = redeem._ticks(workers), redeem._ticks(backends)
        wrk0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu0 = redeem._cpu_ticks()
        result = redeem.parse_wrk(run_wrk(out, args.connections, args.seconds, args.miss_share))
        cpu1 = redeem._cpu_ticks()
        wrk1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        app1, db1 = redeem._ticks(workers), redeem._ticks(backends)
        load = os.getloadavg()
    finally:
        redeem.stop(proc)
        if redis is not None:
            redis.kill()
    n = max(result["requests"], 1)
    app_ms, db_ms = 1000 * (app1 - app0) / hz / n, 1000 * (db1 - db0) / hz / n
    wrk_ms = 1000 * (wrk1.ru_utime + wrk1.ru_stime - wrk0.ru_utime - wrk0.ru_stime) / n
    print(
        f"search: {result['rps']:.0f}/s, p50 {result['p50']:.1f} ms, p99 {result['p99']:.1f} ms,"
        f" {result['requests']} requests, {result['non_2xx']} non-2xx"
        f" (gunicorn {args.workers} sync workers, wrk -c{args.connections} -d{args.seconds}s,"
        f" page cache {args.cache}, never-seen share {args.miss_share:.0%});"
        f" load average after: {load}"
    )
    print(
        f"CPU per search: gunicorn {app_ms:.2f} ms, PostgreSQL backends {db_ms:.2f} ms,"
        f" wrk {wrk_ms:.2f} ms"
    )
    stolen = (cpu1[1] - cpu0[1]) / max(cpu1[0] - cpu0[0], 1)
    print(f"steal: the hypervisor took {100 * stolen:.0f}% of this machine's CPU time")
    if not args.skip_pgbench:
        tps = common.run_pgbench(server, PGBENCH_DB, 16, args.seconds, select_only=True)
        print(
            f"pgbench select-only (-S -c 16 -j 2): {tps:.0f} tps; searches/tps = "
            f"{result['rps'] / tps:.4f}"
        )


if __name__ == "__main__":
    main()

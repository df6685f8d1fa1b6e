"""HTTP load of book-and-pay (two wallet legs) through the normal stack, next to pgbench TPC-B.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/bookings.py
    # --scale 0.01: a small smoke run; --reuse: keep the seeded database; --seconds,
    # --connections, --workers, --hot-share (share of requests aimed at a few hot slots)

Needs wrk (apt-get install -y wrk) and pgbench. Creates (dropping it first) the database
`bc_bench_bookings`, seeded in bulk (at --scale 1): a network with one Comune and one company,
200 accredited home-care providers (two operators each, Monday to Friday 8-18), 2,000 priced
services (30 euro) bookable over 90 days (hourly turns; one in four a group of 5 seats per
operator, the others one person per operator), 100,000 citizens each with a public voucher
(valid 60 days) and a company plan wallet (valid 200 days), 20,000 of them logged in (a
session and a CSRF cookie each). Then VACUUM ANALYZE and CHECKPOINT.

The load: gunicorn (2 sync workers) and wrk (`bookings.lua`, 16 connections) POST the
citizen's booking page (`/area-personale/prenotazioni/nuova/<service>/`) as the browser does
(session cookie, CSRF token, the form's key, the day and time, 20 euro from the voucher and
10 from the company credit): each booking takes a seat and authorises one payment intent with
two wallet holds, in one transaction. `--hot-share` of the requests go to the first turn of 10
hot services (most of them refused: "Il turno è appena stato completato"), the rest to a random
turn of a random service. A booking answers 302 (to the booking's page), a refusal 200 (the
page with the Italian message). `--route api`: the same bookings through the citizen's API
(`/api/v1/bookings/mine/`, the same `bookings.lua`: a citizen's token seeded beside each session,
an Idempotency-Key, JSON; the API's shorter middleware chain): a booking answers 200, a
refusal 400 (counted as non-2xx). After the run: no slot over capacity (the counters and their
recomputation, `check_seats`), `ledger_check` clean, bookings made and refused; then the slot
computation of one service over 90 days (`available_slots`, its queries included, and the pure
`compute_slots`), median and p95 of 30; then pgbench TPC-B (-i -s 16, -c 16 -j 2).
Everything runs on this machine: the load generator shares the CPU with the server.
"""

import argparse
import datetime
import os
import random
import resource
import secrets
import shutil
import statistics
import string
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "bench"), str(ROOT / "bench" / "redeem")]
import common  # noqa: E402  (bench/common.py)
import run as redeem  # noqa: E402  (bench/redeem/run.py: gunicorn, wrk, CPU accounting)

BENCH_DB = "bc_bench_bookings"
PGBENCH_DB = "bc_bench_bookings_pgbench"
PORT = 8099
HERE = Path(__file__).resolve().parent
PRICE = 3_000
PUBLIC_PART, COMPANY_PART = 2_000, 1_000
PER_WALLET = 20_000  # enough for ten bookings on each wallet
HOT_SERVICES = 10
START_HOUR, END_HOUR = 8, 18
CSRF_CHARS = string.ascii_letters + string.digits
API_PATH = "/api/v1/bookings/mine/"


def _sizes(scale: float) -> dict:
    providers = max(2, round(200 * scale))
    citizens = max(50, round(100_000 * scale))
    return {
        "providers": providers,
        "services": providers * 10,
        "citizens": citizens,
        "logged_in": max(20, min(citizens, round(20_000 * scale))),
    }


def _providers(network, town, count: int, today):
    from stdnum import luhn

    from benecomune.bookings.models import Resource, WorkingHours
    from benecomune.core.models import Provider
    from benecomune.marketplace.models import Accreditation, ProviderProfile

    rows = []
    for n in range(count):  # multi-table inheritance: no bulk_create
        base = f"{n:07d}029"
        rows.append(
            Provider.objects.create(
                name=f"Cooperativa assistenza {n}",
                slug=f"cooperativa-{n}",
                provider_kind="social_cooperative",
                category="home_care",
                vat_number=base + luhn.calc_check_digit(base),
                network=network,
                municipality=town,
                address=f"Via Roma {n}",
            )
        )
    ProviderProfile.objects_unscoped.bulk_create(
        ProviderProfile(
            provider=p, description="Assistenza", publication="published", sells_services=True
        )
        for p in rows
    )
    Accreditation.objects_unscoped.bulk_create(
        Accreditation(
            provider=p,
            network=network,
            area="family",
            status="accredited",
            valid_from=today - datetime.timedelta(days=1),
            valid_until=today + datetime.timedelta(days=365),
        )
        for p in rows
    )
    resources = Resource.objects_unscoped.bulk_create(
        Resource(provider=p, name=f"Operatore {k}", kind="person") for p in rows for k in (1, 2)
    )
    WorkingHours.objects_unscoped.bulk_create(
        WorkingHours(
            provider_id=r.provider_id,
            resource=r,
            weekday=day,
            starts_at=datetime.time(START_HOUR),
            ends_at=datetime.time(END_HOUR),
        )
        for r in resources
        for day in range(5)
    )
    by_provider = {}
    for r in resources:
        by_provider.setdefault(r.provider_id, []).append(r)
    return rows, by_provider


def _services(providers, resources, now):
    from benecomune.bookings.models import ServiceSchedule
    from benecomune.marketplace.models import Service, ServiceType, TargetGroup

    service_type, target = ServiceType.values[0], TargetGroup.values[0]
    services = Service.objects_unscoped.bulk_create(
        Service(
            provider=p,
            title=f"Assistenza domiciliare {p.pk}-{k}",
            description="Assistenza a domicilio per anziani e persone fragili",
            user_area="family",
            service_type=service_type,
            target_groups=[target],
            price_kind="priced",
            price=PRICE,
            price_unit="hour",
            delivery="in_person",
            accepts_public=True,
            accepts_company=True,
            accepts_own=True,
            art51_category="home_care",
            accreditation_area="family",
            status="published",
            published_at=now,
        )
        for p in providers
        for k in range(10)
    )
    schedules = ServiceSchedule.objects_unscoped.bulk_create(
        ServiceSchedule(
            service=s,
            provider_id=s.provider_id,
            duration_minutes=60,
            capacity=5 if n % 4 == 0 else 1,
            min_notice_hours=1,
            window_days=90,
            step_minutes=60,
        )
        for n, s in enumerate(services)
    )
    through = ServiceSchedule.resources.through
    through.objects.bulk_create(
        through(serviceschedule_id=sch.pk, resource_id=r.pk)
        for sch in schedules
        for r in resources[sch.provider_id]
    )
    return services


def _plan(company, actor):
    """The plan version the company wallets come from (corporate's own service)."""
    from benecomune.corporate.models import LegalBasis
    from benecomune.corporate.services import plans

    version = plans.create_plan(
        actor,
        company,
        name="Welfare bench",
        starts_on=datetime.date.today().replace(month=1, day=1),
        origin="company_contract",
    )
    # Approved, with art. 51 c.2 lett. f delivered through the platform: what pays for the
    # providers' home care (the plan's spending policy reads these rules).
    plans.add_group(actor, version, name="Tutti", credit=PER_WALLET)
    basis = LegalBasis.objects.get(code="art51_c2_f")
    plans.set_rule(actor, version, legal_basis=basis, delivery="platform")
    plans.submit(actor, version)
    return plans.approve(actor, version)


def _logged_in(people) -> list[tuple[str, str, str]]:
    """Users, sessions and citizens' tokens for `people`: (session key, CSRF secret, clear
    token) each."""
    from django.contrib.auth.hashers import make_password
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    from benecomune.core.models import User

    password = make_password("bench-password")
    users = User.objects.bulk_create(
        User(email=f"bench{p.pk}@example.org", person=p, password=password, is_active=True)
        for p in people
    )
    auth_hash = users[0].get_session_auth_hash()  # the same password: the same hash
    store = SessionStore()
    expires = timezone.now() + datetime.timedelta(hours=8)
    rng = random.Random(7)
    pairs, rows = [], []
    for user in users:
        key = uuid.uuid4().hex
        rows.append(
            Session(
                session_key=key,
                session_data=store.encode(
                    {
                        "_auth_user_id": str(user.pk),
                        "_auth_user_backend": "benecomune.core.auth.EmailBackend",
                        "_auth_user_hash": auth_hash,
                    }
                ),
                expire_date=expires,
            )
        )
        pairs.append((key, "".join(rng.choices(CSRF_CHARS, k=32))))
    Session.objects.bulk_create(rows, batch_size=5000)
    tokens = _citizen_tokens(users)
    return [(key, csrf, token) for (key, csrf), token in zip(pairs, tokens, strict=True)]


def _citizen_tokens(users) -> list[str]:
    """A citizen's token (for `--route api`) for each of `users`, in bulk: the clear values."""
    from benecomune.core.models import CitizenToken
    from benecomune.core.models.tokens import (
        CITIZEN_TOKEN_MARK,
        TOKEN_PREFIX_LENGTH,
        hash_token,
        new_clear_token,
    )

    clears = [new_clear_token(CITIZEN_TOKEN_MARK) for _user in users]
    CitizenToken.objects.bulk_create(
        (
            CitizenToken(
                user=user,
                name="bench",
                prefix=clear[: TOKEN_PREFIX_LENGTH + 4],
                key_hash=hash_token(clear),
            )
            for user, clear in zip(users, clears, strict=True)
        ),
        batch_size=5000,
    )
    return clears


def seed(scale: float, out: Path) -> None:
    """The providers, services, citizens, wallets, sessions and tokens; writes `bookers.txt`
    (one line per logged-in citizen: person, session, CSRF secret, voucher, company wallet,
    citizen's token) and
    `services.txt` (service ids, hot first)."""
    from django.db import connection, transaction
    from django.utils import timezone

    from benecomune.core.actors import Actor
    from benecomune.core.models import Company

    sizes = _sizes(scale)
    now = timezone.now()
    today = timezone.localdate()
    actor = Actor.system_actor("bench.bookings")
    network, town = common.bench_town()
    company = Company.objects.create(
        name="Azienda bench", slug="azienda-bench", vat_number="04467890283", network=network
    )
    version = _plan(company, actor)
    with transaction.atomic():
        providers, resources = _providers(network, town, sizes["providers"], today)
        services = _services(providers, resources, now)
        people = common.people_of(town, sizes["citizens"])
    with transaction.atomic():
        public_fund = common.funded_fund(actor, town, PER_WALLET * len(people))
        public = common.awarded_wallets(
            town, public_fund, people, PER_WALLET, now, valid_until=today + datetime.timedelta(60)
        )
    with transaction.atomic():
        company_fund = common.funded_fund(actor, company, PER_WALLET * len(people))
        corporate = common.awarded_wallets(
            company,
            company_fund,
            people,
            PER_WALLET,
            now,
            source_kind="company_plan",
            source_type="corporate.planversion",
            source_id=str(version.pk),
            allowed_categories=["education", "home_care", "pharmacy", "tutoring"],
            valid_until=today + datetime.timedelta(200),
        )
    with transaction.atomic():
        bookers = people[: sizes["logged_in"]]
        sessions = _logged_in(bookers)
    lines = [
        f"{p.pk} {key} {csrf} {w1.pk} {w2.pk} {token}"
        for p, (key, csrf, token), w1, w2 in zip(bookers, sessions, public, corporate, strict=False)
    ]
    (out / "bookers.txt").write_text("\n".join(lines) + "\n")
    (out / "services.txt").write_text("\n".join(str(s.pk) for s in services) + "\n")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
        cursor.execute("CHECKPOINT")
    print(
        f"seeded {sizes['providers']} providers, {len(services)} services, "
        f"{len(people)} citizens with two wallets each, {len(bookers)} logged in"
    )


def turns(days: int = 90) -> list[tuple[str, str]]:
    """(day, time) of every hourly turn Monday to Friday from the day after tomorrow."""
    today = datetime.date.today()
    out = []
    for n in range(2, days):
        day = today + datetime.timedelta(days=n)
        if day.weekday() < 5:
            out += [(day.isoformat(), f"{h:02d}:00") for h in range(START_HOUR, END_HOUR)]
    return out


def write_requests(
    out: Path, count: int, hot_share: float, route: str = "page", seed: int = 16
) -> None:
    """`requests.txt`: `count` book-and-pay requests, each with its own key (a line read twice
    is a replay: the first booking). `page`: path, cookie and form body of the booking page's
    POST; `api`: path, bearer token, Idempotency-Key and JSON body of the citizen's API call."""
    import json
    from urllib.parse import urlencode

    rng = random.Random(seed)
    bookers = [line.split() for line in (out / "bookers.txt").read_text().split("\n") if line]
    services = (out / "services.txt").read_text().split()
    hot = services[:: max(1, len(services) // HOT_SERVICES)][:HOT_SERVICES]
    all_turns = turns()
    hot_turn = all_turns[0]
    lines = []
    for n in range(count):
        person, session, csrf, public, corporate, token = bookers[n % len(bookers)]
        if rng.random() < hot_share:
            service, (day, hour) = rng.choice(hot), hot_turn
        else:
            service, (day, hour) = rng.choice(services), rng.choice(all_turns)
        key = uuid.UUID(int=rng.getrandbits(128)).hex
        if route == "api":
            body = json.dumps(
                {
                    "service": int(service),
                    "date": day,
                    "time": hour,
                    "wallets": {public: PUBLIC_PART, corporate: COMPANY_PART},
                },
                separators=(",", ":"),
            )
            lines.append(f"{API_PATH}\t{token}\t{key}\t{body}")
            continue
        body = urlencode(
            {
                "csrfmiddlewaretoken": csrf,
                "key": key,
                "giorno": day,
                "ora": hour,
                "chi-person": person,
                f"wallet_{public}": "20,00",
                f"wallet_{corporate}": "10,00",
                "own_amount": "0,00",
            }
        )
        path = f"/area-personale/prenotazioni/nuova/{service}/"
        lines.append(f"{path}\tsessionid={session}; csrftoken={csrf}\t{body}")
    (out / "requests.txt").write_text("\n".join(lines) + "\n")


def run_wrk(out: Path, connections: int, seconds: int) -> str:
    return subprocess.run(
        [
            *("wrk", "-t", "2", "-c", str(connections), "-d", f"{seconds}s", "--latency"),
            *("--timeout", "10s"),
            *("-s", str(HERE / "bookings.lua"), f"http://127.0.0.1:{PORT}"),
        ],
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, "BENCH_DIR": str(out)},
    ).stdout


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


def after_checks() -> dict:
    """Capacity and ledger after the load; what was made."""
    from django.core.management import call_command
    from django.db.models import F, Sum

    from benecomune.bookings.models import Booking, Order, SlotSeats
    from benecomune.bookings.services import booking_seats
    from benecomune.core.scoping import all_tenants

    with all_tenants():
        over = SlotSeats.objects_unscoped.filter(taken__gt=F("capacity")).count()
        problems = booking_seats.check_seats()
        taken = SlotSeats.objects_unscoped.aggregate(n=Sum("taken"))["n"] or 0
        full = SlotSeats.objects_unscoped.filter(taken=F("capacity")).count()
        made = Booking.objects_unscoped.count()
        orders = Order.objects_unscoped.count()
    ledger = "clean"
    try:
        call_command("ledger_check", stdout=open(os.devnull, "w"))  # noqa: SIM115
    except SystemExit as exc:  # the command exits non-zero on a problem
        ledger = f"FAILED ({exc})"
    except Exception as exc:
        ledger = f"FAILED ({exc.__class__.__name__}: {exc})"
    return {
        "over_capacity": over,
        "seat_problems": len(problems),
        "seats_taken": taken,
        "full_slots": full,
        "bookings": made,
        "orders": orders,
        "ledger": ledger,
    }


def time_slots(out: Path, rounds: int = 30) -> tuple[float, float, float, int]:
    """One hot service over its 90 days: available_slots (queries + computation) and the pure
    compute_slots; (median ms, p95 ms, pure median ms, slots)."""
    from django.utils import timezone

    from benecomune.bookings.models import ServiceSchedule
    from benecomune.bookings.services import agenda_reads
    from benecomune.bookings.services.booking_seats import occupied_of
    from benecomune.bookings.slots import compute_slots
    from benecomune.core.scoping import all_tenants

    service_id = int((out / "services.txt").read_text().split()[0])
    with all_tenants():
        schedule = ServiceSchedule.objects_unscoped.get(service_id=service_id)
        first, last = agenda_reads.bookable_range(schedule)
        full, pure = [], []
        count = 0
        for _ in range(rounds):
            t0 = time.perf_counter()
            count = len(agenda_reads.available_slots(schedule, first, last))
            full.append((time.perf_counter() - t0) * 1000)
        rules = agenda_reads.rules_of(schedule)
        agendas = agenda_reads.agendas_of(schedule, first, last)
        occupied = occupied_of(schedule, first, last)
        now = timezone.now()
        for _ in range(rounds):
            t0 = time.perf_counter()
            compute_slots(rules, agendas, first, last, now, occupied)
            pure.append((time.perf_counter() - t0) * 1000)
    full.sort()
    p95 = full[int(0.95 * (len(full) - 1))]
    return statistics.median(full), p95, statistics.median(pure), count


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scale", type=float, default=1.0, help="1: the issue's sizes")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--hot-share", type=float, default=0.2)
    parser.add_argument("--reuse", action="store_true", help="keep the seeded database")
    parser.add_argument("--skip-pgbench", action="store_true")
    parser.add_argument(
        "--seed",
        type=int,
        default=16,
        help="the requests' random seed: give each --reuse run its own, or its keys replay",
    )
    parser.add_argument(
        "--route",
        choices=("page", "api"),
        default="page",
        help="page: the booking page's POST (session, CSRF); api: the citizen's API call",
    )
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is missing: install it with `apt-get install -y wrk` (Debian/Ubuntu).")
    server = os.environ.get("DATABASE_URL", "")
    if not server.startswith(("postgres://", "postgresql://")):
        sys.exit("Set DATABASE_URL to a PostgreSQL server (the bench creates its own database).")
    url = common.with_db(server, BENCH_DB)
    out = Path(tempfile.gettempdir()) / "bc_bench_bookings"
    out.mkdir(exist_ok=True)
    secret = out / "secret"
    if not secret.exists():
        secret.write_text(secrets.token_urlsafe(50))
    env = redeem.bench_env(url, secret.read_text())
    env["CSRF_COOKIE_SECURE"] = env["SESSION_COOKIE_SECURE"] = "0"
    redeem.setup_django(env)
    from django.core.management import call_command
    from django.db import connection

    if not (args.reuse and (out / "bookers.txt").exists()):
        common.recreate_database(server, BENCH_DB)
        call_command("migrate", verbosity=0)
        t0 = time.time()
        seed(args.scale, out)
        print(f"seeding took {time.time() - t0:.0f}s")
    # Enough distinct requests for the run at 600/s; beyond, lines repeat (replays).
    write_requests(out, 600 * (args.seconds + args.warmup), args.hot_share, args.route, args.seed)
    connection.close()

    print(f"machine: {os.cpu_count()} CPUs, load average before: {os.getloadavg()}")
    redeem.PORT = PORT  # its start_gunicorn binds and polls this port
    proc = redeem.start_gunicorn(env, args.workers, 1)
    try:
        run_wrk(out, args.connections, args.warmup)
        workers, backends = server_pids(proc, server)
        hz = os.sysconf("SC_CLK_TCK")
        app0, db0 = redeem._ticks(workers), redeem._ticks(backends)
        wrk0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu0 = redeem._cpu_ticks()
        answer = run_wrk(out, args.connections, args.seconds)
        result = redeem.parse_wrk(answer)
        cpu1 = redeem._cpu_ticks()
        wrk1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        app1, db1 = redeem._ticks(workers), redeem._ticks(backends)
        load = os.getloadavg()
    finally:
        redeem.stop(proc)
    if not result["requests"]:
        print(answer)
    n = max(result["requests"], 1)
    app_ms, db_ms = 1000 * (app1 - app0) / hz / n, 1000 * (db1 - db0) / hz / n
    wrk_ms = 1000 * (wrk1.ru_utime + wrk1.ru_stime - wrk0.ru_utime - wrk0.ru_stime) / n
    print(
        f"book-and-pay ({args.route}): {result['rps']:.0f} requests/s, p50 {result['p50']:.1f} ms,"
        f" p99 {result['p99']:.1f} ms, {result['requests']} requests, {result['non_2xx']} non-2xx"
        f" (gunicorn {args.workers} sync workers, wrk -c{args.connections} -d{args.seconds}s,"
        f" hot share {args.hot_share:.0%}); load average after: {load}"
    )
    print(
        f"CPU per request: gunicorn {app_ms:.2f} ms, PostgreSQL backends {db_ms:.2f} ms,"
        f" wrk {wrk_ms:.2f} ms"
    )
    stolen = (cpu1[1] - cpu0[1]) / max(cpu1[0] - cpu0[0], 1)
    print(f"steal: the hypervisor took {100 * stolen:.0f}% of this machine's CPU time")
    checks = after_checks()
    print(
        f"after (warm-up included): {checks['bookings']} bookings, {checks['orders']} orders,"
        f" {checks['seats_taken']} seats taken, {checks['full_slots']} full slots;"
        f" over capacity: {checks['over_capacity']}, seat counters off: {checks['seat_problems']},"
        f" ledger_check: {checks['ledger']}"
    )
    median, p95, pure, count = time_slots(out)
    print(
        f"slots of one service over 90 days ({count} slots): available_slots median"
        f" {median:.1f} ms, p95 {p95:.1f} ms; compute_slots alone median {pure:.1f} ms"
    )
    if not args.skip_pgbench:
        tps = common.run_pgbench(server, PGBENCH_DB, 16, args.seconds)
        ratio = result["rps"] / tps
        print(f"pgbench TPC-B (-c 16 -j 2): {tps:.0f} tps; requests/tps = {ratio:.4f}")
    if checks["over_capacity"] or checks["seat_problems"] or checks["ledger"] != "clean":
        sys.exit("capacity or ledger check FAILED")


if __name__ == "__main__":
    main()

"""Rank and award a call's applications, at scale, on SQLite and PostgreSQL.

    .venv/bin/python bench/calls.py --db sqlite --counts 10000,100000
    .venv/bin/python bench/calls.py --db postgres --counts 10000,100000 \
        --pg-url postgres://postgres@127.0.0.1:5432/postgres

For each count it builds a fresh database (SQLite file under /tmp, or PostgreSQL database
`benecomune_bench_calls`), migrates it and bulk-seeds one Comune, a fund, a published voucher
call and `count` admitted applications with random scores (not timed). Then a fresh process
runs what the ranking page runs, through the real services: provisional ranking, final
ranking, award (a wallet and a ledger transfer per funded application, audit events and
in-app messages), and reports the time of each phase and the process's peak memory (maximum
resident set size, which includes Django itself: the baseline after start-up is printed too).
The budget funds about 80% of the applications.
"""

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import common  # bench/common.py, next to this script

ROOT = Path(__file__).resolve().parent.parent
PG_DB = "benecomune_bench_calls"
AMOUNT = 15_000


def setup_django(url: str) -> None:
    common.setup_django(
        url, BENECOMUNE_VAR_DIR=str(Path(tempfile.gettempdir()) / "benecomune-bench-var")
    )


def database_url(kind: str, pg_url: str) -> str:
    if kind == "sqlite":
        path = Path(tempfile.gettempdir()) / "benecomune_bench_calls.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return f"sqlite:///{path}"
    common.recreate_database(pg_url, PG_DB)
    return common.with_db(pg_url, PG_DB)


def seed(count: int) -> int:
    import datetime

    from django.core.management import call_command
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    from benecomune.calls import rules as engine
    from benecomune.calls.models import Application, Call
    from benecomune.calls.services import definition
    from benecomune.core.actors import Actor
    from benecomune.core.models import Municipality, Network, Person
    from benecomune.core.scoping import all_tenants
    from benecomune.ledger.services.funds import add_contribution, create_fund

    actor = Actor.system_actor("bench")
    rng = random.Random(7)
    now = timezone.now()
    with all_tenants():
        network = Network.objects.create(name="Rete bench", slug="rete-bench")
        comune = Municipality.objects.create(
            name="Comune bench", slug="comune-bench", istat_code="028999", network=network
        )
        fund = create_fund(actor, organization=comune, name="Fondo bench", origin="municipal")
        budget = AMOUNT * count * 8 // 10
        add_contribution(actor, fund, contributor="Comune", amount=budget)
        call = definition.create_call(
            actor,
            organization=comune,
            code="bench",
            title="Buoni spesa (benchmark)",
            benefit_type="voucher",
            fund=fund,
            budget=budget,
            rules={"amount": {"kind": "fixed", "base": AMOUNT}},
            opens_at=now - datetime.timedelta(days=1),
            closes_at=now + datetime.timedelta(days=1),
            spend_until=now.date() + datetime.timedelta(days=365),
            allowed_categories=["grocery"],
        )
        definition.publish_call(actor, call)
        chunk = 5000
        for start in range(0, count, chunk):
            size = min(chunk, count - start)
            people = Person.objects_unscoped.bulk_create(
                [
                    Person(
                        fiscal_code=f"BNCPRS{start + i:010d}",
                        first_name="Persona",
                        last_name=f"N{start + i}",
                        birth_date=datetime.date(1970, 1, 1),
                        sex="F",
                        birthplace_code="G224",
                        residence=comune,
                    )
                    for i in range(size)
                ]
            )
            apps = []
            for i, person in enumerate(people):
                score = rng.randrange(0, 60) * 100
                ties = (rng.randrange(0, 2_000_000),)
                apps.append(
                    Application(
                        organization=comune,
                        call=call,
                        applicant=person,
                        status="admitted",
                        protocol=f"BENCH-{start + i + 1:07d}",
                        isee_value=ties[0],
                        eligible=True,
                        amount=AMOUNT,
                        score=score,
                        tie_values=list(ties),
                        rank_key=engine.rank_key(score, ties),
                        submitted_at=now,
                    )
                )
            Application.objects_unscoped.bulk_create(apps)
        definition.close_call(actor, Call.objects_unscoped.get(pk=call.pk), reason="bench")
    return call.pk


def run(call_id: int) -> dict:
    from benecomune.calls.models import Call, RankingKind
    from benecomune.calls.services.award import award_call
    from benecomune.calls.services.ranking import build_ranking
    from benecomune.core.actors import Actor
    from benecomune.core.scoping import all_tenants
    from benecomune.ledger.services.invariants import check_invariants

    actor = Actor.system_actor("bench")
    if os.environ.get("BENCH_PROFILE"):
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
        import atexit

        atexit.register(lambda: profiler.dump_stats(os.environ["BENCH_PROFILE"]))
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    result = {"baseline_mb": round(baseline / 1024, 1)}
    with all_tenants():
        call = Call.objects_unscoped.get(pk=call_id)
        started = time.perf_counter()
        build_ranking(actor, call, RankingKind.PROVISIONAL)
        result["provisional_s"] = round(time.perf_counter() - started, 2)
        mark = time.perf_counter()
        ranking = build_ranking(actor, call, RankingKind.FINAL, reason="bench")
        result["final_s"] = round(time.perf_counter() - mark, 2)
        mark = time.perf_counter()
        summary = award_call(actor, call)
        result["award_s"] = round(time.perf_counter() - mark, 2)
        result["total_s"] = round(time.perf_counter() - started, 2)
        result["funded"] = ranking.funded_count
        result["awards"] = summary["awards"]
    result["peak_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    problems = check_invariants()
    result["ledger_ok"] = not problems
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--counts", default="10000,100000")
    parser.add_argument(
        "--pg-url", default=os.environ.get("PG_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    )
    parser.add_argument("--phase", choices=["all", "seed", "run"], default="all")
    parser.add_argument("--url")
    parser.add_argument("--call", type=int)
    args = parser.parse_args()
    if args.phase == "seed":
        setup_django(args.url)
        print(json.dumps({"call": seed(int(args.counts))}))
        return
    if args.phase == "run":
        setup_django(args.url)
        print(json.dumps(run(args.call)))
        return
    for count in [int(c) for c in args.counts.split(",")]:
        url = database_url(args.db, args.pg_url)
        me = [sys.executable, __file__]
        out = subprocess.run(
            [*me, "--phase", "seed", "--url", url, "--counts", str(count)],
            check=True,
            capture_output=True,
            text=True,
        )
        call_id = json.loads(out.stdout.strip().splitlines()[-1])["call"]
        out = subprocess.run(
            [*me, "--phase", "run", "--url", url, "--call", str(call_id)],
            check=True,
            capture_output=True,
            text=True,
        )
        result = json.loads(out.stdout.strip().splitlines()[-1])
        print(json.dumps({"db": args.db, "applications": count, **result}), flush=True)


if __name__ == "__main__":
    main()

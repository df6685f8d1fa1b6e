"""Ledger throughput on PostgreSQL, next to pgbench's TPC-B on the same server.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/benecomune \
        .venv/bin/python bench/ledger.py --workers 16 --seconds 20

Creates (and drops at the start) the databases `benecomune_bench` and `benecomune_pgbench`,
seeds 10k wallets and 1k merchants, then runs `--workers` processes paying through the real
service (`wallets.pay_from_wallet`:
idempotency key, payer row lock, two entries, pending credit, audit
event, spending rules) for `--seconds`, first spread over every merchant, then all to one
hot merchant (`--modes` picks and orders them). Workers load their data and draw their random
payments before a barrier releases them together, so only the payments are timed. Finally it
runs pgbench (-i -s 16; -c workers -j 2 -T seconds) and prints ratios.
"""

import argparse
import itertools
import multiprocessing
import os
import random
import sys
import time
import uuid
from pathlib import Path

import common  # bench/common.py, next to this script
from common import recreate_database, with_db

ROOT = Path(__file__).resolve().parent.parent
BENCH_DB = "benecomune_bench"
PGBENCH_DB = "benecomune_pgbench"


def setup_django(url: str) -> None:
    common.setup_django(url, CONN_MAX_AGE="600")


def seed(wallet_count: int, merchant_count: int, per_wallet: int) -> None:
    """Bulk seeding, kept consistent with the ledger's invariants (checked at the end)."""
    from django.db import connection, transaction
    from django.utils import timezone

    from benecomune.core.actors import Actor
    from benecomune.core.models import Provider
    from benecomune.ledger.services import wallets

    actor = Actor.system_actor("bench")
    network, town = common.bench_town()
    for n in range(merchant_count):
        provider = Provider.objects.create(
            name=f"Esercente {n}",
            slug=f"esercente-{n}",
            provider_kind="shop",
            category="grocery",
            vat_number=f"{n:011d}",
            network=network,
            municipality=town,
        )
        wallets.merchant_account(provider)
    fund = common.funded_fund(actor, town, wallet_count * per_wallet)
    people = common.people_of(town, wallet_count)
    now = timezone.now()
    with transaction.atomic():
        common.awarded_wallets(town, fund, people, per_wallet, now)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def worker(url, mode, seconds, seed_value, ready, results) -> None:
    """Load the data, wait for every worker at the barrier, then pay for `seconds`."""
    setup_django(url)
    from benecomune.core.actors import Actor
    from benecomune.core.models import Provider
    from benecomune.ledger.exceptions import LedgerError
    from benecomune.ledger.models import Account, AccountKind, Wallet
    from benecomune.ledger.services import wallets

    rng = random.Random(seed_value)
    actor = Actor.system_actor("bench")
    wallet_list = list(
        Wallet.objects_unscoped.select_related("account").prefetch_related(
            "territory_municipalities"
        )
    )
    providers = {p.pk: p for p in Provider.objects.select_related("municipality")}
    merchants = [
        (providers[a.organization_id], a)
        for a in Account.objects_unscoped.filter(kind=AccountKind.MERCHANT).order_by("pk")
    ]
    # Everything random is drawn before the clock starts: the loop measures the service.
    plan = [
        (
            rng.choice(wallet_list),
            merchants[0] if mode == "hot" else rng.choice(merchants),
            rng.randint(100, 500),
        )
        for _ in range(50_000)
    ]
    prefix = f"{uuid.uuid4().hex}-"
    pay = wallets.pay_from_wallet
    ready.wait()  # all workers loaded: start together (loading is not measured)
    done = failed = 0
    deadline = time.monotonic() + seconds
    for n in itertools.count():
        if time.monotonic() >= deadline:
            break
        wallet, (provider, account), amount = plan[n % len(plan)]
        try:
            pay(
                actor,
                wallet=wallet,
                merchant=provider,
                merchant_account_=account,
                amount=amount,
                idempotency_key=f"{prefix}{n}",
            )
            done += 1
        except LedgerError:
            failed += 1
    results.put((done, failed))


def run_mode(url, mode, workers, seconds) -> float:
    ctx = multiprocessing.get_context("spawn")
    ready = ctx.Barrier(workers + 1)
    results = ctx.Queue()
    procs = [
        ctx.Process(target=worker, args=(url, mode, seconds, n, ready, results))
        for n in range(workers)
    ]
    for proc in procs:
        proc.start()
    ready.wait(timeout=600)
    collected = [results.get(timeout=seconds + 600) for _ in procs]
    for proc in procs:
        proc.join()
    done = sum(r[0] for r in collected)
    failed = sum(r[1] for r in collected)
    tps = done / seconds
    print(f"ledger {mode:6}: {done} transfers in {seconds}s = {tps:.0f}/s ({failed} refused)")
    return tps


def run_pgbench(url, workers, seconds) -> float:
    tps = common.run_pgbench(url, PGBENCH_DB, workers, seconds)
    print(f"pgbench TPC-B: {tps:.0f} tps (-s 16 -c {workers} -j 2 -T {seconds})")
    return tps


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--workers", type=int, default=16)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--wallets", type=int, default=10_000)
    parser.add_argument("--merchants", type=int, default=1_000)
    parser.add_argument("--skip-pgbench", action="store_true")
    parser.add_argument(
        "--modes", default="spread,hot", help="comma-separated, in order: spread, hot"
    )
    args = parser.parse_args()
    server = os.environ.get("DATABASE_URL", "")
    if not server.startswith(("postgres://", "postgresql://")):
        sys.exit("Set DATABASE_URL to a PostgreSQL server (the bench creates its own database).")
    url = with_db(server, BENCH_DB)
    recreate_database(server, BENCH_DB)
    setup_django(url)
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    t0 = time.time()
    seed(args.wallets, args.merchants, per_wallet=1_000_000)
    print(f"seeded {args.wallets} wallets, {args.merchants} merchants in {time.time() - t0:.0f}s")
    connection.close()
    tps = {}
    for mode in args.modes.split(","):
        tps[mode] = run_mode(url, mode, args.workers, args.seconds)
    call_command("ledger_check")
    if not args.skip_pgbench:
        pg = run_pgbench(server, args.workers, args.seconds)
        for mode, target in (("spread", 0.5), ("hot", 0.3)):
            if mode in tps:
                print(f"ratio {mode}/pgbench = {tps[mode] / pg:.2f} (target >= {target})")


if __name__ == "__main__":
    main()

"""Payout batch + SEPA pain.001 for 100k payouts on PostgreSQL: time and peak memory.

    .venv/bin/python bench/payouts.py [--sizes 10000,50000,100000] [--url postgres://...]

Creates (drops first) the database `bc_bench_payouts`, migrates it, and for each size seeds
one Comune with that many payable orders to citizens (each with its own REIMBURSEMENT transfer
in the ledger, bulk-inserted so the books stay sound; `ledger_check` runs at the end). Then,
for each size, a fresh Python process does exactly what the background job does: prepare the
batch, gather the orders in chunks (one transaction each), write pain.001.001.09 and .03 as a
stream and validate both against the official XSD, and mark the batch ready; then the second
person's approval (the single funding transfer). It reports wall time per phase and the peak
resident memory of that process (ru_maxrss). Targets: <= 30 s and <= 300 MB at 100k, flat.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import common  # bench/common.py, next to this script
from common import with_db

ROOT = Path(__file__).resolve().parent.parent
BENCH_DB = "bc_bench_payouts"
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/postgres"


def recreate_database(url: str) -> None:
    common.recreate_database(url, BENCH_DB)


def setup_django(url: str) -> None:
    common.setup_django(url, MEDIA_ROOT="/tmp/bc-bench-payouts-media")  # noqa: S108


def seed(size: int) -> int:
    """One Comune with `size` payable orders. Returns the Comune's id."""
    from django.db import transaction
    from django.db.models import F
    from django.utils import timezone
    from schwifty import IBAN

    from benecomune.core.actors import Actor
    from benecomune.core.models import Municipality, Network, Person
    from benecomune.ledger.models import Account, BalanceDelta, Transfer
    from benecomune.payouts.models import PayoutOrder
    from benecomune.payouts.services.accounts import payer_setup, update_settings

    actor = Actor.system_actor("bench")
    network, _created = Network.objects.get_or_create(name="Rete bench", slug="rete-bench")
    town = Municipality.objects.create(
        name=f"Comune bench {size}",
        slug=f"comune-bench-{size}",
        istat_code=f"{900000 + size % 99999:06d}",
        network=network,
    )
    update_settings(
        actor,
        town,
        debtor_name="Piattaforma Bene Comune",
        debtor_iban="IT60X0542811101000000123456",
    )
    setup = payer_setup(town)
    amount = 12_345
    fund = common.funded_fund(actor, town, size * amount)
    now = timezone.now()
    ibans = [
        str(IBAN.generate("IT", bank_code="0306909606", account_code=f"{n:012d}"))
        for n in range(size)
    ]
    chunk = 5_000
    for start in range(0, size, chunk):
        numbers = range(start, min(start + chunk, size))
        with transaction.atomic():
            people = Person.objects_unscoped.bulk_create(
                Person(
                    fiscal_code=f"BN{size // 1000:04d}{n:010d}",
                    first_name="Beneficiario",
                    last_name=f"N. {n}",
                    birth_date="1980-01-01",
                    sex="F",
                    birthplace_code="G224",
                    residence=town,
                    iban=ibans[n],
                    iban_holder=f"Beneficiario N. {n}",
                )
                for n in numbers
            )
            moved = Transfer.objects_unscoped.bulk_create(
                Transfer(
                    idempotency_key=f"bench-{size}-{n}",
                    kind="reimbursement",
                    debit_account=fund.account,
                    credit_account=setup.payable_account,
                    amount=amount,
                    created_at=now,
                )
                for n in numbers
            )
            common.entries_of(moved, amount, now)
            Account.objects_unscoped.filter(pk=fund.account_id).update(
                balance=F("balance") - amount * len(moved)
            )
            BalanceDelta.objects.create(
                account_id=setup.payable_account_id, amount=amount * len(moved)
            )
            PayoutOrder.objects_unscoped.bulk_create(
                PayoutOrder(
                    organization=town,
                    beneficiary_kind="person",
                    person=p,
                    beneficiary_name=f"{p.first_name} {p.last_name}",
                    iban=p.iban,
                    holder=p.iban_holder,
                    amount=amount,
                    remittance=f"Rimborso spese centro estivo 2026 - richiesta n. {n}",
                    source_type="bench.claim",
                    source_id=str(n),
                    source_transfer=t,
                    fund=fund,
                )
                for n, p, t in zip(numbers, people, moved, strict=True)
            )
    return town.pk


def measure(town_id: int) -> dict:
    """In a fresh process: the batch, timed phase by phase, and the peak memory."""
    from benecomune.core.actors import Actor
    from benecomune.core.models import Organization
    from benecomune.core.scoping import all_tenants
    from benecomune.payouts.services import batches

    actor = Actor.system_actor("bench")
    town = Organization.objects.get(pk=town_id)
    phases = {}

    def progress(done, total, message=""):
        if message and message not in phases:
            phases[message] = time.perf_counter()

    start = time.perf_counter()
    with all_tenants():
        batch = batches.prepare_batch(actor, town, start=False)
        prepared = time.perf_counter()
        batch = batches.generate_batch(batch.pk, progress=progress)
        generated = time.perf_counter()
        # The approval is a second person's; the bench's system actor stands in for them.
        batches.approve_batch(actor, batch)
        approved = time.perf_counter()
    writing = phases.get("Scrittura e verifica dei file per la banca", generated)
    return {
        "items": batch.item_count,
        "total_cents": batch.total,
        "prepare_s": round(prepared - start, 2),
        "gather_s": round(writing - prepared, 2),
        "files_s": round(generated - writing, 2),
        "batch_and_files_s": round(generated - start, 2),
        "approve_s": round(approved - generated, 2),
        "sepa_09_mb": round(batch.sepa_file.size / 1e6, 1),
        "sepa_03_mb": round(batch.sepa_file_legacy.size / 1e6, 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=os.environ.get("BENCH_PG_URL", DEFAULT_URL))
    parser.add_argument("--sizes", default="10000,50000,100000")
    parser.add_argument("--measure", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    url = with_db(args.url, BENCH_DB)
    if args.measure:
        setup_django(url)
        print(json.dumps(measure(args.measure)))
        return
    sizes = [int(s) for s in args.sizes.split(",")]
    recreate_database(args.url)
    env = {**os.environ, "DATABASE_URL": url}
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    setup_django(url)
    towns = {}
    for size in sizes:
        began = time.perf_counter()
        with __import__("benecomune.core.scoping", fromlist=["all_tenants"]).all_tenants():
            towns[size] = seed(size)
        print(f"seeded {size:>7} orders in {time.perf_counter() - began:.1f} s", flush=True)
    results = {}
    for size in sizes:
        out = subprocess.run(
            [sys.executable, __file__, "--url", args.url, "--measure", str(towns[size])],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        results[size] = json.loads(out.stdout.strip().splitlines()[-1])
        r = results[size]
        print(
            f"{size:>7} payouts: batch+files {r['batch_and_files_s']:>6} s "
            f"(gather {r['gather_s']} s, 2 SEPA files written+validated {r['files_s']} s), "
            f"approve {r['approve_s']} s, peak RSS {r['peak_rss_mb']} MB, "
            f"pain.001.001.09 {r['sepa_09_mb']} MB",
            flush=True,
        )
    from django.core.management import call_command

    call_command("ledger_check")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()

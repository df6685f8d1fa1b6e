"""Corporate welfare for a company of 10,000 employees on PostgreSQL: time and peak memory.

    .venv/bin/python bench/corporate.py [--sizes 1000,10000] [--url postgres://...]

Creates (drops first) the database `bc_bench_corporate` and migrates it. Then, for each size,
a fresh Python process does what HR does, through the real services: the roster import of that
many employees (CSV files of at most `roster_format.MAX_ROWS` rows, the service's limit: the
import is all or nothing per file), a plan (one group, lett. f and c.3 goods) approved, one
funding request paid by one transfer, and the credit allocation (`allocation.allocate`: the
background job's two halves), then a year of spending seeded in bulk (PAYMENTS_PER_EMPLOYEE
shop payments per wallet over 2026: 200,000 transactions for 10,000) and the payroll export
timed as its 12 monthly `build_export` calls. It reports wall time per phase and the peak
resident memory of that process (ru_maxrss). Targets: each phase <= 20 s, <= 300 MB, flat
from 1,000 to 10,000. `--db NAME` picks the database; BENCH_PROFILE=prefix writes a cProfile
top 40 per phase to prefix-<phase>.txt.
"""

import argparse
import datetime
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
BENCH_DB = "bc_bench_corporate"
# A year of activity: ~200,000 transactions for 10,000 employees.
PAYMENTS_PER_EMPLOYEE = 20
PAYMENT_CENTS = 1_000
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/postgres"
HEADER = (
    "codice_fiscale;matricola;nome;cognome;email;categoria;livello;sede;data_assunzione;"
    "data_cessazione;part_time;comune_residenza"
)


def setup_django(url: str) -> None:
    common.setup_django(url, MEDIA_ROOT="/tmp/bc-bench-corporate-media")  # noqa: S108


def roster_files(size: int, istat: str, max_rows: int) -> list[bytes]:
    """CSV rosters of `size` employees (distinct codici fiscali: one name, distinct birth
    dates), `max_rows` per file."""
    from codicefiscale import codicefiscale

    lines = []
    day = datetime.date(1960, 1, 1)
    for n in range(size):
        birth = day + datetime.timedelta(days=n)
        cf = codicefiscale.encode(
            lastname="Bench",
            firstname="Dipendente",
            gender="M",
            birthdate=birth.strftime("%d/%m/%Y"),
            birthplace="Padova",
        )
        category = ("operaio", "impiegato", "quadro")[n % 3]
        part = "50" if n % 10 == 0 else "100"
        lines.append(
            f"{cf};M{n:06d};Dipendente;Bench;;{category};{n % 7};Sede {n % 4};01/01/2020;;"
            f"{part};{istat}"
        )
    return [
        ("\n".join([HEADER, *lines[i : i + max_rows]]) + "\n").encode()
        for i in range(0, len(lines), max_rows)
    ]


def seed_year_of_spending(company, version) -> int:
    """PAYMENTS_PER_EMPLOYEE payments of PAYMENT_CENTS from every plan wallet of `version` to
    one shop, spread over the 12 months of 2026: a year of activity at the voucher circuit's
    shops (c.3 goods, the till's path). Seeded in bulk like bench/common.py (transfers, their
    two entries, balances moved in one update each), so that ledger_check stays sound."""
    from django.db import connection, transaction
    from django.db.models import F
    from django.utils import timezone

    from benecomune.core.bulk import db_value, insert_rows
    from benecomune.ledger.models import Account, AccountKind, Entry, Transfer, Wallet

    zone = timezone.get_current_timezone()
    with transaction.atomic():
        shop = Account.objects_unscoped.create(
            organization=company, kind=AccountKind.MERCHANT, name="Negozio bench"
        )
        wallets = list(
            Wallet.objects_unscoped.filter(
                organization=company, source_id=str(version.pk)
            ).values_list("account_id", flat=True)
        )
        columns = [
            "idempotency_key",
            "kind",
            "debit_account",
            "credit_account",
            "amount",
            "object_type",
            "object_id",
            "memo",
            "actor_role",
            "created_at",
        ]
        for n in range(PAYMENTS_PER_EMPLOYEE):  # a batch per round: memory stays flat
            when = db_value(datetime.datetime(2026, n % 12 + 1, n // 12 + 1, 10, tzinfo=zone))
            rows = [
                (
                    f"bench-pay-{a}-{n}",
                    "payment",
                    a,
                    shop.pk,
                    PAYMENT_CENTS,
                    "",
                    "",
                    "Spesa",
                    "",
                    when,
                )
                for a in wallets
            ]
            ids = insert_rows(Transfer, columns, rows, returning=True)
            entries = [
                entry
                for pk, a in zip(ids, wallets, strict=True)
                for entry in ((pk, a, -PAYMENT_CENTS, when), (pk, shop.pk, PAYMENT_CENTS, when))
            ]
            insert_rows(Entry, ["transfer", "account", "amount", "created_at"], entries)
        spent = PAYMENTS_PER_EMPLOYEE * PAYMENT_CENTS
        Account.objects_unscoped.filter(pk__in=wallets).update(balance=F("balance") - spent)
        Account.objects_unscoped.filter(pk=shop.pk).update(balance=spent * len(wallets))
    with connection.cursor() as cursor:  # fresh statistics, as after any bulk load
        cursor.execute("ANALYZE")
    return PAYMENTS_PER_EMPLOYEE * len(wallets)


def profiled(phase: str, function, *args):
    """Run `function`; with BENCH_PROFILE=prefix, under cProfile, its top 40 (cumulative) in
    `prefix-phase.txt`."""
    prefix = os.environ.get("BENCH_PROFILE")
    if not prefix:
        return function(*args)
    import cProfile
    import pstats

    profile = cProfile.Profile()
    result = profile.runcall(function, *args)
    with open(f"{prefix}-{phase}.txt", "w") as out:
        pstats.Stats(profile, stream=out).sort_stats("cumulative").print_stats(40)
    return result


def time_payroll_export(actor, company) -> list[dict]:
    """`build_export` (one month per call, as the pages and the API call it) for each month
    of 2026: the year's export is the 12 calls."""
    from benecomune.corporate.services.payroll_export import Period, build_export

    months = []
    for month in range(1, 13):
        start = time.perf_counter()
        export = build_export(actor, company, Period(2026, month))
        months.append({"s": round(time.perf_counter() - start, 2), "rows": len(export.rows)})
        print(f"payroll month {month}: {months[-1]}", file=sys.stderr, flush=True)
    return months


def measure(size: int) -> dict:
    from benecomune.core.actors import Actor
    from benecomune.core.models import Company, Municipality
    from benecomune.core.scoping import all_tenants
    from benecomune.corporate.models import LegalBasis
    from benecomune.corporate.roster_format import MAX_ROWS
    from benecomune.corporate.services import allocation, funding, plans, roster

    actor = Actor.system_actor("bench")
    town = Municipality.objects.get(slug="comune-bench")
    files = roster_files(size, town.istat_code, MAX_ROWS)
    with all_tenants():
        company = Company.objects.create(
            name=f"Bench {size}",
            slug=f"bench-{size}",
            vat_number=f"{size:011d}",
            network=town.network,
        )
        start = time.perf_counter()
        for data in files:
            profiled("roster", roster.import_roster, actor, company, data)
        imported = time.perf_counter()
        print(f"{size}: roster import {imported - start:.2f} s", file=sys.stderr, flush=True)
        version = plans.create_plan(
            actor,
            company,
            name="Welfare bench",
            starts_on=datetime.date(2026, 1, 1),
            origin="company_contract",
            pro_rata="months_part_time",
        )
        plans.add_group(actor, version, name="Tutti", credit=100_000)
        for code in ("art51_c2_f", "art51_c3_goods"):
            plans.set_rule(
                actor,
                version,
                legal_basis=LegalBasis.objects.get(code=code),
                delivery="platform",
                limit=None,
            )
        plans.submit(actor, version)
        version = plans.approve(actor, version)
        (request,) = funding.request_funding(actor, version, schedule="single")
        funding.record_payment(
            actor,
            request,
            amount=request.amount,
            received_on=datetime.date(2026, 1, 20),
            bank_reference=f"BENCH-{size}",
            accept_excess=False,
        )
        funded = time.perf_counter()
        summary = profiled("allocation", allocation.allocate, actor, version)
        allocated = time.perf_counter()
        print(f"{size}: allocation {allocated - funded:.2f} s", file=sys.stderr, flush=True)
        spends = seed_year_of_spending(company, version)
        seeded = time.perf_counter()
        months = profiled("payroll", time_payroll_export, actor, company)
        exported = time.perf_counter()
        figures = funding.plan_figures(version)
    return {
        "employees": size,
        "roster_files": len(files),
        "roster_import_s": round(imported - start, 2),
        "plan_and_funding_s": round(funded - imported, 2),
        "allocation_s": round(allocated - funded, 2),
        "allocated_cents": figures["allocated"],
        "allocation": {k: v for k, v in summary.items() if isinstance(v, int | str)},
        "payroll_transactions": spends,
        "payroll_seed_s": round(seeded - allocated, 2),
        "payroll_export_s": round(exported - seeded, 2),
        "payroll_month_max_s": max(m["s"] for m in months),
        "payroll_rows": sum(m["rows"] for m in months),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=os.environ.get("BENCH_PG_URL", DEFAULT_URL))
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--db", default=BENCH_DB, help="database to (re)create")
    parser.add_argument("--measure", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    url = with_db(args.url, args.db)
    if args.measure:
        setup_django(url)
        print(json.dumps(measure(args.measure)))
        return
    common.recreate_database(args.url, args.db)
    env = {**os.environ, "DATABASE_URL": url}
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    setup_django(url)
    common.bench_town()
    results = {}
    for size in (int(s) for s in args.sizes.split(",")):
        out = subprocess.run(
            [sys.executable, __file__, "--url", args.url, "--db", args.db, "--measure", str(size)],
            cwd=ROOT,
            env=env,
            check=True,
            stdout=subprocess.PIPE,
            text=True,
        )
        results[size] = r = json.loads(out.stdout.strip().splitlines()[-1])
        print(
            f"{size:>6} employees: roster import {r['roster_import_s']} s "
            f"({r['roster_files']} files), allocation {r['allocation_s']} s, payroll export "
            f"{r['payroll_export_s']} s ({r['payroll_transactions']} transactions, 12 months), "
            f"peak RSS {r['peak_rss_mb']} MB",
            flush=True,
        )
    from django.core.management import call_command

    call_command("ledger_check")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()

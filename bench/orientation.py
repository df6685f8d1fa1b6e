"""Orientation at a Welfare Point, in process on PostgreSQL (issue 18).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/orientation.py
    # --db NAME (default bc_bench_orientation, dropped and created), --reuse, --runs 40

Seeds (bulk, except the calls): a network of 5 Comuni, 500 providers (100 accredited), 10,000
published services (every area, type, target group, delivery; at-home ones serving 1 to 3
Comuni), 50 open calls created and published through the calls services (categories and
eligibility rules of every kind), 100,000 residents, and a Welfare Point whose Welfare
Manager holds 5,000 cases (needs through the taxonomy). The measured person has an ISEE, a
public wallet and a company-plan wallet. Then VACUUM ANALYZE.

Measures `propose(case)` (the orientation page's whole computation: profile, calls through
their rules engine, services with each wallet checked by the spending policies, plan credit,
Points) and the operator's worklist page (GET through the test client, all middleware), each
`--runs` times after a warm-up: p50 and p95. Targets: 200 ms and 150 ms (p95).
"""

import argparse
import datetime
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
import common  # noqa: E402  (bench/common.py)

BENCH_DB = "bc_bench_orientation"
NEEDS = ("assistenza-domiciliare-anziani", "solitudine", "spesa-alimentare", "doposcuola")
CATEGORIES = [["grocery", "pharmacy"], ["home_care"], ["education", "tutoring"], []]
RULES = [
    {"eligibility": {"isee_max": 2_000_000}, "amount": {"kind": "fixed", "base": 20_000}},
    {"eligibility": {"requires_over_75": True}, "amount": {"kind": "fixed", "base": 30_000}},
    {
        "eligibility": {"requires_minor": True},
        "amount": {"kind": "per_member", "per_member": 5_000},
    },
    {"eligibility": {"min_members": 1}, "amount": {"kind": "fixed", "base": 10_000}},
]


def seed_catalogue(rng, network, towns, providers: int, services: int):
    from django.utils import timezone
    from stdnum import luhn

    from benecomune.core.models import Provider
    from benecomune.marketplace.models import (
        Accreditation,
        Delivery,
        PriceKind,
        ProviderProfile,
        Service,
        ServiceType,
        TargetGroup,
        UserArea,
    )

    now, today = timezone.now(), timezone.localdate()
    rows = []
    for n in range(providers):  # multi-table inheritance: no bulk_create
        base = f"{n:07d}029"
        rows.append(
            Provider.objects.create(
                name=f"Cooperativa bench {n}",
                slug=f"fornitore-{n}",
                provider_kind="social_cooperative",
                vat_number=base + luhn.calc_check_digit(base),
                network=network,
                municipality=towns[n % len(towns)],
                address=f"Via Roma {n}",
            )
        )
    ProviderProfile.objects_unscoped.bulk_create(
        ProviderProfile(
            provider=p, description="Servizi", publication="published", sells_services=True
        )
        for p in rows
    )
    Accreditation.objects_unscoped.bulk_create(
        Accreditation(
            provider=p,
            network=network,
            area="family",
            status="accredited",
            valid_from=today - datetime.timedelta(days=30),
            valid_until=today + datetime.timedelta(days=365),
        )
        for p in rows[: providers // 5]
    )
    made = []
    for start in range(0, services, 2000):
        batch = []
        for _ in range(min(2000, services - start)):
            delivery = rng.choice(Delivery.values)
            batch.append(
                Service(
                    provider=rng.choice(rows),
                    title=f"Servizio bench {start + len(batch)}",
                    description="Descrizione",
                    user_area=rng.choice(UserArea.values),
                    service_type=rng.choice(ServiceType.values),
                    target_groups=rng.sample(TargetGroup.values, rng.randint(1, 3)),
                    price_kind=PriceKind.PRICED,
                    price=rng.randint(5, 120) * 100,
                    price_unit="hour",
                    delivery=delivery,
                    accepts_public=rng.random() < 0.5,
                    accepts_own=True,
                    accreditation_area="family" if rng.random() < 0.5 else "",
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


def seed_calls(actor, town, count: int):
    from django.utils import timezone

    from benecomune.calls.services import definition
    from benecomune.ledger.services.funds import add_contribution, create_fund

    now = timezone.now()
    fund = create_fund(actor, organization=town, name="Fondo bandi", origin="municipal")
    add_contribution(actor, fund, contributor="Comune", amount=count * 1_000_000)
    for n in range(count):
        call = definition.create_call(
            actor,
            organization=town,
            code=f"bando-{n}",
            title=f"Bando bench {n}",
            benefit_type="voucher",
            fund=fund,
            budget=1_000_000,
            rules=RULES[n % len(RULES)],
            opens_at=now - datetime.timedelta(days=1),
            closes_at=now + datetime.timedelta(days=30),
            spend_until=now.date() + datetime.timedelta(days=365),
            allowed_categories=CATEGORIES[n % len(CATEGORIES)],
        )
        definition.publish_call(actor, call)


def seed_desk(actor, town, people, cases: int):
    from django.utils import timezone
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from benecomune.calls.models import IseeRecord
    from benecomune.core.models import Membership, Role, User
    from benecomune.desk.models import Case, Need, PointOperator, WelfarePoint

    point = WelfarePoint.objects_unscoped.create(
        organization=town,
        kind="municipal",
        name="Punto bench",
        address="Piazza 1",
        municipality=town,
        opening_hours="Lunedì 9-12",
    )
    WelfarePoint.objects_unscoped.create(
        organization=town,
        kind="municipal",
        name="Sportello sociale",
        address="Piazza 2",
        municipality=town,
        opening_hours="Martedì 9-12",
    )
    user = User.objects.create_user("wm@bench.example.org", "x", full_name="Operatore bench")
    membership = Membership.objects.create(user=user, organization=town, role=Role.WELFARE_MANAGER)
    TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
    PointOperator.objects_unscoped.create(point=point, membership=membership)
    statuses = ["open", "in_progress", "on_hold", "closed"]
    today = timezone.localdate()
    rows = Case.objects_unscoped.bulk_create(
        Case(
            point=point,
            organization=town,
            protocol=f"PW{point.pk}-2026-{n:05d}",
            person=people[n],
            source="walk_in",
            status=statuses[n % 4],
            assigned_to=user,
            opened_by=user,
            next_review_on=today + datetime.timedelta(days=n % 60 - 20),
        )
        for n in range(cases)
    )
    need_ids = list(Need.objects.values_list("pk", flat=True))
    chosen = list(Need.objects.filter(code__in=NEEDS).values_list("pk", flat=True))
    through = Case.needs.through
    through.objects.bulk_create(
        through(case_id=c.pk, need_id=need_id)
        for n, c in enumerate(rows)
        for need_id in (chosen if n == 0 else random.Random(n).sample(need_ids, 2))
    )
    measured = rows[0]
    IseeRecord.objects.create(
        fiscal_code=measured.person.fiscal_code,
        value=900_000,
        protocol="INPS-BENCH-1",
        issued_on=today,
        members=[measured.person.fiscal_code],
    )
    return measured, user, membership


def seed_wallets(actor, town, person):
    from django.utils import timezone

    now = timezone.now()
    fund = common.funded_fund(actor, town, 50_000)
    common.awarded_wallets(town, fund, [person], 50_000, now)
    plan_fund = common.funded_fund(actor, town, 30_000)
    common.awarded_wallets(
        town,
        plan_fund,
        [person],
        30_000,
        now,
        source_kind="company_plan",
        allowed_categories=["home_care", "education", "tutoring"],
    )


def seed(args):
    from django.core.management import call_command
    from django.db import connection, transaction

    from benecomune.core.actors import Actor
    from benecomune.core.models import Municipality
    from benecomune.core.scoping import all_tenants

    call_command("migrate", verbosity=0)
    rng = random.Random(18)
    actor = Actor.system_actor("bench")
    with all_tenants(), transaction.atomic():
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
        seed_catalogue(rng, network, towns, args.providers, args.services)
        seed_calls(actor, town, args.calls)
        people = common.people_of(town, args.people)
        seed_desk(actor, town, people, args.cases)
        seed_wallets(actor, town, people[0])
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def timed(fn, runs: int) -> dict:
    """Wall-clock p50/p95 (ms), this process's CPU per run (ms), and the queries of one run
    with the time PostgreSQL took to answer them (ms)."""
    from django.db import connection

    fn()  # warm-up
    spent = {"queries": 0, "sql": 0.0}

    def count(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            spent["queries"] += 1
            spent["sql"] += (time.perf_counter() - started) * 1000

    with connection.execute_wrapper(count):
        fn()
    times, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        fn()
        times.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    times.sort()
    return {
        "p50": statistics.median(times),
        "p95": times[max(0, round(0.95 * len(times)) - 1)],
        "cpu": statistics.median(cpu),
        "queries": spent["queries"],
        "sql": spent["sql"],
    }


def measure(runs: int) -> dict:
    from django.test import Client

    from benecomune.core.models import Membership
    from benecomune.core.scoping import all_tenants
    from benecomune.desk.models import Case
    from benecomune.desk.orientation.propose import propose
    from tests.helpers import login

    case = Case.objects_unscoped.select_related("person", "point__municipality").get(
        protocol__endswith="-00000"
    )
    membership = Membership.objects.get(user__email="wm@bench.example.org")
    with all_tenants():
        proposal = propose(case)
        orientation = timed(lambda: propose(case), runs)
    client = login(Client(HTTP_HOST="localhost"), membership.user, membership)
    response = client.get("/gestione/sportello-welfare/", secure=True)
    assert response.status_code == 200, response.status_code
    worklist = timed(lambda: client.get("/gestione/sportello-welfare/", secure=True), runs)
    kinds = {}
    for s in proposal.suggestions:
        kinds[str(s.kind)] = kinds.get(str(s.kind), 0) + 1
    return {"suggestions": kinds, "orientation": orientation, "worklist": worklist}


def report(name: str, row: dict, target: int) -> None:
    print(
        f"{name}: p50 {row['p50']:.0f} ms, p95 {row['p95']:.0f} ms (target {target}); "
        f"CPU of this process {row['cpu']:.0f} ms; {row['queries']} queries, "
        f"{row['sql']:.0f} ms waiting for PostgreSQL"
    )


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", default=BENCH_DB)
    parser.add_argument("--reuse", action="store_true", help="keep the seeded database")
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--providers", type=int, default=500)
    parser.add_argument("--services", type=int, default=10_000)
    parser.add_argument("--calls", type=int, default=50)
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--cases", type=int, default=5_000)
    args = parser.parse_args()
    server = os.environ.get("DATABASE_URL", "")
    if not server.startswith(("postgres://", "postgresql://")):
        sys.exit("Set DATABASE_URL to a PostgreSQL server (the bench creates its own database).")
    url = common.with_db(server, args.db)
    if not args.reuse:
        common.recreate_database(server, args.db)
    sys.path.insert(0, str(ROOT))
    common.setup_django(url, SECRET_KEY="bench-orientation-" + "x" * 40, DEBUG="false")
    if not args.reuse:
        started = time.perf_counter()
        seed(args)
        print(f"seeded in {time.perf_counter() - started:.0f} s")
    result = measure(args.runs)
    print(f"suggestions: {result['suggestions']}")
    report("orientation of one case", result["orientation"], 200)
    report("worklist with 5,000 cases", result["worklist"], 150)


if __name__ == "__main__":
    main()

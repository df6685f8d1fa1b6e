"""The observatory at volume: dashboards, full rollup rebuild, upkeep cost per redemption.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bc_obsdash \
        .venv/bin/python bench/observatory.py --entries 10000000

Creates (dropping it first) the database `<name>_bench` on DATABASE_URL's server, migrates it,
seeds a network of 5 Comuni, 500 merchants (100 per Comune, categories in turn, one in ten a
social cooperative), one fund per Comune (origins in turn), 100,000 citizens each with an
awarded wallet, then writes payments with generate_series (spread over a year, any wallet, any
merchant) and refunds of one payment in a hundred, with their two entries each, until the
ledger holds `--entries` entries. Balances are not kept consistent with those bulk rows: the
benchmark is about the rollups, not the ledger's invariants.

Measures:
1. the full rebuild of the rollups (`upkeep.rebuild`, what `observatory_rebuild` runs);
2. each dashboard page (a Comune admin's, the network's, a provider's, the needs page) through
   the Django test client, `--requests` times each, p50/p95 server time;
3. the upkeep's cost per redemption: `--redemptions` payments through the real service
   (`wallets.pay_from_wallet`) timed alone, then the upkeep counting them timed alone, both
   in this process on this database (CPU time of this process + the server's, read from
   /proc for the PostgreSQL backends when the server is local).
"""

import argparse
import os
import platform
import statistics
import time

import common  # bench/common.py, next to this script
from common import recreate_database, with_db

COMUNI = 5
MERCHANTS_PER_COMUNE = 100
CITIZENS = 100_000
CATEGORIES = ["grocery", "pharmacy", "bakery", "stationery", "clothing", "butcher", "home_care",
              "tutoring", "education", "other"]  # fmt: skip
ORIGINS = ["national", "regional", "municipal", "mixed", "municipal"]


def seed(entries: int) -> dict:
    from django.db import connection, transaction
    from django.utils import timezone

    from benecomune.core.actors import Actor
    from benecomune.core.models import Membership, Municipality, Network, Provider, Role, User
    from benecomune.ledger.services import funds, transfers, wallets

    actor = Actor.system_actor("bench")
    network = Network.objects.create(name="Rete bench", slug="rete-bench")
    towns, merchants = [], []
    for c in range(COMUNI):
        town = Municipality.objects.create(
            name=f"Comune {c}", slug=f"comune-{c}", istat_code=f"9999{c:02d}", network=network
        )
        towns.append(town)
        for n in range(MERCHANTS_PER_COMUNE):
            k = c * MERCHANTS_PER_COMUNE + n
            provider = Provider.objects.create(
                name=f"Esercente {k}",
                slug=f"esercente-{k}",
                provider_kind="social_cooperative" if k % 10 == 0 else "shop",
                category=CATEGORIES[k % len(CATEGORIES)],
                vat_number=f"{k:011d}",
                network=network,
                municipality=town,
            )
            wallets.merchant_account(provider)
            merchants.append(provider)
    per_wallet = 500_00
    now = timezone.now()
    per_town = CITIZENS // COMUNI
    for c, town in enumerate(towns):
        fund = funds.create_fund(
            actor, organization=town, name=f"Fondo {c}", origin=ORIGINS[c], legal_basis="bench"
        )
        funds.add_contribution(actor, fund, contributor="Regione", amount=per_town * per_wallet)
        transfers.settle(fund.account)
        people = common.people_of(town, per_town) if c == 0 else _people(town, c, per_town)
        with transaction.atomic():
            common.awarded_wallets(town, fund, people, per_wallet, now)
    awards = CITIZENS
    payments = max(0, (entries // 2 - awards) * 100 // 101)
    refunds = payments // 100
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            """
            WITH w AS (SELECT array_agg(account_id ORDER BY account_id) a FROM ledger_wallet),
                 m AS (SELECT array_agg(id ORDER BY id) a FROM ledger_account
                       WHERE kind = 'merchant')
            INSERT INTO ledger_transfer (idempotency_key, kind, debit_account_id,
                credit_account_id, amount, object_type, object_id, memo, actor_role, created_at)
            SELECT 'bench-pay-' || g, 'payment',
                   w.a[1 + (g * 7919) %% array_length(w.a, 1)],
                   m.a[1 + (g * 104729) %% array_length(m.a, 1)],
                   100 + (g * 31) %% 5000, '', '', '', '',
                   now() - ((g %% 365) * interval '1 day')
                         - ((g %% 86400) * interval '1 second')
            FROM generate_series(1::bigint, %s::bigint) g, w, m
            """,
            [payments],
        )
        cursor.execute(
            """
            INSERT INTO ledger_transfer (idempotency_key, kind, debit_account_id,
                credit_account_id, amount, object_type, object_id, memo, actor_role, created_at)
            SELECT 'bench-ref-' || t.id, 'refund', t.credit_account_id, t.debit_account_id,
                   greatest(1, t.amount / 2), 'ledger.transfer', t.id::text, '', '',
                   t.created_at + interval '1 hour'
            FROM ledger_transfer t WHERE t.kind = 'payment' AND t.id % 100 = 0
            """
        )
        cursor.execute(
            """
            INSERT INTO ledger_entry (transfer_id, account_id, amount, created_at)
            SELECT id, debit_account_id, -amount, created_at FROM ledger_transfer
            WHERE kind IN ('payment', 'refund')
            UNION ALL
            SELECT id, credit_account_id, amount, created_at FROM ledger_transfer
            WHERE kind IN ('payment', 'refund')
            """
        )
        cursor.execute("SELECT count(*) FROM ledger_entry")
        total_entries = cursor.fetchone()[0]
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    seeded = time.perf_counter() - started
    admin = User.objects.create_user("admin@comune-0.example.org", "bench-password-1")
    Membership.objects.create(user=admin, organization=towns[0], role=Role.MUNICIPALITY_ADMIN)
    staff = User.objects.create_user("rete@example.org", "bench-password-1")
    Membership.objects.create(user=staff, organization=network, role=Role.PLATFORM_ADMIN)
    shop = User.objects.create_user("shop@example.org", "bench-password-1")
    Membership.objects.create(user=shop, organization=merchants[1], role=Role.MERCHANT_STAFF)
    return {
        "entries": total_entries,
        "payments": payments,
        "refunds": refunds,
        "seconds": seeded,
        "users": {"comune": admin, "rete": staff, "esercente": shop},
        "towns": towns,
        "merchants": merchants,
    }


def _people(town, c, count):
    from benecomune.core.models import Person

    return Person.objects_unscoped.bulk_create(
        Person(
            fiscal_code=f"BNCBNC80A{c + 1:02d}{n:05d}",
            first_name="Bench",
            last_name=str(n),
            birth_date="1980-01-01",
            sex="M",
            birthplace_code="G224",
            residence=town,
        )
        for n in range(count)
    )


def _server_cpu() -> float:
    """CPU seconds of the local PostgreSQL server processes (0 if not readable)."""
    total = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/stat") as f:
                parts = f.read().split(")")[-1].split()
            with open(f"/proc/{pid}/comm") as f:
                name = f.read().strip()
        except OSError:
            continue
        if name.startswith("postgres"):
            total += (int(parts[11]) + int(parts[12])) / tick
    return total


def _cpu() -> float:
    return time.process_time() + _server_cpu()


def dashboards(users, requests: int) -> dict:
    from django.db import connection
    from django.test import Client
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from benecomune.core.middleware import ACTIVE_MEMBERSHIP_KEY
    from benecomune.core.models import Membership

    pages = [
        ("comune", "/osservatorio/?dal=2000-01-01"),
        ("comune", "/osservatorio/"),
        ("rete", "/osservatorio/?dal=2000-01-01"),
        ("esercente", "/osservatorio/?dal=2000-01-01"),
        ("rete", "/osservatorio/bisogni-e-offerta/"),
    ]
    results = {}
    for who, url in pages:
        user = users[who]
        client = Client()
        client.force_login(user)
        TOTPDevice.objects.get_or_create(user=user, name="bench", confirmed=True)
        session = client.session
        session["otp_device_id"] = TOTPDevice.objects.get(user=user).persistent_id
        session[ACTIVE_MEMBERSHIP_KEY] = Membership.objects.get(user=user).pk
        session.save()
        response = client.get(url, secure=True)
        assert response.status_code == 200, (url, response.status_code)
        times = []
        for _ in range(requests):
            started = time.perf_counter()
            client.get(url, secure=True)
            times.append((time.perf_counter() - started) * 1000)
        times.sort()
        results[f"{who} {url}"] = (
            statistics.median(times),
            times[max(0, int(len(times) * 0.95) - 1)],
        )
    connection.close()
    return results


def upkeep_cost(merchants, redemptions: int) -> dict:
    from benecomune.core.actors import Actor
    from benecomune.ledger.models import Wallet
    from benecomune.ledger.services import wallets
    from benecomune.observatory.services import upkeep

    actor = Actor.system_actor("bench")
    upkeep.run()
    chosen = list(Wallet.objects_unscoped.order_by("-pk")[:redemptions])
    cpu, wall = _cpu(), time.perf_counter()
    for n, wallet in enumerate(chosen):
        wallets.pay_from_wallet(
            actor,
            wallet=wallet,
            merchant=merchants[n % len(merchants)],
            amount=100,
            idempotency_key=f"bench-red-{n}",
        )
    pay_cpu, pay_wall = _cpu() - cpu, time.perf_counter() - wall
    cpu, wall = _cpu(), time.perf_counter()
    counted = upkeep.run()
    keep_cpu, keep_wall = _cpu() - cpu, time.perf_counter() - wall
    return {
        "redemptions": redemptions,
        "pay_cpu_ms": pay_cpu * 1000 / redemptions,
        "pay_wall_ms": pay_wall * 1000 / redemptions,
        "upkeep_cpu_ms": keep_cpu * 1000 / redemptions,
        "upkeep_wall_ms": keep_wall * 1000 / redemptions,
        "counted": counted["transfers"],
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--redemptions", type=int, default=2_000)
    args = parser.parse_args()
    url = os.environ["DATABASE_URL"]
    name = url.rsplit("/", 1)[-1] + "_bench"
    recreate_database(url, name)
    common.setup_django(
        with_db(url, name), CONN_MAX_AGE="600", ALLOWED_HOSTS="testserver,localhost"
    )
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from benecomune.observatory.services import check, upkeep

    print(f"{platform.node()} {platform.processor() or platform.machine()}, {os.cpu_count()} CPU")
    world = seed(args.entries)
    print(
        f"seeded {world['entries']:,} entries ({world['payments']:,} payments, "
        f"{world['refunds']:,} refunds, {CITIZENS:,} awards) in {world['seconds']:.0f} s"
    )
    started = time.perf_counter()
    result = upkeep.rebuild()
    print(f"rebuild: {result['transfers']:,} transfers in {time.perf_counter() - started:.1f} s")
    for page, (p50, p95) in dashboards(world["users"], args.requests).items():
        print(f"page {page}: p50 {p50:.0f} ms, p95 {p95:.0f} ms")
    cost = upkeep_cost(world["merchants"], args.redemptions)
    print(
        "redemption: {pay_cpu_ms:.2f} ms CPU ({pay_wall_ms:.2f} ms wall); upkeep per "
        "redemption: {upkeep_cpu_ms:.3f} ms CPU ({upkeep_wall_ms:.3f} ms wall), "
        "{counted} transfers counted".format(**cost)
    )
    print(f"upkeep / redemption CPU: {cost['upkeep_cpu_ms'] / cost['pay_cpu_ms']:.1%}")
    if args.entries <= 2_000_000:
        started = time.perf_counter()
        problems = check.differences()
        print(f"check: {len(problems)} differences in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()

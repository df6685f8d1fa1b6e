"""Extra cost of shared value routing per payment, on PostgreSQL, side by side.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/benecomune \
        .venv/bin/python bench/shared_value.py --payments 2000 --rounds 5

Creates (dropping it first) `benecomune_bench_sv`, seeds wallets, two shops and a social
project with a signed 10 % agreement for the first shop, then pays in one process through
the real services, alternating rounds of three scenarios so that drift hits all alike:

- `before`: no planner registered (the ledger as before shared value);
- `no agreement`: planner registered, a shop without agreement (the lookup query only);
- `agreement`: the shop with the agreement (lookup, BEGIN/COMMIT around the payment and
  the share transfer).

Two paths: `pay_from_wallet` (transfers.transfer: the hold captures, checkout and wallet
payments) and `pay_now` with the till's record (linked.pay_and_record: the till's redemption,
one statement when nothing is routed). Prints median wall and Python CPU time per payment.
"""

import argparse
import statistics
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common

DB = "benecomune_bench_sv"


def seed(wallet_count: int):
    import datetime

    from django.db import connection, transaction
    from django.utils import timezone

    from benecomune.core.actors import Actor
    from benecomune.core.models import Provider
    from benecomune.ledger.services import wallets
    from benecomune.observatory.models import ProjectStatus, ShareMode
    from benecomune.observatory.services import shared_value as sv

    actor = Actor.system_actor("bench")
    network, town = common.bench_town()
    shops = []
    for n, name in enumerate(("Con accordo", "Senza accordo", "Ente")):
        shops.append(
            Provider.objects.create(
                name=name, slug=f"shop-{n}", provider_kind="shop", category="grocery",
                vat_number=f"{n + 1:011d}", network=network, municipality=town,
            )
        )  # fmt: skip
        wallets.merchant_account(shops[-1])
    fund = common.funded_fund(actor, town, wallet_count * 1_000_000)
    people = common.people_of(town, wallet_count)
    with transaction.atomic():
        common.awarded_wallets(town, fund, people, 1_000_000, timezone.now())
    today = datetime.date.today()
    project = sv.create_project(
        actor, town, title="Progetto bench", description="", target_amount=10**9,
        beneficiary=shops[2], starts_on=today,
    )  # fmt: skip
    sv.set_project_status(actor, project, ProjectStatus.ACTIVE)
    agreement = sv.propose_agreement(
        actor, town, merchant=shops[0], project=project, mode=ShareMode.PERCENT,
        values={"value_public": "10"}, valid_from=today, valid_until=today,
    )  # fmt: skip
    sv.accept_agreement(actor, agreement)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def run(args):
    from benecomune.core.actors import Actor
    from benecomune.core.models import Provider
    from benecomune.ledger.models import Account, AccountKind, Wallet
    from benecomune.ledger.services import sharing, wallets
    from benecomune.observatory.services import shared_value_routing
    from benecomune.payments.services.immediate import Record, pay_now

    actor = Actor.system_actor("bench")
    wallet_list = list(
        Wallet.objects_unscoped.select_related("account").prefetch_related(
            "territory_municipalities"
        )
    )
    shops = {p.name: p for p in Provider.objects.select_related("municipality")}
    accounts = {
        a.organization_id: a for a in Account.objects_unscoped.filter(kind=AccountKind.MERCHANT)
    }
    scenarios = {
        "before": (False, shops["Senza accordo"]),
        "no agreement": (True, shops["Senza accordo"]),
        "agreement": (True, shops["Con accordo"]),
    }
    results = {(path, name): ([], []) for path in ("transfer", "till") for name in scenarios}
    for _round in range(args.rounds):
        for path in ("transfer", "till"):
            for name, (registered, shop) in scenarios.items():
                if registered:
                    shared_value_routing.register()
                else:
                    sharing.register_planner(None, None)
                account = accounts[shop.pk]
                prefix = uuid.uuid4().hex
                wall, cpu = time.perf_counter(), time.process_time()
                for n in range(args.payments):
                    wallet = wallet_list[n % len(wallet_list)]
                    if path == "transfer":
                        wallets.pay_from_wallet(
                            actor, wallet=wallet, merchant=shop, merchant_account_=account,
                            amount=250, idempotency_key=f"{prefix}{n}",
                        )  # fmt: skip
                    else:
                        pay_now(
                            actor, wallet=wallet, payee=shop, payee_account=account, amount=250,
                            idempotency_key=f"{prefix}{n}",
                            record=Record(  # the till's redemption row, as redeem() writes it
                                pg_function="vouchers_redeem",
                                pg_params=(shop.pk, wallet.organization_id, wallet.pk, "qr",
                                           None, None, None),
                                python=None,
                            ),
                        )  # fmt: skip
                results[(path, name)][0].append((time.perf_counter() - wall) / args.payments)
                results[(path, name)][1].append((time.process_time() - cpu) / args.payments)
    shared_value_routing.register()
    for (path, name), (walls, cpus) in results.items():
        print(
            f"{path:8} {name:13} wall {statistics.median(walls) * 1000:.3f} ms"
            f"  python cpu {statistics.median(cpus) * 1000:.3f} ms per payment"
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--payments", type=int, default=2_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--wallets", type=int, default=2_000)
    args = parser.parse_args()
    import os

    url = common.with_db(os.environ["DATABASE_URL"], DB)
    common.recreate_database(os.environ["DATABASE_URL"], DB)
    common.setup_django(url, CONN_MAX_AGE="600")
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    seed(args.wallets)
    run(args)
    from benecomune.ledger.services.invariants import check_invariants

    problems = check_invariants()
    print("ledger_check:", "ok" if not problems else problems[:5])


if __name__ == "__main__":
    main()

"""What every benchmark needs: a fresh PostgreSQL database, Django set up on a URL, the bulk
seeding of a Comune with a fund, people and voucher wallets, and pgbench for reference."""

import os
import sys
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent


def with_db(url: str, name: str) -> str:
    """The same server URL, pointing at database `name`."""
    return urlunparse(urlparse(url)._replace(path=f"/{name}"))


def recreate_database(url: str, name: str) -> None:
    """Drop (disconnecting its clients) and create database `name` on `url`'s server."""
    import psycopg

    with psycopg.connect(with_db(url, "postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def setup_django(url: str, **env_defaults: str) -> None:
    """Django on `url`, from this checkout's sources; `env_defaults` for other settings."""
    sys.path.insert(0, str(ROOT / "src"))
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benecomune.settings")
    for key, value in env_defaults.items():
        os.environ.setdefault(key, value)
    import django

    django.setup()


# --- Seeding, in bulk and kept consistent with the ledger's invariants (ledger_check) --------


def bench_town():
    """The network "Rete bench" and its Comune (created: the database is fresh)."""
    from benecomune.core.models import Municipality, Network

    network = Network.objects.create(name="Rete bench", slug="rete-bench")
    town = Municipality.objects.create(
        name="Comune bench", slug="comune-bench", istat_code="999999", network=network
    )
    return network, town


def funded_fund(actor, town, amount: int):
    """A fund of `town` with `amount` cents contributed and settled, ready to pay from."""
    from benecomune.ledger.services import funds, transfers

    fund = funds.create_fund(actor, organization=town, name="Fondo bench", origin="municipal")
    funds.add_contribution(actor, fund, contributor="Regione", amount=amount)
    transfers.settle(fund.account)
    return fund


def entries_of(moved, amount: int, now) -> None:
    """The two entries (debit, credit) of each transfer in `moved`, each of `amount` cents."""
    from benecomune.ledger.models import Entry

    Entry.objects_unscoped.bulk_create(
        entry
        for t in moved
        for entry in (
            Entry(transfer=t, account_id=t.debit_account_id, amount=-amount, created_at=now),
            Entry(transfer=t, account_id=t.credit_account_id, amount=amount, created_at=now),
        )
    )


def people_of(town, count: int) -> list:
    """`count` residents of `town` (fiscal codes BNCBNC80A01 and a serial)."""
    from benecomune.core.models import Person

    return Person.objects_unscoped.bulk_create(
        Person(
            fiscal_code=f"BNCBNC80A01{n:05d}",
            first_name="Bench",
            last_name=str(n),
            birth_date="1980-01-01",
            sex="M",
            birthplace_code="G224",
            residence=town,
        )
        for n in range(count)
    )


def awarded_wallets(
    town, fund, people, per_wallet: int, now, *, source_kind="call_award", **wallet_fields
) -> list:
    """A wallet per person holding `per_wallet` cents, each awarded from `fund` by its own
    transfer (the fund's balance moved down in one update). `town`: the issuer (a Comune, or
    a company for plan wallets). Call inside a transaction."""
    from benecomune.ledger.models import Account, AccountKind, Transfer, Wallet

    accounts = Account.objects_unscoped.bulk_create(
        Account(
            organization=town,
            person=p,
            kind=AccountKind.WALLET,
            name="Buono bench",
            balance=per_wallet,
        )
        for p in people
    )
    wallets = Wallet.objects_unscoped.bulk_create(
        Wallet(
            organization=town,
            person=p,
            account=a,
            title="Buono bench",
            source_kind=source_kind,
            fund=fund,
            **wallet_fields,
        )
        for p, a in zip(people, accounts, strict=True)
    )
    awards = Transfer.objects_unscoped.bulk_create(
        Transfer(
            idempotency_key=f"seed-{a.pk}",
            kind="award",
            debit_account=fund.account,
            credit_account=a,
            amount=per_wallet,
            created_at=now,
        )
        for a in accounts
    )
    entries_of(awards, per_wallet, now)
    Account.objects_unscoped.filter(pk=fund.account_id).update(balance=0)
    return wallets


# --- pgbench, the reference ----------------------------------------------------------------


def run_pgbench(
    url: str, name: str, clients: int, seconds: int, *, select_only: bool = False
) -> float:
    """pgbench TPC-B (or, `select_only`, its select-only script -S) on a fresh database
    `name` of `url`'s server (-i -s 16, then -c clients -j 2 -T seconds): its transactions
    per second."""
    import re
    import subprocess

    recreate_database(url, name)
    parts = urlparse(url)
    base = ["-h", parts.hostname or "127.0.0.1", "-p", str(parts.port or 5432)]
    base += ["-U", parts.username or "postgres"]
    env = {**os.environ, **({"PGPASSWORD": parts.password} if parts.password else {})}
    subprocess.run(
        ["pgbench", *base, "-i", "-s", "16", "-q", name], check=True, env=env, capture_output=True
    )
    script = ["-S"] if select_only else []
    out = subprocess.run(
        ["pgbench", *base, *script, "-c", str(clients), "-j", "2", "-T", str(seconds), name],
        check=True,
        env=env,
        capture_output=True,
        text=True,
    ).stdout
    return float(re.search(r"tps = ([\d.]+)", out).group(1))

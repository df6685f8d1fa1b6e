"""Cost of authenticating a device token, in process: the cache hit as it was (no shared
revocation version), with the version read from the database or Redis, and a cache miss.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bc_bench_tokens \
        .venv/bin/python bench/token_auth.py --calls 20000

Migrates the database (create it first: `createdb bc_bench_tokens`), then adds one shop and
one token.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benecomune.settings")
os.environ.setdefault("SHARED_COUNTERS_STORE", "database")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import override_settings  # noqa: E402

from benecomune.core import shared_counters  # noqa: E402
from benecomune.core.models import ApiToken, Network, Provider  # noqa: E402
from benecomune.core.models.tokens import hash_token, new_clear_token  # noqa: E402
from benecomune.core.services import tokens  # noqa: E402

REDIS = "redis://127.0.0.1:6379/13"


def seed() -> str:
    call_command("migrate", verbosity=0)
    network, _ = Network.objects.get_or_create(slug="bench-token", defaults={"name": "Bench"})
    shop, _ = Provider.objects.get_or_create(
        slug="bench-token-shop",
        defaults={
            "name": "Bench shop",
            "provider_kind": "shop",
            "category": "grocery",
            "vat_number": "04123450282",
            "network": network,
        },
    )
    clear = new_clear_token()
    ApiToken.objects_unscoped.create(
        organization=shop, name="bench", prefix=clear[:11], key_hash=hash_token(clear)
    )
    return clear


def run(clear: str, calls: int, *, miss: bool = False) -> float:
    """Median of 5 rounds, microseconds per authentication."""
    rounds = []
    for _ in range(5):
        tokens.clear_token_cache()
        tokens.authenticate_token(clear)
        started = time.perf_counter()
        for _ in range(calls):
            if miss:
                tokens.clear_token_cache()
            tokens.authenticate_token(clear)
        rounds.append((time.perf_counter() - started) / calls * 1e6)
    return statistics.median(rounds)


def select_one(calls: int) -> float:
    rounds = []
    for _ in range(5):
        with connection.cursor() as cursor:
            started = time.perf_counter()
            for _ in range(calls):
                cursor.execute("SELECT 1")
                cursor.fetchone()
        rounds.append((time.perf_counter() - started) / calls * 1e6)
    return statistics.median(rounds)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=20000)
    args = parser.parse_args()
    clear = seed()
    results = {}
    real_version = shared_counters.DatabaseCounters.version
    shared_counters.DatabaseCounters.version = lambda self, key: 0
    results["cache hit, no version (before)"] = run(clear, args.calls)
    shared_counters.DatabaseCounters.version = real_version
    results["cache hit + version in the database"] = run(clear, args.calls)
    try:
        with override_settings(
            SHARED_COUNTERS_STORE="cache",
            CACHES={
                "default": {
                    "BACKEND": "django.core.cache.backends.redis.RedisCache",
                    "LOCATION": REDIS,
                }
            },
        ):
            results["cache hit + version in Redis"] = run(clear, args.calls)
    except Exception as error:  # no Redis here: say so, measure the rest
        results[f"Redis unavailable ({error.__class__.__name__})"] = float("nan")
    results["reference: one SELECT 1 round trip"] = select_one(args.calls)
    results["cache miss (token query every call)"] = run(clear, max(1, args.calls // 4), miss=True)
    print(f"{connection.vendor}, {args.calls} calls per round, median of 5 rounds")
    for name, micros in results.items():
        print(f"{name:40} {micros:8.1f} µs")


if __name__ == "__main__":
    main()

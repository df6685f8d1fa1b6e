"""Counters shared by every worker process: login throttling and the API token revocation
version.

A per-process store (Django's local-memory cache) gives each gunicorn worker its own count,
so a lock would first trigger after workers x threshold failures and a locked account could
still log in on another worker. The counters therefore live in the database
(`core.SharedCounter`, one atomic `INSERT ... ON CONFLICT DO UPDATE` per attempt) unless
`SHARED_COUNTERS_STORE=cache` puts them in a shared cache (Redis: `CACHE_URL=redis://...`,
where `INCR` is atomic). `checks.py` refuses a per-process store in `check --deploy`.
"""

import random
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import caches
from django.db import connection, transaction
from django.utils import timezone

# Cache backends that keep their data inside one process (or nowhere).
PER_PROCESS_CACHE_BACKENDS = (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
    # Shared by the processes of one host, but `incr` there is a read and a write: not atomic.
    "django.core.cache.backends.filebased.FileBasedCache",
)
# One hit in this many also deletes expired counters, so the table stays small without a
# scheduled job.
_CLEANUP_ONE_IN = 200


def _adapt(moment: datetime):
    return connection.ops.adapt_datetimefield_value(moment)


class DatabaseCounters:
    """Rows of `core_sharedcounter`; every change is one statement, atomic under
    concurrency on PostgreSQL and SQLite alike."""

    def hit(self, key: str, limit: int, window: int) -> int:
        """Count one attempt and return the count, capped at limit + 1 (refused).

        The attempt that reaches `limit` (re)starts the window, so a lock lasts `window`
        seconds from the last counted attempt; refused attempts do not prolong it.
        """
        now = timezone.now()
        if random.randrange(_CLEANUP_ONE_IN) == 0:
            self.delete_expired(now)
        until = _adapt(now + timedelta(seconds=window))
        now_db = _adapt(now)
        with connection.cursor() as cursor:
            cursor.execute(
                'INSERT INTO core_sharedcounter ("key", value, expires_at) VALUES (%s, 1, %s) '
                'ON CONFLICT ("key") DO UPDATE SET '
                "value = CASE WHEN core_sharedcounter.expires_at <= %s THEN 1 "
                "WHEN core_sharedcounter.value >= %s THEN %s "
                "ELSE core_sharedcounter.value + 1 END, "
                "expires_at = CASE WHEN core_sharedcounter.expires_at <= %s "
                "OR core_sharedcounter.value < %s THEN %s "
                "ELSE core_sharedcounter.expires_at END "
                "RETURNING value",
                [key, until, now_db, limit, limit + 1, now_db, limit, until],
            )
            return cursor.fetchone()[0]

    def count(self, key: str) -> int:
        with connection.cursor() as cursor:
            cursor.execute(
                'SELECT value FROM core_sharedcounter WHERE "key" = %s '
                "AND (expires_at IS NULL OR expires_at > %s)",
                [key, _adapt(timezone.now())],
            )
            row = cursor.fetchone()
        return row[0] if row else 0

    def refund(self, key: str) -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                'UPDATE core_sharedcounter SET value = value - 1 WHERE "key" = %s AND value > 0',
                [key],
            )

    def delete(self, key: str) -> None:
        with connection.cursor() as cursor:
            cursor.execute('DELETE FROM core_sharedcounter WHERE "key" = %s', [key])

    def delete_expired(self, now: datetime | None = None) -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                "DELETE FROM core_sharedcounter WHERE expires_at <= %s",
                [_adapt(now or timezone.now())],
            )

    def version(self, key: str) -> int:
        """A counter that never expires (read on every API call: one primary-key lookup)."""
        with connection.cursor() as cursor:
            cursor.execute('SELECT value FROM core_sharedcounter WHERE "key" = %s', [key])
            row = cursor.fetchone()
        return row[0] if row else 0

    def bump_version(self, key: str) -> None:
        """Inside the caller's transaction: the new version is seen exactly when the change
        it announces is committed."""
        with connection.cursor() as cursor:
            cursor.execute(
                'INSERT INTO core_sharedcounter ("key", value, expires_at) VALUES (%s, 1, NULL) '
                'ON CONFLICT ("key") DO UPDATE SET value = core_sharedcounter.value + 1',
                [key],
            )


class CacheCounters:
    """The same counters in a shared cache (Redis or memcached: `incr` is atomic there)."""

    def __init__(self, alias: str = "default"):
        self.alias = alias

    @property
    def cache(self):
        return caches[self.alias]

    def hit(self, key: str, limit: int, window: int) -> int:
        cache = self.cache
        cache.add(key, 0, timeout=window)
        try:
            value = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 0, timeout=window)
            value = cache.incr(key)
        if value <= limit:
            cache.touch(key, window)
        return min(value, limit + 1)

    def count(self, key: str) -> int:
        return self.cache.get(key, 0)

    def refund(self, key: str) -> None:
        try:
            if self.cache.decr(key) < 0:
                self.cache.delete(key)
        except ValueError:
            pass

    def delete(self, key: str) -> None:
        self.cache.delete(key)

    def delete_expired(self, now: datetime | None = None) -> None:
        """The cache expires its own keys."""

    def version(self, key: str) -> int:
        return self.cache.get(key, 0)

    def bump_version(self, key: str) -> None:
        """After commit: a worker that read the new version before the change is visible
        could cache the old state under it."""

        def bump():
            cache = self.cache
            cache.add(key, 0, timeout=None)
            cache.incr(key)

        transaction.on_commit(bump)


def store() -> DatabaseCounters | CacheCounters:
    if settings.SHARED_COUNTERS_STORE == "cache":
        return CacheCounters()
    return DatabaseCounters()


def is_per_process() -> bool:
    """True when the workers would not share one atomic count (see checks.py)."""
    if settings.SHARED_COUNTERS_STORE != "cache":
        return False
    return settings.CACHES["default"]["BACKEND"] in PER_PROCESS_CACHE_BACKENDS

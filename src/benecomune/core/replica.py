"""Reports off the primary: dashboards, exports and open data read from a streaming replica.

With `DATABASE_REPLICA_URL` set, settings add the `replica` database and this router. Reading
from the replica is opt-in by context, never by model: code that builds a report runs inside
`reading_reports()` (a context manager and decorator; views use `@reports_view`), which
picks the database once for the whole block and keeps it in a context variable the router
reads. Everything else reads from the primary (`default`), and so does, even inside a report:

- every write (`db_for_write` is always the primary), and any read inside a transaction on
  the primary (a service that writes reads what it wrote, and its locks are there);
- who is asking: users, memberships, sessions and second factors, so that a revoked role or
  a logout counts at once.

The replica is used only while it is close enough: `replica_lag()` asks it how far behind the
primary it is, at most every `DATABASE_REPLICA_CHECK_SECONDS` per process; beyond
`DATABASE_REPLICA_MAX_LAG_SECONDS`, or when it does not answer, reports read from the primary
(a warning is logged when that changes). See docs/operations.md.
"""

import contextvars
import logging
import threading
import time
from contextlib import contextmanager
from functools import wraps

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

logger = logging.getLogger(__name__)

REPLICA = "replica"
# Who is asking, read from the primary even in a report (app labels and model labels).
PRIMARY_ONLY_APPS = frozenset({"sessions", "otp_totp", "otp_static", "auth", "admin"})
PRIMARY_ONLY_MODELS = frozenset({"core.user", "core.membership"})

_alias: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "benecomune_reports_alias", default=None
)

# How far behind the primary the replica is, in seconds: 0 when it has replayed everything it
# received from a primary it is streaming from (an idle primary sends nothing, and the time
# since the last replayed commit grows without the replica being behind); else the time since
# the last transaction it replayed. NULL seconds with something left to replay: unknown.
LAG_SQL = """
SELECT pg_is_in_recovery(),
       EXISTS (SELECT 1 FROM pg_stat_wal_receiver),
       COALESCE(pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn(), false),
       EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp())
"""


class _Health:
    """The last answer about the replica in this process: (checked at, usable)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.checked_at: float | None = None
        self.usable = False

    def reset(self) -> None:
        with self.lock:
            self.checked_at = None


health = _Health()


def replica_configured() -> bool:
    return settings.REPORTS_DATABASE != DEFAULT_DB_ALIAS


def replica_lag() -> float | None:
    """Seconds the replica is behind the primary (0.0 when caught up); None when it does not
    answer or cannot tell."""
    connection = connections[settings.REPORTS_DATABASE]
    try:
        with connection.cursor() as cursor:
            if connection.vendor != "postgresql":
                cursor.execute("SELECT 1")
                return 0.0
            cursor.execute(LAG_SQL)
            in_recovery, receiving, replayed_all, seconds = cursor.fetchone()
    except DatabaseError as error:
        logger.warning("Replica %s not answering: %s", settings.REPORTS_DATABASE, error)
        connection.close()
        return None
    if not in_recovery:  # a primary (a promoted replica, or a test mirror): not behind
        return 0.0
    if receiving and replayed_all:
        return 0.0
    return None if seconds is None else max(float(seconds), 0.0)


def replica_usable() -> bool:
    """Whether reports may read from the replica now (the answer is kept a few seconds)."""
    now = time.monotonic()
    with health.lock:
        fresh = health.checked_at is not None and (
            now - health.checked_at < settings.DATABASE_REPLICA_CHECK_SECONDS
        )
        if fresh:
            return health.usable
    lag = replica_lag()
    usable = lag is not None and lag <= settings.DATABASE_REPLICA_MAX_LAG_SECONDS
    with health.lock:
        changed = usable != health.usable if health.checked_at is not None else not usable
        if changed:
            logger.warning(
                "Reports now read from the %s (replica lag: %s s, bound %s s)",
                "replica" if usable else "primary",
                "unknown" if lag is None else round(lag, 1),
                settings.DATABASE_REPLICA_MAX_LAG_SECONDS,
            )
        health.checked_at, health.usable = time.monotonic(), usable
    return usable


@contextmanager
def reading_reports():
    """Inside: reads for a report come from the replica when one is configured and close
    enough (decided once, on entry). Also a decorator: `@reading_reports()`."""
    alias = DEFAULT_DB_ALIAS
    if _alias.get() is not None:  # nested: keep the outer block's choice
        alias = _alias.get()
    elif replica_configured() and replica_usable():
        alias = settings.REPORTS_DATABASE
    token = _alias.set(alias)
    try:
        yield alias
    finally:
        _alias.reset(token)


def reports_view(view):
    """A view that only shows or exports figures: its reads come from the replica."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        with reading_reports():
            return view(request, *args, **kwargs)

    return wrapper


def reports_alias() -> str | None:
    """The database the current report block reads from; None outside a report."""
    return _alias.get()


class ReportsRouter:
    """Reads inside `reading_reports()` go to the database it chose; anything else is left
    to Django (the primary). Writes always go to the primary; only it is migrated."""

    def db_for_read(self, model, **hints):
        alias = _alias.get()
        if alias is None or alias == DEFAULT_DB_ALIAS:
            return None
        meta = model._meta
        if meta.app_label in PRIMARY_ONLY_APPS or meta.label_lower in PRIMARY_ONLY_MODELS:
            return DEFAULT_DB_ALIAS
        if connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return DEFAULT_DB_ALIAS
        return alias

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica holds the primary's rows

    def allow_migrate(self, db, app_label, **hints):
        return False if db == REPLICA else None

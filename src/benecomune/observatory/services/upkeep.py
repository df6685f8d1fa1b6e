"""Incremental upkeep of the rollups from the ledger, by a periodic job (observatory/tasks.py),
never on the redemption's path.

Transfer ids come from a sequence and are taken before commit, so transactions commit out of
id order: when a run sees transfer 120, transfer 119 may still be uncommitted. A plain "max id
seen" watermark would skip 119 forever. So the watermark is `last_id` plus the set of
`PendingGap` ids below it that were not visible: each run first counts the gaps that have
committed since, then the transfers above `last_id` (in id order, a batch at a time), and
records the ids it skipped over as new gaps. A gap is dropped (its id was rolled back and will
never be used) once no transaction that could hold it is still open: on PostgreSQL, when every
transaction open now started after the gap was first seen (pg_stat_activity: the one holding
the id started before the higher id that revealed the gap was committed); on SQLite writers
are serialised, so a gap is a rollback at once. GAP_MAX_AGE bounds a gap's life in any case.

Runs are serialised by a row lock on the watermark; each run is one transaction, so the
tables, the watermark and the gaps move together (a crash counts nothing twice).
"""

import datetime
import logging

from django.db import OperationalError, connection, transaction
from django.utils import timezone

from benecomune.ledger.models import Transfer
from benecomune.observatory.models import (
    AwardCell,
    AwardMember,
    FlowCell,
    PendingGap,
    SpendingCell,
    SpendingMember,
    Watermark,
)
from benecomune.observatory.services import attribution_sql, usage
from benecomune.observatory.services.apply import apply
from benecomune.observatory.services.attribution import FIELDS, contributions

log = logging.getLogger(__name__)

NAME = "ledger"
BATCH = 5_000
REBUILD_BATCH = 50_000  # empty tables, one transaction: bigger batches, fewer round trips
GAP_MAX_AGE = datetime.timedelta(days=1)
ROLLUP_TABLES = (
    "observatory_spendingcell",
    "observatory_spendingmember",
    "observatory_awardcell",
    "observatory_awardmember",
    "observatory_flowcell",
)


def oldest_open_transaction():
    """When the oldest transaction open now (other than this one) started; None if none.
    SQLite has one writer at a time: nothing can be open with an uncommitted transfer."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT min(xact_start) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid() "
            "AND xact_start IS NOT NULL"
        )
        return cursor.fetchone()[0]


def _lock() -> Watermark:
    Watermark.objects.get_or_create(name=NAME)
    return Watermark.objects.select_for_update().get(name=NAME)


@transaction.atomic
def run_once(batch: int = BATCH) -> dict:
    """Count what committed since the last run (at most `batch` new transfers)."""
    mark = _lock()
    now = timezone.now()
    oldest = oldest_open_transaction()
    gaps = {g.transfer_id: g for g in PendingGap.objects.all()}
    found_gaps = set(
        Transfer.objects_unscoped.filter(pk__in=list(gaps)).values_list("pk", flat=True)
    )
    new = list(
        Transfer.objects_unscoped.filter(pk__gt=mark.last_id)
        .order_by("pk")
        .values_list("pk", flat=True)[:batch]
    )
    changed = apply(_contributions([*found_gaps, *new]))
    # Gaps that showed up are counted; those no open transaction can fill are rollbacks.
    dropped = [
        pk
        for pk, gap in gaps.items()
        if pk not in found_gaps
        and ((oldest is None or oldest > gap.first_seen) or now - gap.first_seen > GAP_MAX_AGE)
    ]
    PendingGap.objects.filter(transfer_id__in=[*found_gaps, *dropped]).delete()
    new_gaps = []
    if new:
        seen = set(new)
        new_gaps = [
            PendingGap(transfer_id=pk, first_seen=now)
            for pk in range(mark.last_id + 1, new[-1])
            if pk not in seen
        ]
        if connection.vendor != "postgresql":
            new_gaps = []  # serialised writers: a hole is a rollback
        PendingGap.objects.bulk_create(new_gaps)
        mark.last_id = new[-1]
        mark.save(update_fields=["last_id", "updated_at"])
    return {
        "transfers": len(found_gaps) + len(new),
        "cells": changed,
        "last_id": mark.last_id,
        "gaps": len(gaps) - len(found_gaps) - len(dropped) + len(new_gaps),
    }


def _contributions(ids: list[int]):
    """What the transfers `ids` add: in one query on PostgreSQL (services/attribution_sql.py),
    by the Python attribution elsewhere (the same definitions)."""
    if connection.vendor == "postgresql":
        return attribution_sql.of_ids(ids)
    return contributions(list(Transfer.objects_unscoped.filter(pk__in=ids).values(*FIELDS)))


def run(batch: int = BATCH) -> dict:
    """Catch up: batches until nothing new is left. Returns the totals."""
    total = {"transfers": 0, "cells": 0}
    while True:
        result = run_once(batch)
        total["transfers"] += result["transfers"]
        total["cells"] += result["cells"]
        total.update(last_id=result["last_id"], gaps=result["gaps"])
        if result["transfers"] < batch:
            break
    total["usage"] = usage.run()  # bookings and services used (services/usage.py)
    return total


def rebuild(batch: int = REBUILD_BATCH) -> dict:
    """Empty the rollups and count the whole ledger again (observatory_rebuild): on
    PostgreSQL in set-based statements (services/attribution_sql.py), elsewhere by batches of
    the Python attribution."""
    if connection.vendor != "postgresql":
        return _rebuild_by_batches(batch)
    for attempt in range(3):
        try:
            return _rebuild_set_based()
        except OperationalError as error:
            # Repeatable read: an upkeep run that committed after this snapshot was taken
            # makes the watermark's lock fail; the next attempt starts after it.
            serialization = getattr(error.__cause__, "sqlstate", None) == "40001"
            if not serialization or attempt == 2:
                raise
    raise AssertionError("unreachable")


def _empty(mark: Watermark) -> None:
    for model in (SpendingMember, AwardMember, SpendingCell, AwardCell, FlowCell, PendingGap):
        model.objects.all().delete()
    mark.last_id = 0
    mark.save(update_fields=["last_id", "updated_at"])
    usage.reset()


@transaction.atomic
def _rebuild_by_batches(batch: int) -> dict:
    _empty(_lock())
    return run(batch)


@transaction.atomic
def _rebuild_set_based() -> dict:
    with connection.cursor() as cursor:
        if len(connection.atomic_blocks) == 1:
            # One snapshot for every statement below: the ledger counted, its highest id and
            # the ids not visible (the new gaps) agree. Inside a caller's transaction (tests)
            # the caller's isolation applies.
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        mark = _lock()
        _empty(mark)
        counted = attribution_sql.rebuild_tables()
        cursor.execute("SELECT COALESCE(max(id), 0) FROM ledger_transfer")
        last = cursor.fetchone()[0]
        cursor.execute(
            "INSERT INTO observatory_pendinggap (transfer_id, first_seen) "
            "SELECT g, %s FROM generate_series(1, %s::bigint) g "
            "WHERE NOT EXISTS (SELECT 1 FROM ledger_transfer t WHERE t.id = g)",
            [timezone.now(), last],
        )
        gaps = cursor.rowcount
        # Fresh statistics for the dashboards' plans (autovacuum may come much later; measured
        # at 10M entries: 114 ms -> 38 ms for the spending summary). ANALYZE counts this
        # transaction's own rows.
        for table in ROLLUP_TABLES:
            cursor.execute(f"ANALYZE {table}")
    mark.last_id = last
    mark.save(update_fields=["last_id", "updated_at"])
    cells = sum(m.objects.count() for m in (SpendingCell, AwardCell, FlowCell))
    return {
        "transfers": counted,
        "cells": cells,
        "last_id": last,
        "gaps": gaps,
        "usage": usage.run(),
    }

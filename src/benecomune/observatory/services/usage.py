"""Upkeep of the usage rollup (bookings and services used, models/usage.py), run with the
ledger's upkeep by the same periodic job (services/upkeep.py), rebuilt and checked with it.

Bookings change after they are counted (confirmed, completed, cancelled, moved to another
month), so the watermark is a time, not an id: each run reads the bookings and orders whose
`updated_at` is at or after the watermark (indexed), plus those of services edited since, and
moves each one whose cell changed (its `UsageEntry` says where it is counted now). Moving is
idempotent: a row read twice moves once. So the watermark can safely lag:

- it is set to when the run started, or earlier to when the oldest transaction still open on
  the database started (PostgreSQL): `updated_at` is taken before commit, so a transaction
  open during the run may commit rows stamped before the run; they are read next time;
- each run reads from OVERLAP before the watermark, for clocks of application servers that
  differ by a little.

One transaction per run, under a row lock on the watermark: cells, entries and the watermark
move together, and runs never overlap.
"""

import datetime
from collections import defaultdict

from django.db import transaction
from django.utils import timezone

from benecomune.core.bulk import add_rows
from benecomune.observatory.models import UsageCell, UsageEntry, UsageKind, Watermark
from benecomune.observatory.services import usage_rows

NAME = "usage"
OVERLAP = datetime.timedelta(minutes=5)
CHUNK = 5_000


def _lock() -> Watermark:
    Watermark.objects.get_or_create(name=NAME)
    return Watermark.objects.select_for_update().get(name=NAME)


def move(kind: str, ids: list[int]) -> int:
    """Count the rows `ids` of `kind` where they belong now. Returns how many moved."""
    now = usage_rows.keys_of(kind, ids)
    entries = dict(
        UsageEntry.objects.filter(kind=kind, source_id__in=ids).values_list("source_id", "cell_id")
    )
    where = {
        row[0]: tuple(row[1:])
        for row in UsageCell.objects.filter(pk__in=set(entries.values())).values_list(
            "pk", *UsageCell.KEY
        )
    }
    deltas: dict[tuple, int] = defaultdict(int)
    moving = []
    for pk in ids:
        old, new = where.get(entries.get(pk)), now[pk]
        if old == new:
            continue
        if old is not None:
            deltas[old] -= 1
        if new is not None:
            deltas[new] += 1
        moving.append(pk)
    if not moving:
        return 0
    written = add_rows(
        UsageCell,
        UsageCell.KEY,
        ("count",),
        [(*key, delta) for key, delta in deltas.items()],
        returning=("id", *UsageCell.KEY),
    )
    cell_ids = {tuple(row[1:]): row[0] for row in written}
    UsageEntry.objects.filter(kind=kind, source_id__in=moving).delete()
    UsageEntry.objects.bulk_create(
        UsageEntry(kind=kind, source_id=pk, cell_id=cell_ids[now[pk]])
        for pk in moving
        if now[pk] is not None
    )
    UsageCell.objects.filter(pk__in=cell_ids.values(), count=0).delete()
    return len(moving)


@transaction.atomic
def run() -> dict:
    """Count the bookings and orders changed since the watermark."""
    from benecomune.observatory.services.upkeep import oldest_open_transaction

    mark = _lock()
    started = timezone.now()
    oldest = oldest_open_transaction()
    since = mark.since - OVERLAP if mark.since else None
    read = moved = 0
    for kind in UsageKind.values:
        ids = usage_rows.changed_since(kind, since)
        read += len(ids)
        for start in range(0, len(ids), CHUNK):
            moved += move(kind, ids[start : start + CHUNK])
    mark.since = min(started, oldest) if oldest else started
    mark.save(update_fields=["since", "updated_at"])
    return {"rows": read, "moved": moved}


@transaction.atomic
def reset() -> None:
    """Empty the usage rollup: the next run counts every booking and order again."""
    mark = _lock()
    UsageEntry.objects.all().delete()
    UsageCell.objects.all().delete()
    mark.since = None
    mark.save(update_fields=["since", "updated_at"])


def differences() -> list[str]:
    """The usage cells against a recomputation from the bookings and orders, and each cell
    against the number of its entries; empty if they agree."""
    expected = usage_rows.recompute()
    stored = {
        tuple(row[:-1]): row[-1] for row in UsageCell.objects.values_list(*UsageCell.KEY, "count")
    }
    problems = [
        f"usage {key}: rollup {stored.get(key, 0)} != bookings {expected.get(key, 0)}"
        for key in sorted(expected.keys() | stored.keys(), key=repr)
        if stored.get(key, 0) != expected.get(key, 0)
    ]
    entries = defaultdict(int)
    for cell_id in UsageEntry.objects.values_list("cell_id", flat=True):
        entries[cell_id] += 1
    for pk, count in UsageCell.objects.values_list("pk", "count"):
        if count != entries[pk]:
            problems.append(f"usage cell {pk}: {count} != {entries[pk]} entries")
    return problems

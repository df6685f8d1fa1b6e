"""Adding contributions to the rollup tables, with exact distinct persons (a person counts in
a cell while their net number of transactions, or awards, there is above zero).

Set-based: a batch is first added up in memory per cell and per (cell, person), then each
table is written with one statement (services/upsert.py): cells upserted with their amount and
count, member rows upserted returning their new count (a person enters a cell when it turns
positive, leaves when it drops to zero), then the cells' person counts adjusted by id. Cells
whose key holds a NULL (payments at a merchant with no Comune, awards from no call) are not
caught by a unique key on conflict: those few are found or created one by one."""

from collections import defaultdict

from benecomune.core.bulk import add_by_id, add_rows
from benecomune.observatory.models import (
    AwardCell,
    AwardMember,
    FlowCell,
    SpendingCell,
    SpendingMember,
)
from benecomune.observatory.services.attribution import AWARDS, FLOWS, SPENDING, Contribution

# table -> (cell model, member model, key columns, count column)
TABLES = {
    SPENDING: (
        SpendingCell,
        SpendingMember,
        ("municipality", "category", "month", "wallet_kind"),
        "transactions",
    ),
    AWARDS: (AwardCell, AwardMember, ("call",), "awards"),
}


def apply(items: list[Contribution]) -> int:
    """Add `items` to the tables (the caller holds the upkeep lock and the transaction).
    Returns how many cells changed."""
    changed = 0
    for table, spec in TABLES.items():
        cells: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
        members: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
        for item in items:
            if item.table != table:
                continue
            cells[item.key][0] += item.amount
            cells[item.key][1] += item.count
            member = members[(item.key, item.person_id)]
            member[0] += item.amount
            member[1] += item.count
        _apply_table(*spec, cells, members)
        changed += len(cells)
    return changed + _apply_flows([item for item in items if item.table == FLOWS])


def _apply_flows(items: list[Contribution]) -> int:
    """The dashboards' cells: no members, just amount and count per key (no NULL keys)."""
    totals: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    for item in items:
        totals[item.key][0] += item.amount
        totals[item.key][1] += item.count
    add_rows(
        FlowCell,
        FlowCell.KEY,
        ("amount", "count"),
        [(*key, amount, count) for key, (amount, count) in totals.items()],
    )
    return len(totals)


def _apply_table(cell_model, member_model, key_fields, count_field, cells, members):
    if not cells:
        return
    # Cells: upsert those with a full key; find or create those with a NULL in it.
    full = {key: v for key, v in cells.items() if None not in key}
    ids = {
        tuple(row[1:]): row[0]
        for row in add_rows(
            cell_model,
            key_fields,
            ("amount", count_field, "persons"),  # persons: 0 here, set below
            [(*key, amount, count, 0) for key, (amount, count) in full.items()],
            returning=("id", *key_fields),
        )
    }
    later: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])  # cell id -> added values
    for key, (amount, count) in cells.items():
        if key in full:
            continue
        fields = {
            f"{name}_id" if name in ("municipality", "call") else name: v
            for name, v in zip(key_fields, key, strict=True)
        }
        cell, _ = cell_model.objects.get_or_create(**fields)
        ids[key] = cell.pk
        later[cell.pk][0] += amount
        later[cell.pk][1] += count
    # Member rows, returning each one's count after the batch: persons in and out.
    deltas = {(ids[key], person): v for (key, person), v in members.items()}
    written = add_rows(
        member_model,
        ("cell", "person"),
        ("amount", count_field),
        [(*pair, amount, count) for pair, (amount, count) in deltas.items()],
        returning=("cell", "person", count_field),
    )
    for cell_id, person_id, after in written:
        before = after - deltas[(cell_id, person_id)][1]
        change = (after > 0) - (before > 0)
        if change:
            later[cell_id][2] += change
    add_by_id(
        cell_model,
        ("amount", count_field, "persons"),
        [(pk, *values) for pk, values in later.items() if any(values)],
    )

"""Compare the rollups with a full recomputation from the ledger (observatory_check).

The recomputation reads every transfer once, in id order, and adds up what each contributes
(services/attribution.py) in memory: no watermark, no gaps, no stored counters. A difference
means the upkeep lost or doubled something. Run it after the upkeep has caught up (the check
runs the upkeep first unless told not to)."""

from collections import defaultdict

from benecomune.ledger.models import Transfer
from benecomune.observatory.models import (
    AwardCell,
    AwardMember,
    FlowCell,
    SpendingCell,
    SpendingMember,
)
from benecomune.observatory.services.attribution import (
    AWARDS,
    FIELDS,
    FLOWS,
    RELEVANT,
    SPENDING,
    contributions,
)

CHUNK = 20_000


def recompute() -> dict[str, dict[tuple, tuple[int, int, int]]]:
    """table -> cell key -> (amount, count, persons), from the ledger alone."""
    cells = {table: defaultdict(lambda: [0, 0]) for table in (SPENDING, AWARDS, FLOWS)}
    members = {SPENDING: defaultdict(int), AWARDS: defaultdict(int)}
    last = 0
    while True:
        rows = list(
            Transfer.objects_unscoped.filter(pk__gt=last, kind__in=RELEVANT)
            .order_by("pk")
            .values(*FIELDS)[:CHUNK]
        )
        if not rows:
            break
        last = rows[-1]["id"]
        for item in contributions(rows):
            cell = cells[item.table][item.key]
            cell[0] += item.amount
            cell[1] += item.count
            if item.table != FLOWS:
                members[item.table][(item.key, item.person_id)] += item.count
    # Flow cells count no persons.
    result = {FLOWS: {key: (amount, count, 0) for key, (amount, count) in cells[FLOWS].items()}}
    for table in (SPENDING, AWARDS):
        persons = defaultdict(int)
        for (key, _person), count in members[table].items():
            persons[key] += count > 0
        result[table] = {
            key: (amount, count, persons[key]) for key, (amount, count) in cells[table].items()
        }
    return result


def stored() -> dict[str, dict[tuple, tuple[int, int, int]]]:
    """The same shape, read from the rollup tables (cells and their member rows)."""
    spending = {c.key(): (c.amount, c.transactions, c.persons) for c in SpendingCell.objects.all()}
    awards = {c.key(): (c.amount, c.awards, c.persons) for c in AwardCell.objects.all()}
    flows = {c.key(): (c.amount, c.count, 0) for c in FlowCell.objects.all()}
    return {SPENDING: spending, AWARDS: awards, FLOWS: flows}


def _members_agree() -> list[str]:
    """Each cell's totals equal the sum of its member rows."""
    problems = []
    for cell_model, member_model, count in (
        (SpendingCell, SpendingMember, "transactions"),
        (AwardCell, AwardMember, "awards"),
    ):
        sums = defaultdict(lambda: [0, 0, 0])
        for m in member_model.objects.values("cell_id", "amount", count):
            entry = sums[m["cell_id"]]
            entry[0] += m["amount"]
            entry[1] += m[count]
            entry[2] += m[count] > 0
        for cell in cell_model.objects.all():
            mine = [cell.amount, getattr(cell, count), cell.persons]
            if mine != sums[cell.pk]:
                problems.append(
                    f"{cell_model.__name__} {cell.key()}: {mine} != members {sums[cell.pk]}"
                )
    return problems


def differences() -> list[str]:
    """Human-readable differences between the rollups and the recomputation; empty if none.
    Cells that are zero everywhere count as absent."""
    expected, actual = recompute(), stored()
    problems = []
    for table in (SPENDING, AWARDS, FLOWS):
        zero = (0, 0, 0)
        for key in sorted(expected[table].keys() | actual[table].keys(), key=repr):
            want, got = expected[table].get(key, zero), actual[table].get(key, zero)
            if want != got:
                problems.append(f"{table} {key}: rollup {got} != ledger {want}")
    from benecomune.observatory.services import usage

    return problems + _members_agree() + usage.differences()

"""Adding contributions to the rollup tables, with exact distinct persons (a person counts in
a cell while their net number of transactions, or awards, there is above zero)."""

from collections import defaultdict

from django.db.models import F

from benecomune.observatory.models import (
    AwardCell,
    AwardMember,
    FlowCell,
    SpendingCell,
    SpendingMember,
)
from benecomune.observatory.services.attribution import AWARDS, FLOWS, SPENDING, Contribution

# table -> (cell model, member model, key fields, count field)
TABLES = {
    SPENDING: (
        SpendingCell,
        SpendingMember,
        ("municipality_id", "category", "month", "wallet_kind"),
        "transactions",
    ),
    AWARDS: (AwardCell, AwardMember, ("call_id",), "awards"),
}


def apply(items: list[Contribution]) -> int:
    """Add `items` to the tables (the caller holds the upkeep lock and the transaction).
    Returns how many cells changed."""
    changed = 0
    for table, (cell_model, member_model, key_fields, count_field) in TABLES.items():
        cells: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
        members: dict[tuple, dict[int, list[int]]] = defaultdict(
            lambda: defaultdict(lambda: [0, 0])
        )
        for item in items:
            if item.table != table:
                continue
            cells[item.key][0] += item.amount
            cells[item.key][1] += item.count
            members[item.key][item.person_id][0] += item.amount
            members[item.key][item.person_id][1] += item.count
        for key, (amount, count) in cells.items():
            _apply_cell(
                cell_model, member_model, key_fields, count_field, key, amount, count, members[key]
            )
            changed += 1
    return changed + _apply_flows([item for item in items if item.table == FLOWS])


def _apply_flows(items: list[Contribution]) -> int:
    """The dashboards' cells: no members, just amount and count per key."""
    totals: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    for item in items:
        totals[item.key][0] += item.amount
        totals[item.key][1] += item.count
    for key, (amount, count) in totals.items():
        fields = dict(zip(FlowCell.KEY, key, strict=True))
        updated = FlowCell.objects.filter(**fields).update(
            amount=F("amount") + amount, count=F("count") + count
        )
        if not updated:
            FlowCell.objects.create(**fields, amount=amount, count=count)
    return len(totals)


def _apply_cell(cell_model, member_model, key_fields, count_field, key, amount, count, deltas):
    cell, _ = cell_model.objects.get_or_create(**dict(zip(key_fields, key, strict=True)))
    existing = {
        m.person_id: m for m in member_model.objects.filter(cell=cell, person_id__in=deltas)
    }
    persons = cell.persons
    new_rows = []
    for person_id, (person_amount, person_count) in deltas.items():
        member = existing.get(person_id)
        before = getattr(member, count_field) if member else 0
        after = before + person_count
        persons += (after > 0) - (before > 0)
        if member is None:
            new_rows.append(
                member_model(
                    cell=cell, person_id=person_id, amount=person_amount, **{count_field: after}
                )
            )
        else:
            member.amount += person_amount
            setattr(member, count_field, after)
            member.save(update_fields=["amount", count_field])
    member_model.objects.bulk_create(new_rows)
    cell.amount += amount
    setattr(cell, count_field, getattr(cell, count_field) + count)
    cell.persons = persons
    cell.save(update_fields=["amount", count_field, "persons"])

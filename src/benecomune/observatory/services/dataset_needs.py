"""The open dataset "bisogni per categoria": needs recorded at the Welfare Points, met and not
met, per Comune (groups) and need with its ISTAT user area (cells), from the desk's own
definition (`desk.services.unmet.needs_by_comune_area`, through dashboards/needs.py).

The counts are about persons (a need recorded on a case), so the table goes through the same
small-cell and complementary suppression as the others (services/suppression.py), with a
cell's `persons` = needs recorded, `amount` = met, `count` = not met. A group's person count
(for the "whole group below k" rule) is the largest cell's: the desk gives no distinct persons
per Comune, and a Comune has at least as many persons as its most frequent need (a lower
bound, so the rule can only suppress more). Known limit: a person with two cases in which the
same need was recorded counts twice."""

from collections import defaultdict

from benecomune.core.scoping import all_tenants
from benecomune.observatory.services.suppression import Cell, Group

COLUMNS = (
    "codice_istat",
    "comune",
    "area_utenza",
    "bisogno",
    "registrati",
    "soddisfatti",
    "non_soddisfatti",
)


def _rows() -> list[dict]:
    from benecomune.observatory.dashboards.needs import needs_by_comune_area

    with all_tenants():
        return needs_by_comune_area().rows


def needs_groups() -> list[Group]:
    cells: dict[tuple, list[Cell]] = defaultdict(list)
    for row in _rows():
        recorded = row["recorded"] or 0
        if recorded == 0:
            continue
        key = (row["comune_id"], row["area_code"], row["need_code"])
        cells[key[:1]].append(Cell(key, row["met"] or 0, row["unmet"] or 0, recorded))
    return [
        Group(key, cells[key], max(c.persons for c in cells[key]))
        for key in sorted(cells, key=lambda g: g[0] or 0)
    ]


def needs_labels():
    from benecomune.core.models import Municipality
    from benecomune.observatory.services.datasets import TOTAL

    towns = {m.pk: m for m in Municipality.objects.all()}
    names = {}
    for row in _rows():
        names[row["area_code"], row["need_code"]] = (row["area_label"], row["need_label"])

    def label(group, cell):
        town = towns.get(group.key[0])
        place = [town.istat_code if town else "", town.name if town else ""]
        if cell is None:
            return [*place, TOTAL, ""]
        return [*place, *names.get(cell.key[1:], cell.key[1:])]

    return label


def needs_figures(item) -> list[str]:
    """Recorded, met, not met of a cell or of a group's total."""
    if isinstance(item, Group):
        return [str(sum(c.persons for c in item.cells)), str(item.total_amount),
                str(item.total_count)]  # fmt: skip
    return [str(item.persons), str(item.amount), str(item.count)]

"""Small-cell suppression of the published tables (docs/observatory.md, "Suppression").

A published table is a set of groups; each group has cells and a published total (the sum of
its cells' amounts and transactions, and its distinct persons). No figure is published across
groups, so each group is protected on its own:

1. Primary: a cell with fewer than k persons is suppressed.
2. Total: if the group's total has fewer than k persons, the whole group is suppressed.
3. Complementary: if exactly one cell of a group is suppressed, the total minus the published
   cells would give it back, so the published cell with the fewest persons (then the smallest
   amount, then the key) is suppressed as well (with no other cell, the total is). With two
   or more suppressed cells the subtraction only gives their sum.
"""

import dataclasses

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

DEFAULT_K = 5
FLOOR = 3
# Tables about merchants (shared value): SISTAN's floor of 3 units per aggregate cell, so that
# no contributor learns another's figure by subtracting its own from a cell of two.
DEFAULT_K_MERCHANTS = FLOOR
# setting -> default; each is an integer >= FLOOR (system check observatory.E001).
THRESHOLDS = {"OBSERVATORY_MIN_CELL": DEFAULT_K, "OBSERVATORY_MIN_MERCHANTS": DEFAULT_K_MERCHANTS}


def threshold(name: str) -> int:
    k = getattr(settings, name, THRESHOLDS[name])
    if not isinstance(k, int) or k < FLOOR:
        raise ImproperlyConfigured(f"{name} must be an integer >= {FLOOR}.")
    return k


def min_cell() -> int:
    """k of the tables about persons."""
    return threshold("OBSERVATORY_MIN_CELL")


def min_merchants() -> int:
    """k of the tables about merchants' contributions (shared value)."""
    return threshold("OBSERVATORY_MIN_MERCHANTS")


@dataclasses.dataclass
class Cell:
    key: tuple
    amount: int
    count: int
    persons: int
    suppressed: bool = False


@dataclasses.dataclass
class Group:
    key: tuple
    cells: list[Cell]
    total_persons: int
    suppressed: bool = False

    @property
    def total_amount(self) -> int:
        return sum(c.amount for c in self.cells)

    @property
    def total_count(self) -> int:
        return sum(c.count for c in self.cells)


def suppress(groups: list[Group], k: int | None = None) -> list[Group]:
    """Mark the cells (and groups) not to publish, in place; returns `groups`."""
    k = min_cell() if k is None else k
    for group in groups:
        if group.total_persons < k:
            group.suppressed = True
            for cell in group.cells:
                cell.suppressed = True
            continue
        for cell in group.cells:
            cell.suppressed = cell.persons < k
        hidden = [c for c in group.cells if c.suppressed]
        shown = [c for c in group.cells if not c.suppressed]
        if len(hidden) == 1 and shown:
            min(shown, key=lambda c: (c.persons, c.amount, repr(c.key))).suppressed = True
        elif len(hidden) == 1:
            group.suppressed = True  # no cell to pair it with: the total would be the cell
    return groups

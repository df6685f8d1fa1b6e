"""Suppression: no published cell has fewer than k persons, and no suppressed cell can be
recovered by subtracting the published cells from the published total (property test); the
threshold is never below 3."""

import pytest
from django.core.checks import run_checks
from django.core.exceptions import ImproperlyConfigured
from hypothesis import given, settings
from hypothesis import strategies as st

from benecomune.observatory.services.suppression import Cell, Group, min_cell, suppress

cells = st.lists(
    st.tuples(st.integers(0, 12), st.integers(-500, 50_000), st.integers(0, 30)),
    min_size=1,
    max_size=8,
)
groups = st.lists(st.tuples(cells, st.integers(0, 40)), min_size=1, max_size=6)


def _recoverable(group: Group) -> list[Cell]:
    """What an attacker recovers from one published group: with its total published, a single
    unknown cell is the total minus the published cells."""
    if group.suppressed:
        return []
    hidden = [c for c in group.cells if c.suppressed]
    return hidden if len(hidden) == 1 else []


@settings(max_examples=400, deadline=None)
@given(data=groups, k=st.integers(3, 10))
def test_no_published_table_reveals_a_small_cell(data, k):
    built = []
    for n, (rows, extra) in enumerate(data):
        group_cells = [Cell((n, i), a, c, p) for i, (p, a, c) in enumerate(rows)]
        # A group's distinct persons are at least its largest cell's.
        total = max(c.persons for c in group_cells) + extra
        built.append(Group((n,), group_cells, total))
    suppress(built, k)
    for group in built:
        for cell in group.cells:
            if not cell.suppressed:
                assert cell.persons >= k
        if not group.suppressed:
            assert group.total_persons >= k
        assert _recoverable(group) == []
        # A suppressed total hides every cell of its group.
        if group.suppressed:
            assert all(c.suppressed for c in group.cells)


def test_complementary_suppression_picks_the_smallest_other_cell():
    group = Group(
        ("g",),
        [Cell(("a",), 100, 2, 2), Cell(("b",), 900, 9, 9), Cell(("c",), 500, 6, 6)],
        17,
    )
    suppress([group], 5)
    assert [c.suppressed for c in group.cells] == [True, False, True]


def test_k_defaults_to_five_and_is_never_below_three(settings):
    del settings.OBSERVATORY_MIN_CELL
    assert min_cell() == 5
    settings.OBSERVATORY_MIN_CELL = 3
    assert min_cell() == 3
    settings.OBSERVATORY_MIN_CELL = 2
    with pytest.raises(ImproperlyConfigured):
        min_cell()
    assert any(e.id == "observatory.E001" for e in run_checks())

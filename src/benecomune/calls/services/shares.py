"""Joint calls: who is funded, and how the budget splits among the Comuni of a network.

A joint call (`Call.share_mode`) is either:

- `network`, one ranking for the whole network: the budget goes down the common ranking in
  strict order (the first application whose amount no longer fits ends the funded part). The
  shares only say how the cost is split; reports show each Comune's cost against its share.
- `per_municipality`, a share per Comune: each Comune's residents are funded down the common
  ranking within that Comune's share, in strict order within the Comune (the first of its
  residents whose amount no longer fits in what is left of the share ends its funded part).
  If the call says so (`redistribute_unused`), what the shares leave unused then goes down the
  common ranking, in strict order, to the applications not yet funded, whatever their Comune.

`allocate` is the one function that decides: the dry run, the ranking (and so its page) and
the award's check all call it, so they cannot disagree. It never funds more than the budget,
which is what the call reserved on its fund at publication.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.db.models import Sum

from benecomune.calls.models import Award, Call, Ranking, ShareMode
from benecomune.core.models import Organization

CHUNK = 5000


@dataclass(frozen=True)
class SharePlan:
    budget: int
    mode: str = ShareMode.NETWORK
    redistribute: bool = False
    shares: Mapping[int, int] = field(default_factory=dict)  # Comune id -> cents

    @property
    def per_municipality(self) -> bool:
        return self.mode == ShareMode.PER_MUNICIPALITY


@dataclass
class ComuneTotals:
    """One Comune of the call: its share, what its residents asked and what they got."""

    share: int = 0
    admitted: int = 0
    requested: int = 0
    funded: int = 0
    awarded: int = 0
    redistributed: int = 0  # part of `awarded` that came from other Comuni's unused shares

    @property
    def difference(self) -> int:
        """Awarded minus share: above zero the Comune's residents cost more than its share."""
        return self.awarded - self.share


@dataclass
class Allocation:
    funded: list[bool]
    totals: dict[int, ComuneTotals]

    @property
    def funded_count(self) -> int:
        return sum(t.funded for t in self.totals.values())

    @property
    def funded_total(self) -> int:
        return sum(t.awarded for t in self.totals.values())


def allocate(rows: Iterable[tuple[int, int]], plan: SharePlan) -> Allocation:
    """`rows`: (amount in cents, applicant's Comune id) in ranking order. Returns which rows are
    funded (same order) and the totals per Comune (every Comune with a share, and any other
    Comune an applicant comes from, with a share of zero)."""
    rows = list(rows)
    totals = {m: ComuneTotals(share=amount) for m, amount in plan.shares.items()}
    for amount, municipality in rows:
        row_totals = totals.setdefault(municipality, ComuneTotals())
        row_totals.admitted += 1
        row_totals.requested += amount
    funded = [False] * len(rows)
    budget_left = plan.budget

    def fund(index: int, amount: int, municipality: int, *, redistributed: bool) -> None:
        nonlocal budget_left
        funded[index] = True
        budget_left -= amount
        row_totals = totals[municipality]
        row_totals.funded += 1
        row_totals.awarded += amount
        if redistributed:
            row_totals.redistributed += amount

    if not plan.per_municipality:
        for index, (amount, municipality) in enumerate(rows):
            if amount > budget_left:
                break  # strict order: nobody below jumps ahead
            if amount > 0:
                fund(index, amount, municipality, redistributed=False)
        return Allocation(funded, totals)

    share_left = {m: t.share for m, t in totals.items()}
    closed: set[int] = set()
    for index, (amount, municipality) in enumerate(rows):
        if municipality in closed or amount <= 0:
            continue
        if amount > share_left[municipality] or amount > budget_left:
            closed.add(municipality)  # strict order within the Comune
            continue
        share_left[municipality] -= amount
        fund(index, amount, municipality, redistributed=False)
    if plan.redistribute:
        pool = min(sum(share_left.values()), budget_left)
        for index, (amount, municipality) in enumerate(rows):
            if funded[index] or amount <= 0:
                continue
            if amount > pool:
                break  # strict order down the common ranking
            pool -= amount
            fund(index, amount, municipality, redistributed=True)
    return Allocation(funded, totals)


def plan_for(call: Call) -> SharePlan:
    return SharePlan(
        budget=call.budget,
        mode=call.share_mode,
        redistribute=call.redistribute_unused,
        shares=dict(call.shares.values_list("municipality_id", "amount")),
    )


def is_joint(call: Call) -> bool:
    """A call with shares to show: a network's call (a Comune's own call has one share, itself)."""
    return call.organization.kind == "network" or call.shares.count() > 1


def ranking_allocation(ranking: Ranking) -> tuple[Allocation, bool]:
    """The allocation of a stored ranking, recomputed from its entries, and whether the stored
    `funded` flags agree with it (a ranking built before shares were enforced may not)."""
    entries = (
        ranking.entries.order_by("position")
        .values_list("amount", "application__organization_id", "funded")
        .iterator(chunk_size=CHUNK)
    )
    rows, stored = [], []
    for amount, municipality, funded in entries:
        rows.append((amount, municipality))
        stored.append(funded)
    allocation = allocate(rows, plan_for(ranking.call))
    return allocation, allocation.funded == stored


def totals_rows(totals: Mapping[int, ComuneTotals], awarded: Mapping[int, int] | None = None):
    """Rows for pages and reports, by Comune name: name, the totals, and (after the award)
    what was actually awarded to the Comune's residents."""
    names = dict(Organization.objects.filter(pk__in=list(totals)).values_list("pk", "name"))
    rows = [
        {
            "municipality_id": m,
            "name": names.get(m, str(m)),
            "totals": t,
            "awarded": None if awarded is None else awarded.get(m, 0),
        }
        for m, t in totals.items()
    ]
    return sorted(rows, key=lambda r: r["name"])


def awarded_by_municipality(call: Call) -> dict[int, int]:
    """What the awards of the call gave to each Comune's residents (from the awards made)."""
    return dict(
        Award.objects_unscoped.filter(call=call)
        .order_by()
        .values_list("application__organization_id")
        .annotate(total=Sum("amount"))
        .values_list("application__organization_id", "total")
    )


def share_report_rows(call: Call) -> list[dict]:
    """Rendicontazione of a joint call: each Comune's share against what its residents were
    awarded (the cost it bears, in a network ranking). Empty for a Comune's own call."""
    if not is_joint(call):
        return []
    shares = plan_for(call).shares
    awarded = awarded_by_municipality(call)
    totals = {m: ComuneTotals(share=shares.get(m, 0)) for m in {*shares, *awarded}}
    return [
        {
            "name": row["name"],
            "share": row["totals"].share,
            "awarded": row["awarded"],
            "difference": row["awarded"] - row["totals"].share,
        }
        for row in totals_rows(totals, awarded)
    ]

"""The Welfare Points' needs per Comune and user area, through one adapter.

`desk.services.unmet.needs_by_comune_area(*, organization_ids=None, date_from=None,
date_to=None) -> list[dict]` (keys comune_id, comune_name, area_code, area_label, need_code,
need_label, recorded, met, unmet) is the desk's own definition of a need met. Until it exists
the adapter counts the needs recorded on the desk's cases (a case's needs, the Comune of its
Point, opened in the period): recorded only, `met` and `unmet` are then None and the result
says it is partial. Imported lazily: the observatory does not depend on the desk at start-up.
"""

import dataclasses
import datetime
from collections import defaultdict


@dataclasses.dataclass(frozen=True)
class NeedsResult:
    rows: list[dict]
    complete: bool  # False: the fallback, needs recorded but not whether they were met


def _source():
    try:
        from benecomune.desk.services.unmet import needs_by_comune_area
    except ImportError:
        return None
    return needs_by_comune_area


def needs_by_comune_area(
    *,
    organization_ids=None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> NeedsResult:
    source = _source()
    if source is not None:
        rows = source(organization_ids=organization_ids, date_from=date_from, date_to=date_to)
        return NeedsResult(list(rows), complete=True)
    return NeedsResult(_recorded(organization_ids, date_from, date_to), complete=False)


def _recorded(organization_ids, date_from, date_to) -> list[dict]:
    from benecomune.desk.models import Case

    links = Case.needs.through.objects.all()
    if organization_ids is not None:
        links = links.filter(case__organization_id__in=list(organization_ids))
    if date_from:
        links = links.filter(case__opened_at__date__gte=date_from)
    if date_to:
        links = links.filter(case__opened_at__date__lte=date_to)
    counts = defaultdict(int)
    labels = {}
    for row in links.values(
        "case__point__municipality_id",
        "case__point__municipality__name",
        "need__area__code",
        "need__area__name",
        "need__code",
        "need__name",
    ).order_by():
        key = (row["case__point__municipality_id"], row["need__area__code"], row["need__code"])
        counts[key] += 1
        labels[key] = (
            row["case__point__municipality__name"] or "",
            row["need__area__name"],
            row["need__name"],
        )
    return [
        {
            "comune_id": key[0],
            "comune_name": labels[key][0],
            "area_code": key[1],
            "area_label": labels[key][1],
            "need_code": key[2],
            "need_label": labels[key][2],
            "recorded": recorded,
            "met": None,
            "unmet": None,
        }
        for key, recorded in sorted(counts.items(), key=lambda kv: repr(kv[0]))
    ]

"""Needs recorded at the Welfare Points, met and unmet, per Comune and need: what the
observatory compares with the offer ("needs vs offer").

The Comune is the person's residence, or the Point's Comune for an anonymous contact.
`recorded`: the needs of the cases opened in the period; `met` / `unmet`: those of them an
orientation answered (a chosen call, service or plan credit) or recorded as unanswered
(desk.services.orientation). A need neither met nor unmet is still being worked on."""

import datetime
from collections import defaultdict

from django.db.models import Count
from django.db.models.functions import Coalesce

from benecomune.core.models import Municipality
from benecomune.desk.models import Case, Need, NeedOutcome, NeedStatus


def _filtered(rows, prefix, organization_ids, date_from, date_to):
    comune = Coalesce(f"{prefix}person__residence_id", f"{prefix}point__municipality_id")
    rows = rows.annotate(comune_id=comune)
    if organization_ids is not None:
        rows = rows.filter(comune_id__in=list(organization_ids))
    if date_from is not None:
        rows = rows.filter(**{f"{prefix}opened_at__date__gte": date_from})
    if date_to is not None:
        rows = rows.filter(**{f"{prefix}opened_at__date__lte": date_to})
    return rows


def needs_by_comune_area(
    *,
    organization_ids=None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> list[dict]:
    """One row per Comune and need with any recorded need: comune_id, comune_name, area_code,
    area_label, need_code, need_label, recorded, met, unmet. `organization_ids`: only these
    Comuni (their organisation ids); dates: cases opened in the period (inclusive)."""
    through = Case.needs.through.objects.all()
    recorded = _filtered(through, "case__", organization_ids, date_from, date_to)
    counts = defaultdict(lambda: {"recorded": 0, "met": 0, "unmet": 0})
    for comune_id, need_id, n in (
        recorded.values("comune_id", "need_id")
        .annotate(n=Count("pk"))
        .values_list("comune_id", "need_id", "n")
    ):
        counts[(comune_id, need_id)]["recorded"] = n
    outcomes = _filtered(
        NeedOutcome.objects_unscoped.all(), "case__", organization_ids, date_from, date_to
    )
    for comune_id, need_id, status, n in (
        outcomes.values("comune_id", "need_id", "status")
        .annotate(n=Count("pk"))
        .values_list("comune_id", "need_id", "status", "n")
    ):
        key = "met" if status == NeedStatus.MET else "unmet"
        counts[(comune_id, need_id)][key] = n
    names = dict(
        Municipality.objects.filter(pk__in={c for c, _n in counts}).values_list("pk", "name")
    )
    needs = {
        n.pk: n for n in Need.objects.filter(pk__in={n for _c, n in counts}).select_related("area")
    }
    rows = []
    ordered = sorted(
        counts.items(),
        key=lambda item: (
            names.get(item[0][0], ""),
            needs[item[0][1]].area.position,
            needs[item[0][1]].position,
        ),
    )
    for (comune_id, need_id), values in ordered:
        need = needs[need_id]
        rows.append(
            {
                "comune_id": comune_id,
                "comune_name": names.get(comune_id, ""),
                "area_code": need.area.code,
                "area_label": need.area.name,
                "need_code": need.code,
                "need_label": need.name,
                **values,
            }
        )
    return rows

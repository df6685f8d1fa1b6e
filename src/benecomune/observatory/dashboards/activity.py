"""Dashboard tables that are not money: applications by call and state (the calls' own rows,
grouped by the database, one query) and needs recorded vs met (the Welfare Points, needs.py)."""

from collections import defaultdict

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q
from django.utils.translation import gettext as _

from benecomune.observatory.dashboards import needs as needs_source
from benecomune.observatory.dashboards.scope import Audience, Filters
from benecomune.observatory.dashboards.tables import Share, Table

SECONDS_PER_DAY = 86_400


def applications(audience: Audience, filters: Filters) -> Table:
    """Per call: applications submitted in the period by state, and the mean days from
    submission to decision of those decided."""
    from benecomune.calls.models import Application, ApplicationStatus

    rows_qs = Application.objects_unscoped.filter(
        Q(call__organization_id__in=audience.tenants) | Q(organization_id__in=audience.tenants),
        submitted_at__isnull=False,
    )
    if filters.date_from:
        rows_qs = rows_qs.filter(submitted_at__date__gte=filters.date_from)
    if filters.date_to:
        rows_qs = rows_qs.filter(submitted_at__date__lte=filters.date_to)
    if filters.comune_id:
        rows_qs = rows_qs.filter(organization_id=filters.comune_id)
    if filters.call_id:
        rows_qs = rows_qs.filter(call_id=filters.call_id)
    states = [
        ApplicationStatus.SUBMITTED,
        ApplicationStatus.CLARIFICATION,
        ApplicationStatus.INSTRUCTED,
        ApplicationStatus.ADMITTED,
        ApplicationStatus.REJECTED,
        ApplicationStatus.WITHDRAWN,
    ]
    counts = defaultdict(lambda: defaultdict(int))
    titles = {}
    for row in (
        rows_qs.values("call_id", "call__title", "status").annotate(n=Count("pk")).order_by()
    ):
        counts[row["call_id"]][row["status"]] += row["n"]
        titles[row["call_id"]] = row["call__title"]
    # The mean wait per call, averaged by the database (never a scan of the rows in Python).
    wait = ExpressionWrapper(F("decided_at") - F("submitted_at"), output_field=DurationField())
    waits = dict(
        rows_qs.filter(decided_at__isnull=False)
        .values("call_id")
        .annotate(mean=Avg(wait))
        .order_by()
        .values_list("call_id", "mean")
    )
    labels = dict(ApplicationStatus.choices)
    rows = []
    for call_id in sorted(counts, key=lambda c: titles[c]):
        mean = waits.get(call_id)
        days = (
            f"{mean.total_seconds() / SECONDS_PER_DAY:.1f}".replace(".", ",")
            if mean is not None
            else "—"
        )
        rows.append([titles[call_id], *(counts[call_id][s] for s in states), days])
    headers = [_("Bando"), *(str(labels[s]) for s in states), _("Giorni medi alla decisione")]
    return Table(
        "domande",
        _("Domande per bando e stato"),
        headers,
        rows,
        columns=",".join(str(i) for i in range(1, len(states) + 1)),
    )


def needs(audience: Audience, filters: Filters) -> Table:
    """Needs recorded and met per user area, at the audience's Welfare Points."""
    result = needs_source.needs_by_comune_area(
        organization_ids=list(audience.tenant_ids),
        date_from=filters.date_from,
        date_to=filters.date_to,
    )
    areas = defaultdict(lambda: [0, 0])
    labels = {}
    for row in result.rows:
        if filters.comune_id and row["comune_id"] != filters.comune_id:
            continue
        areas[row["area_code"]][0] += row["recorded"] or 0
        areas[row["area_code"]][1] += row["met"] or 0
        labels[row["area_code"]] = row["area_label"]
    if result.complete:
        rows = [
            [labels[a], rec, met, Share(met / rec if rec else 0)]
            for a, (rec, met) in sorted(areas.items())
        ]
        headers = [_("Area di utenza"), _("Bisogni rilevati"), _("Bisogni soddisfatti"), _("Quota")]
        note = ""
    else:
        rows = [[labels[a], rec] for a, (rec, _met) in sorted(areas.items())]
        headers = [_("Area di utenza"), _("Bisogni rilevati")]
        note = _("Gli esiti dei bisogni non sono ancora disponibili: solo i bisogni rilevati.")
    return Table(
        "bisogni", _("Bisogni rilevati dai Punti Welfare"), headers, rows, columns="1,2", note=note
    )

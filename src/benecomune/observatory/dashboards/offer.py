"""Needs next to the offer (issue 19 point 8): per Comune and user area, the needs the Welfare
Points recorded (and met, when the desk says so) beside the marketplace's published services
serving that Comune in that area, so that a Comune sees where no service answers a need."""

from collections import defaultdict

from django.utils.translation import gettext as _

from benecomune.observatory.dashboards import needs as needs_source
from benecomune.observatory.dashboards.tables import Table

# The desk's taxonomy (desk 0001) and the marketplace's UserArea name the same ISTAT areas.
DESK_TO_MARKETPLACE = {
    "famiglia-minori": "family_minors",
    "disabilita": "disability",
    "anziani": "elderly",
    "poverta-disagio-adulti": "poverty",
    "immigrati": "immigrants",
    "dipendenze": "addictions",
    "multiutenza": "multi_user",
}


def needs_and_offer(comuni, *, date_from=None, date_to=None, organization_ids=None) -> Table:
    """One row per Comune (of `comuni`) and area with needs or services; rows where needs wait
    and nothing is offered come first."""
    from benecomune.marketplace.models import UserArea
    from benecomune.observatory.services.datasets import service_counts

    names = {m.pk: m.name for m in comuni}
    result = needs_source.needs_by_comune_area(
        organization_ids=organization_ids, date_from=date_from, date_to=date_to
    )
    needs = defaultdict(lambda: [0, 0, 0])
    for row in result.rows:
        if row["comune_id"] not in names:
            continue
        area = DESK_TO_MARKETPLACE.get(row["area_code"], row["area_code"])
        entry = needs[(row["comune_id"], area)]
        entry[0] += row["recorded"] or 0
        entry[1] += row["met"] or 0
        entry[2] += row["unmet"] if row["unmet"] is not None else (row["recorded"] or 0)
    offer = defaultdict(lambda: [0, set()])
    for (town, area, _kind), (n, providers) in service_counts(names).items():
        offer[(town, area)][0] += n
        offer[(town, area)][1] |= providers
    areas = dict(UserArea.choices)
    rows = []
    for key in needs.keys() | offer.keys():
        town, area = key
        recorded, met, unmet = needs.get(key, (0, 0, 0))
        services, providers = offer.get(key, (0, set()))
        gap = _("Nessun servizio") if unmet and not services else ""
        label = f"{names[town]} — {areas.get(area, area)}"
        if result.complete:
            rows.append([label, recorded, met, unmet, services, len(providers), gap])
        else:
            rows.append([label, recorded, services, len(providers), gap])
    # Uncovered needs first, then the most needs waiting.
    rows.sort(key=lambda r: (r[-1] == "", -r[3 if result.complete else 1], r[0]))
    if result.complete:
        headers = [
            _("Comune e area di utenza"),
            _("Bisogni rilevati"),
            _("Soddisfatti"),
            _("Non soddisfatti"),
            _("Servizi offerti"),
            _("Fornitori"),
            _("Scoperto"),
        ]
        columns, note = "3,4", ""
    else:
        headers = [
            _("Comune e area di utenza"),
            _("Bisogni rilevati"),
            _("Servizi offerti"),
            _("Fornitori"),
            _("Scoperto"),
        ]
        columns = "1,2"
        note = _(
            "Gli esiti dei bisogni non sono ancora disponibili: i bisogni rilevati sono "
            "confrontati con l'offerta."
        )
    return Table(
        "bisogni-offerta",
        _("Bisogni dei Punti Welfare e servizi offerti"),
        headers,
        rows,
        columns=columns,
        note=note,
    )

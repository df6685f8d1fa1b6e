"""The open datasets: aggregated tables read from the rollups (never from the ledger), with
small-cell suppression, as CSV (docs/observatory.md)."""

import csv
import dataclasses
import io
from collections import defaultdict

from django.db.models import Count, Max, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from benecomune.core.models import MerchantCategory, Municipality
from benecomune.observatory.models import AwardCell, AwardMember, SpendingCell, SpendingMember
from benecomune.observatory.services import dataset_needs, dataset_shared_value
from benecomune.observatory.services.suppression import Cell, Group, suppress

SUPPRESSED = "riservato"
TOTAL = "TOTALE"


@dataclasses.dataclass(frozen=True)
class Dataset:
    slug: str
    title: str
    description: str
    theme: str  # EU data theme code
    columns: tuple[str, ...]
    build: object = None  # () -> list[Group], suppressed by persons
    label: object = None  # () -> (group, cell or None) -> list of label columns
    # () -> list of rows, published as they come: a table about no person, or one that applies
    # its own suppression (shared value: by merchants, dataset_shared_value.py)
    rows: object = None
    figures: object = None  # (cell or group) -> its figures' texts; default euro, count, persons


def euro(cents: int) -> str:
    """Cents as open data's euro: a dot, two decimals (-12.05)."""
    sign = "-" if cents < 0 else ""
    cents = abs(cents)
    return f"{sign}{cents // 100}.{cents % 100:02d}"


def spending_groups() -> list[Group]:
    """Groups (Comune, month); cells: merchant categories, all wallet kinds together."""
    cells = defaultdict(lambda: [0, 0])
    for row in SpendingCell.objects.values("municipality_id", "month", "category").annotate(
        a=Sum("amount"), t=Sum("transactions")
    ):
        cells[(row["municipality_id"], row["month"], row["category"])] = [row["a"], row["t"]]
    persons = {
        (r["cell__municipality_id"], r["cell__month"], r["cell__category"]): r["n"]
        for r in SpendingMember.objects.filter(transactions__gt=0)
        .values("cell__municipality_id", "cell__month", "cell__category")
        .annotate(n=Count("person_id", distinct=True))
    }
    totals = {
        (r["cell__municipality_id"], r["cell__month"]): r["n"]
        for r in SpendingMember.objects.filter(transactions__gt=0)
        .values("cell__municipality_id", "cell__month")
        .annotate(n=Count("person_id", distinct=True))
    }
    groups: dict[tuple, list[Cell]] = defaultdict(list)
    for key, (amount, count) in cells.items():
        if amount == 0 and count == 0:
            continue
        groups[key[:2]].append(Cell(key, amount, count, persons.get(key, 0)))
    return [
        Group(key, sorted(groups[key], key=lambda c: c.key[2]), totals.get(key, 0))
        for key in sorted(groups, key=lambda g: (g[0] or 0, g[1]))
    ]


def award_groups() -> list[Group]:
    """Groups: the organisation running the calls; cells: its calls."""
    from benecomune.calls.models import Call

    rows = list(
        AwardCell.objects.filter(call__isnull=False).values(
            "call_id", "amount", "awards", "persons"
        )
    )
    owners = dict(
        Call.objects_unscoped.filter(pk__in=[r["call_id"] for r in rows]).values_list(
            "pk", "organization_id"
        )
    )
    totals = {
        r["cell__call__organization_id"]: r["n"]
        for r in AwardMember.objects.filter(awards__gt=0, cell__call__isnull=False)
        .values("cell__call__organization_id")
        .annotate(n=Count("person_id", distinct=True))
    }
    groups: dict[tuple, list[Cell]] = defaultdict(list)
    for r in rows:
        if r["amount"] == 0 and r["awards"] == 0:
            continue
        owner = owners[r["call_id"]]
        groups[(owner,)].append(Cell((owner, r["call_id"]), r["amount"], r["awards"], r["persons"]))
    return [Group(key, groups[key], totals.get(key[0], 0)) for key in sorted(groups)]


def _municipalities() -> dict:
    return {m.pk: m for m in Municipality.objects.all()}


def spending_labels():
    municipalities = _municipalities()
    categories = dict(MerchantCategory.choices)

    def label(group, cell):
        town = municipalities.get(group.key[0])
        month = group.key[1].strftime("%Y-%m")
        category = TOTAL if cell is None else str(categories.get(cell.key[2], cell.key[2]))
        return [town.istat_code if town else "", town.name if town else "", month, category]

    return label


def award_labels():
    from benecomune.calls.models import Call
    from benecomune.core.models import Organization

    calls = {
        c.pk: c for c in Call.objects_unscoped.all().only("pk", "code", "title", "organization_id")
    }
    orgs = dict(Organization.objects.values_list("pk", "name"))

    def label(group, cell):
        call = calls.get(cell.key[1]) if cell else None
        return [
            orgs.get(group.key[0], ""),
            call.code if call else TOTAL,
            call.title if call else "",
        ]

    return label


def service_counts(municipality_ids=None) -> dict[tuple, list]:
    """(Comune served, user area, service type) -> [services, provider ids] over the published
    services of the marketplace (a service serving no listed Comune counts under None); only
    the given Comuni when `municipality_ids` is not None."""
    from benecomune.marketplace.models import Service, ServiceStatus

    served = Service.municipalities_served.through
    published = Service.objects_unscoped.filter(status=ServiceStatus.PUBLISHED)
    links = served.objects.filter(service__in=published)
    if municipality_ids is not None:
        links = links.filter(municipality_id__in=list(municipality_ids))
        published = published.filter(pk__in=links.values("service_id"))
    many = defaultdict(set)
    for service_id, municipality_id in links.values_list("service_id", "municipality_id"):
        many[service_id].add(municipality_id)
    counts = defaultdict(lambda: [0, set()])
    for pk, provider_id, area, kind in published.values_list(
        "pk", "provider_id", "user_area", "service_type"
    ):
        for town in many.get(pk) or {None}:
            entry = counts[(town, area, kind)]
            entry[0] += 1
            entry[1].add(provider_id)
    return counts


def service_rows() -> list[list[str]]:
    """Published services of the marketplace per Comune served, user area and type: counts of
    services and of providers. About providers' public offers only, so nothing to suppress;
    a service serving no listed Comune counts under an empty Comune."""
    from benecomune.marketplace.models import ServiceType, UserArea

    counts = service_counts()
    municipalities = _municipalities()
    areas, kinds = dict(UserArea.choices), dict(ServiceType.choices)
    out = []
    for (town, area, kind), (n, providers) in sorted(counts.items(), key=repr):
        place = municipalities.get(town)
        out.append(
            [
                place.istat_code if place else "",
                place.name if place else "",
                str(areas.get(area, area)),
                str(kinds.get(kind, kind)),
                str(n),
                str(len(providers)),
            ]
        )
    return out


DATASETS = {
    d.slug: d
    for d in (
        Dataset(
            slug="spesa-welfare",
            title=_("Spesa di welfare per Comune, categoria e mese"),
            description=_(
                "Importi spesi con i borsellini di welfare (pubblici, aziendali e ricariche) "
                "presso esercenti e fornitori, per Comune dell'esercente, categoria e mese; "
                "storni e rimborsi sono sottratti. Le celle che riguardano poche persone sono "
                "riservate."
            ),
            theme="SOCI",
            columns=(
                "codice_istat",
                "comune",
                "mese",
                "categoria",
                "importo_euro",
                "transazioni",
                "persone",
            ),
            build=spending_groups,
            label=spending_labels,
        ),
        Dataset(
            slug="contributi-bandi",
            title=_("Contributi assegnati per bando"),
            description=_(
                "Importi assegnati ai beneficiari per bando, con il numero di assegnazioni e "
                "di persone; le revoche sono sottratte. Le celle che riguardano poche persone sono "
                "riservate."
            ),
            theme="SOCI",
            columns=("ente", "codice_bando", "bando", "importo_euro", "assegnazioni", "persone"),
            build=award_groups,
            label=award_labels,
        ),
        Dataset(
            slug="servizi-categoria",
            title=_("Servizi offerti per Comune e categoria"),
            description=_(
                "Servizi pubblicati nel catalogo dei fornitori, per Comune servito, area di "
                "utenza e tipo di servizio: numero di servizi e di fornitori."
            ),
            theme="SOCI",
            columns=(
                "codice_istat",
                "comune",
                "area_utenza",
                "tipo_servizio",
                "servizi",
                "fornitori",
            ),
            rows=service_rows,
        ),
        Dataset(
            slug="bisogni-categoria",
            title=_("Bisogni registrati per Comune e categoria"),
            description=_(
                "Bisogni registrati dai Punti Welfare per Comune, area di utenza e bisogno, con "
                "quanti sono stati soddisfatti e quanti no. Le celle che riguardano poche "
                "persone sono riservate."
            ),
            theme="SOCI",
            columns=dataset_needs.COLUMNS,
            build=dataset_needs.needs_groups,
            label=dataset_needs.needs_labels,
            figures=dataset_needs.needs_figures,
        ),
        Dataset(
            slug="valore-condiviso",
            title=_("Valore condiviso raccolto ed erogato per progetto e mese"),
            description=_(
                "Quote dei pagamenti con il welfare che esercenti e fornitori destinano ai "
                "progetti sociali dei Comuni e delle reti di Comuni, per progetto e mese: "
                "raccolto (al netto di annulli e rimborsi), erogato all'ente beneficiario, "
                "acquisti ed esercenti che hanno contribuito. I mesi con pochi esercenti sono "
                "riservati, così che non si possano ricavare gli incassi di un esercente."
            ),
            theme="SOCI",
            columns=dataset_shared_value.COLUMNS,
            rows=dataset_shared_value.rows,
        ),
    )
}


def _figures(item) -> list[str]:
    if isinstance(item, Group):
        return [euro(item.total_amount), str(item.total_count), str(item.total_persons)]
    return [euro(item.amount), str(item.count), str(item.persons)]


def table(dataset: Dataset, k: int | None = None) -> list[list[str]]:
    """Header and rows of the published table, suppressed cells shown as SUPPRESSED."""
    if dataset.rows is not None:
        return [list(dataset.columns), *dataset.rows()]
    groups = suppress(dataset.build(), k)
    label = dataset.label()
    figures = dataset.figures or _figures
    out = [list(dataset.columns)]
    for group in groups:
        for cell in group.cells:
            shown = [SUPPRESSED] * 3 if cell.suppressed else figures(cell)
            out.append(label(group, cell) + shown)
        total = [SUPPRESSED] * 3 if group.suppressed else figures(group)
        out.append(label(group, None) + total)
    return out


def as_csv(dataset: Dataset, k: int | None = None) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(table(dataset, k))
    return buffer.getvalue()


def modified():
    """When the figures last changed: the upkeep's last run (else now)."""
    from benecomune.observatory.models import Watermark

    when = Watermark.objects.aggregate(m=Max("updated_at"))["m"]
    return when or timezone.now()

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
    build: object  # () -> list[Group]
    label: object  # (group, cell or None) -> list of label columns


def _euro(cents: int) -> str:
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


DATASETS = {
    d.slug: d
    for d in (
        Dataset(
            slug="spesa-welfare",
            title=_("Spesa di welfare per Comune, categoria e mese"),
            description=_(
                "Importi spesi con i borsellini di welfare (pubblici, aziendali e ricariche) "
                "presso esercenti e fornitori, per Comune dell'esercente, categoria e mese; "
                "storni e rimborsi sono sottratti. Le celle con meno di k persone sono riservate."
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
                "di persone; le revoche sono sottratte. Le celle con meno di k persone sono "
                "riservate."
            ),
            theme="SOCI",
            columns=("ente", "codice_bando", "bando", "importo_euro", "assegnazioni", "persone"),
            build=award_groups,
            label=award_labels,
        ),
    )
}


def table(dataset: Dataset, k: int | None = None) -> list[list[str]]:
    """Header and rows of the published table, suppressed cells shown as SUPPRESSED."""
    groups = suppress(dataset.build(), k)
    label = dataset.label()
    out = [list(dataset.columns)]
    for group in groups:
        for cell in group.cells:
            figures = (
                [SUPPRESSED] * 3
                if cell.suppressed
                else [_euro(cell.amount), str(cell.count), str(cell.persons)]
            )
            out.append(label(group, cell) + figures)
        total = (
            [SUPPRESSED] * 3
            if group.suppressed
            else [_euro(group.total_amount), str(group.total_count), str(group.total_persons)]
        )
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

"""The dashboard's tables out of the page: each table as CSV or XLSX (core.exports), and the
whole dashboard as a printable PDF report for the period (core.pdf)."""

from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib.units import mm

from benecomune.core import exports, pdf
from benecomune.observatory.dashboards.scope import Filters
from benecomune.observatory.dashboards.tables import (
    Money,
    Share,
    Table,
    csv_value,
    display,
    xlsx_value,
)

PAGE_WIDTH = 174 * mm  # A4 less the core frame's margins


def filename(audience_name: str, slug: str, extension: str) -> str:
    from django.utils.text import slugify

    stamp = timezone.localdate().isoformat()
    return f"osservatorio-{slugify(audience_name)[:40]}-{slug}-{stamp}.{extension}"


def csv_response(table: Table, name: str):
    rows = [[csv_value(v) for v in row] for row in table.rows]
    return exports.csv_response(table.headers, rows, filename(name, table.slug, "csv"))


def xlsx_bytes(table: Table) -> bytes:
    rows = [[xlsx_value(v) for v in row] for row in table.rows]
    return exports.xlsx_bytes(
        lambda book: exports.add_sheet(book, table.title, table.headers, rows, default_width=20)
    )


def period_text(filters: Filters) -> str:
    start = filters.date_from.strftime("%d/%m/%Y") if filters.date_from else _("l'inizio")
    end = filters.date_to.strftime("%d/%m/%Y") if filters.date_to else _("oggi")
    return _("Periodo: da %(start)s a %(end)s") % {"start": start, "end": end}


def pdf_bytes(tables: list[Table], *, name: str, filters: Filters, described: list[str]) -> bytes:
    story = [
        pdf.text(_("Osservatorio del welfare"), "title"),
        pdf.text(name, "bold"),
        pdf.text(period_text(filters), "body"),
    ]
    story += [pdf.text(line, "small") for line in described]
    for table in tables:
        story.append(pdf.text(table.title, "h2"))
        if table.note:
            story.append(pdf.text(table.note, "small"))
        if not table.rows:
            story.append(pdf.text(_("Nessun dato per il periodo scelto."), "small"))
            continue
        columns = len(table.headers)
        first = PAGE_WIDTH * (0.34 if columns > 3 else 0.5)
        rest = (PAGE_WIDTH - first) / max(1, columns - 1)
        numeric = tuple(
            i
            for i in range(1, columns)
            if all(isinstance(r[i], int | float | Money | Share) for r in table.rows)
        )
        story.append(
            pdf.table(
                [table.headers] + [[display(v) for v in row] for row in table.rows],
                [first] + [rest] * (columns - 1),
                numeric_columns=numeric,
                small=True,
            )
        )
    return pdf.build(
        story,
        title=_("Osservatorio del welfare — %(name)s") % {"name": name},
        footer=_("Osservatorio del welfare · %(name)s · %(period)s")
        % {"name": name, "period": period_text(filters)},
        organization=name,
    )

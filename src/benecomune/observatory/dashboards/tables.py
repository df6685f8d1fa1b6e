"""A dashboard table: one shape for the page (with its chart), the CSV/XLSX export and the PDF.

Cells hold raw values: text, integer counts, `Money` (cents) or `Share` (a fraction); each
output formats them its own way (the page in euro with Italian separators, the spreadsheet as
numbers, the CSV as Italian decimals)."""

import dataclasses

from benecomune.core.charts import Chart, ChartCell, euro_cell
from benecomune.ledger.money import format_euro


class Money(int):
    """Cents."""


class Share(float):
    """A fraction between 0 and 1, shown as a percentage."""


@dataclasses.dataclass
class Table:
    slug: str
    title: str
    headers: list[str]
    rows: list[list]
    chart: str = "bar"  # "" for no chart
    columns: str = ""  # which columns the chart draws
    note: str = ""

    def chart_context(self) -> dict:
        return Chart(
            caption=self.title,
            headers=self.headers,
            rows=[[display(row[0]), *[chart_cell(v) for v in row[1:]]] for row in self.rows],
            kind=self.chart or "bar",
            columns=self.columns,
        ).context()

    def display_rows(self) -> list[list[str]]:
        return [[display(value) for value in row] for row in self.rows]


def display(value) -> str:
    if isinstance(value, Money):
        return format_euro(int(value))
    if isinstance(value, Share):
        return f"{value * 100:.1f}".replace(".", ",") + " %"
    if isinstance(value, int):
        return f"{value:,}".replace(",", ".")
    return str(value)


def chart_cell(value):
    if isinstance(value, Money):
        return euro_cell(int(value))
    if isinstance(value, Share):
        return ChartCell(text=display(value), value=round(value * 100, 1))
    if isinstance(value, int | float):
        return ChartCell(text=display(value), value=value)
    return value


def csv_value(value):
    """Italian spreadsheets: decimal comma, no thousands separator."""
    if isinstance(value, Money):
        return f"{int(value) / 100:.2f}".replace(".", ",")
    if isinstance(value, Share):
        return f"{value * 100:.1f}".replace(".", ",")
    return value


def xlsx_value(value):
    if isinstance(value, Money):
        return int(value) / 100
    if isinstance(value, Share):
        return round(value * 100, 1)
    return value

"""The data behind a chart, shaped for includes/chart.html: a table first, a picture second.

Every chart on a dashboard is drawn from the accessible table printed with it (WCAG 1.1.1), so
views build one `Chart` and the template renders both; the CSV/XLSX export of the same figures
goes through core's list exports.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from benecomune.ledger.money import format_euro


@dataclass(frozen=True)
class ChartCell:
    """A cell shown as `text` (e.g. "€ 1.234,50") and drawn from `value` (e.g. 1234.5)."""

    text: str
    value: float | int

    is_chart_cell = True


def euro_cell(cents: int) -> ChartCell:
    """Money in a chart: shown in euro with the Italian separators, drawn in euro."""
    # Drawn in euro: a chart's scale is a picture, never a figure anyone copies (the table is).
    return ChartCell(text=format_euro(cents), value=cents / 100)


@dataclass
class Chart:
    caption: str
    headers: list[str]
    rows: list[list] = field(default_factory=list)
    kind: str = "bar"  # bar, line, doughnut, pie
    columns: str = ""  # "1,2": which columns are drawn (all by default)

    def context(self) -> dict:
        return {
            "caption": self.caption,
            "headers": self.headers,
            "rows": self.rows,
            "kind": self.kind,
            "columns": self.columns,
        }

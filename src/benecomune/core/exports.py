"""Writing lists out: CSV (semicolons, UTF-8 with BOM, as Italian spreadsheets open it) and
XLSX, whole or streamed, and progress reporting for exports run as a job.

Every text cell goes through `safe_cell`: a spreadsheet runs a cell starting with = + - @ (or
a tab / carriage return before one) as a formula, so such text gets a leading apostrophe
(CSV/formula injection). Numbers written as text ("-12,50", "+39 06 1234") stay as they are.
"""

import csv
import io
import re
from collections.abc import Callable, Iterable, Iterator

from django.http import HttpResponse, StreamingHttpResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

BOM = "\ufeff"  # spreadsheets then read the file as UTF-8
CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MONEY_FORMAT = "#,##0.00"
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[-+]?\d[\d.,' ]*\Z")


def safe_cell(value):
    """The value, with a leading apostrophe when it is text a spreadsheet would run."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES) and not _NUMBER.match(value):
        return "'" + value
    return value


def safe_row(row: Iterable) -> list:
    return [safe_cell(value) for value in row]


class CsvWriter:
    """csv.writer (semicolons) whose rows are guarded by `safe_cell`."""

    def __init__(self, out, delimiter: str = ";"):
        self._writer = csv.writer(out, delimiter=delimiter)

    def writerow(self, row: Iterable):
        return self._writer.writerow(safe_row(row))

    def writerows(self, rows: Iterable[Iterable]) -> None:
        for row in rows:
            self.writerow(row)


def csv_text(header: Iterable | None, rows: Iterable[Iterable]) -> str:
    """The whole CSV as text, without the BOM."""
    buffer = io.StringIO()
    writer = CsvWriter(buffer)
    if header is not None:
        writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def csv_bytes(header: Iterable | None, rows: Iterable[Iterable]) -> bytes:
    """The whole CSV as UTF-8 bytes with the BOM."""
    return (BOM + csv_text(header, rows)).encode("utf-8")


class _Line:
    """A file-like sink handing on what csv.writer wrote for one row."""

    def __init__(self):
        self.parts: list[str] = []

    def write(self, text: str) -> None:
        self.parts.append(text)

    def pop(self) -> str:
        text, self.parts = "".join(self.parts), []
        return text


def csv_lines(header: Iterable, rows: Iterable[Iterable]) -> Iterator[str]:
    """The BOM, then one CSV line per row, produced as the rows are read (memory stays flat
    for a list of 100k rows)."""
    sink = _Line()
    writer = CsvWriter(sink)
    yield BOM
    writer.writerow(header)
    yield sink.pop()
    for row in rows:
        writer.writerow(row)
        yield sink.pop()


def _attachment(response, filename: str):
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def csv_response(header: Iterable, rows: Iterable[Iterable], filename: str) -> HttpResponse:
    """A small list as a CSV download, built in memory."""
    return _attachment(HttpResponse(csv_bytes(header, rows), content_type=CSV_TYPE), filename)


def streaming_csv_response(lines: Iterable[str], filename: str) -> StreamingHttpResponse:
    """A long list (from `csv_lines`) as a CSV download sent while it is read."""
    return _attachment(StreamingHttpResponse(lines, content_type=CSV_TYPE), filename)


# --- XLSX --------------------------------------------------------------------------------------


def euro_number(cents: int) -> float:
    """Cents as a spreadsheet number; the cell's format shows two decimals."""
    return cents / 100


def add_sheet(
    workbook: Workbook,
    title: str,
    header: Iterable,
    rows: Iterable[Iterable],
    *,
    widths: dict[str, float] | None = None,
    default_width: float = 18,
    columns: str = "ABCDEFGHIJK",
):
    """A sheet with a bold header; floats (euro from `euro_number`) shown with two decimals."""
    sheet = workbook.create_sheet(title[:31])
    if workbook.write_only:
        return _add_streamed_rows(sheet, header, rows, widths, default_width, columns)
    sheet.append(safe_row(header))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(safe_row(row))
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, float):
                cell.number_format = MONEY_FORMAT
    for letter in columns:
        sheet.column_dimensions[letter].width = default_width
    for letter, width in (widths or {}).items():
        sheet.column_dimensions[letter].width = width
    return sheet


def _add_streamed_rows(sheet, header, rows, widths, default_width, columns):
    """`add_sheet` for a write-only workbook: each row is written out as it comes, so memory
    stays flat for a long list (widths must be set before the first row)."""
    for letter in columns:
        sheet.column_dimensions[letter].width = (widths or {}).get(letter, default_width)

    def cell(value, bold=False):
        out = WriteOnlyCell(sheet, value=value)
        if bold:
            out.font = Font(bold=True)
        elif isinstance(value, float):
            out.number_format = MONEY_FORMAT
        return out

    sheet.append([cell(value, bold=True) for value in safe_row(header)])
    for row in rows:
        sheet.append([cell(value) for value in safe_row(row)])
    return sheet


def xlsx_bytes(build: Callable[[Workbook], None], *, write_only: bool = False) -> bytes:
    """A workbook filled by `build(workbook)` (which adds its sheets), as bytes. With
    `write_only`, rows are streamed to the file as `add_sheet` reads them (long lists)."""
    workbook = Workbook(write_only=write_only)
    if not write_only:
        workbook.remove(workbook.active)
    build(workbook)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- exports run as a job ----------------------------------------------------------------------


def with_progress(job, rows: Iterable, total: int, *, every: int = 2000) -> Iterator:
    """The rows, reporting the job's progress at the start and every `every` rows."""
    from benecomune.core.services.jobs import report_progress

    report_progress(job, 0, total)
    for index, row in enumerate(rows, start=1):
        yield row
        if index % every == 0:
            report_progress(job, index, total)

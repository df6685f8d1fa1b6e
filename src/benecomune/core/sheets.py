"""Reading an uploaded spreadsheet: a CSV (UTF-8 with or without BOM, `;`, `,` or tab
sniffed from the first line) or an XLSX (by its content, never its name), into lists of cell
values, with Italian messages for a file that cannot be read. Callers (the paper applications
of calls, the catalogue's import) map the header to their own columns and check the rows."""

import csv
import io
import zipfile

from django.utils.translation import gettext as _
from openpyxl import load_workbook


class SheetError(Exception):
    """The file as a whole cannot be read (Italian message)."""


def sniff_kind(data: bytes, *, max_bytes: int) -> str:
    """ "xlsx" or "csv" by content; SheetError for anything else."""
    if not data:
        raise SheetError(_("Il file è vuoto."))
    if len(data) > max_bytes:
        raise SheetError(
            _("Il file è troppo grande: il limite è %(kb)s kB. Lo divida in più file.")
            % {"kb": max_bytes // 1024}
        )
    if data.startswith(b"PK\x03\x04"):
        return "xlsx"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data[:4096]:
        raise SheetError(
            _(
                "Il file non è un CSV in UTF-8 né un foglio XLSX. Dal foglio di calcolo lo "
                "salvi come «CSV UTF-8 (delimitato da virgole)» oppure come «Cartella di "
                "lavoro Excel (.xlsx)»."
            )
        )
    return "csv"


def csv_rows(data: bytes) -> list[list]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SheetError(
            _(
                "Il file CSV non è in codifica UTF-8 (le lettere accentate non si leggerebbero "
                "bene). Dal foglio di calcolo lo salvi come «CSV UTF-8»."
            )
        ) from None
    first = text.split("\n", 1)[0]
    delimiter = max(";,\t", key=first.count)
    try:
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error:
        raise SheetError(_("Il file CSV non è leggibile: controlli che sia un CSV.")) from None


def xlsx_rows(data: bytes, *, max_rows: int) -> list[list]:
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError):
        raise SheetError(
            _("Il file non è un foglio XLSX leggibile: lo salvi di nuovo dal foglio di calcolo.")
        ) from None
    try:
        sheet = workbook.worksheets[0]
        limit = max_rows + 2
        rows = []
        for row in sheet.iter_rows(values_only=True):
            rows.append(list(row))
            if len(rows) > limit:
                break
        return rows
    finally:
        workbook.close()


def blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def read_header(raw: list[list], *, normalise, required, known) -> tuple[list[str], int]:
    """The column names of a template-based import: the first non-blank row of `raw` (removed
    from it, with the blank rows above), each `normalise`d. Refused (SheetError, Italian) when
    a `required` column is missing, a name is not `known`, or a name comes twice. Returns the
    names (blank ones as "") and how many blank rows were skipped."""
    skipped = 0
    while raw and all(blank(v) for v in raw[0]):
        raw.pop(0)
        skipped += 1
    if not raw:
        raise SheetError(_("Il file non contiene righe."))
    header = [normalise(v) if not blank(v) else "" for v in raw[0]]
    missing = [key for key in required if key not in header]
    if missing:
        raise SheetError(
            _(
                "La prima riga deve contenere i nomi delle colonne del modello: mancano "
                "%(columns)s. Scarichi il modello e copi lì i dati."
            )
            % {"columns": ", ".join(f"«{m}»" for m in missing)}
        )
    unknown = [h for h in header if h and h not in known]
    if unknown:
        raise SheetError(
            _("Colonne non previste dal modello: %(columns)s.")
            % {"columns": ", ".join(f"«{u}»" for u in unknown)}
        )
    named = [h for h in header if h]
    if len(set(named)) != len(named):
        raise SheetError(_("Una colonna compare due volte nella prima riga."))
    return header, skipped


def xlsx_merged_ranges(data: bytes) -> list[str]:
    """The merged cell ranges of an XLSX's first sheet ("A1:B2", ...): a merged cell leaves
    the others of its range empty, so a row-per-record import must refuse them. Read-only
    workbooks do not expose merges, so the sheet is opened in full (imports are small)."""
    try:
        workbook = load_workbook(io.BytesIO(data), data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError):
        raise SheetError(
            _("Il file non è un foglio XLSX leggibile: lo salvi di nuovo dal foglio di calcolo.")
        ) from None
    try:
        return [str(cell_range) for cell_range in workbook.worksheets[0].merged_cells.ranges]
    finally:
        workbook.close()

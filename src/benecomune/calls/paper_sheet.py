"""The spreadsheet of paper applications: its columns (from the call's definition), the blank
template in CSV and XLSX, and reading an uploaded file back into rows.

One row per application. The columns follow the call: the ISEE when its rules use it, one
column per declaration and per required document, the IBAN when it pays by reimbursement.
Reading checks the file by its content (an XLSX is a zip; a CSV must be UTF-8 text), never by
its name, and reports problems in Italian.
"""

import dataclasses
import datetime
import io

from django.conf import settings
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from benecomune.calls import rules as engine
from benecomune.calls.models import BenefitType, Call
from benecomune.calls.services.submission import needs_isee
from benecomune.core import sheets
from benecomune.core.exports import XLSX_TYPE, csv_bytes  # noqa: F401 (XLSX_TYPE: old name)

DEFAULT_MAX_BYTES = 2 * 1024 * 1024
DEFAULT_MAX_ROWS = 1000
DECLARATION_PREFIX = "dich_"
DOCUMENT_PREFIX = "doc_"
SheetError = sheets.SheetError  # read by paper_import (core.sheets reads any spreadsheet)


@dataclasses.dataclass(frozen=True)
class Column:
    key: str
    help: str
    required: bool = False
    # "text", "date", "euro", "yes" (sì/no)
    kind: str = "text"
    code: str = ""  # the declaration's or document's code


@dataclasses.dataclass(frozen=True)
class Sheet:
    """What was read: rows as (row number in the file, {column key: raw value})."""

    kind: str  # "csv" or "xlsx"
    rows: list[tuple[int, dict]]


def max_bytes() -> int:
    return int(getattr(settings, "CALLS_PAPER_IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES))


def max_rows() -> int:
    return int(getattr(settings, "CALLS_PAPER_IMPORT_MAX_ROWS", DEFAULT_MAX_ROWS))


def columns_for(call: Call) -> list[Column]:
    parsed = engine.parse_rules(call.rules)
    isee = needs_isee(parsed)
    columns = [
        Column("codice_fiscale", _("Codice fiscale del richiedente (in anagrafe)."), True),
        Column(
            "data_ricezione", _("Giorno in cui il modulo è arrivato (gg/mm/aaaa)."), True, "date"
        ),
        Column("protocollo_cartaceo", _("Numero di protocollo del modulo cartaceo."), True),
        Column(
            "consenso_su_carta",
            _("«sì» se il modulo firmato contiene il consenso a compilare per suo conto."),
            True,
            "yes",
        ),
        Column("isee_euro", _("Valore ISEE in euro, per esempio 8.500,00."), isee, "euro"),
        Column(
            "protocollo_dsu",
            _("Protocollo della DSU, per esempio INPS-ISEE-2026-00000000A-00."),
            isee,
        ),
        Column("data_isee", _("Data di rilascio dell'ISEE (gg/mm/aaaa)."), isee, "date"),
    ]
    for declaration in parsed.declarations:
        columns.append(
            Column(
                DECLARATION_PREFIX + declaration.code,
                _("«sì» se firmata sul modulo: %(text)s") % {"text": declaration.text},
                True,
                "yes",
                declaration.code,
            )
        )
    for document in parsed.documents:
        columns.append(
            Column(
                DOCUMENT_PREFIX + document.code,
                _("«sì» se consegnato in cartaceo: %(label)s") % {"label": document.label},
                document.required,
                "yes",
                document.code,
            )
        )
    if call.benefit_type == BenefitType.REIMBURSEMENT:
        columns += [
            Column("iban", _("IBAN su cui ricevere il rimborso (se non già in anagrafe).")),
            Column("intestatario_conto", _("Intestatario del conto, se diverso dal richiedente.")),
        ]
    columns += [
        Column("telefono", _("Telefono del richiedente (facoltativo).")),
        Column("email", _("E-mail del richiedente (facoltativa).")),
    ]
    return columns


# --- the blank template ----------------------------------------------------------------------


def template_csv(call: Call) -> bytes:
    """Header only, separated by semicolons (as spreadsheets in Italian open it), UTF-8 BOM."""
    return csv_bytes([c.key for c in columns_for(call)], [])


def template_xlsx(call: Call) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Domande")[:31]
    columns = columns_for(call)
    sheet.append([c.key for c in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for index, column in enumerate(columns, start=1):
        letter = sheet.cell(row=1, column=index).column_letter
        sheet.column_dimensions[letter].width = max(16, len(column.key) + 4)
        if column.kind == "date":
            for row in range(2, 502):
                sheet.cell(row=row, column=index).number_format = "DD/MM/YYYY"
        elif column.kind != "euro":
            # Text, so that a spreadsheet keeps leading zeros and long codes as typed.
            for row in range(2, 502):
                sheet.cell(row=row, column=index).number_format = "@"
    guide = workbook.create_sheet(_("Istruzioni")[:31])
    guide.append([_("Colonna"), _("Obbligatoria"), _("Che cosa scrivere")])
    for cell in guide[1]:
        cell.font = Font(bold=True)
    for column in columns:
        guide.append([column.key, _("sì") if column.required else _("no"), column.help])
    guide.column_dimensions["A"].width = 24
    guide.column_dimensions["C"].width = 90
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- reading an upload -----------------------------------------------------------------------


def sniff_kind(data: bytes) -> str:
    return sheets.sniff_kind(data, max_bytes=max_bytes())


def _xlsx_rows(data: bytes) -> list[list]:
    return sheets.xlsx_rows(data, max_rows=max_rows())


_csv_rows = sheets.csv_rows
_blank = sheets.blank


def read_sheet(call: Call, data: bytes) -> Sheet:
    """The rows of an uploaded CSV or XLSX, keyed by the template's columns. SheetError when
    the file or its header cannot be used (nothing about single rows: see paper_import)."""
    kind = sniff_kind(data)
    raw = _xlsx_rows(data) if kind == "xlsx" else _csv_rows(data)
    skipped = 0  # blank lines above the header: row numbers count from the file's top
    while raw and all(_blank(v) for v in raw[0]):
        raw.pop(0)
        skipped += 1
    if not raw:
        raise SheetError(_("Il file non contiene righe."))
    header = [str(v).strip().lower() if not _blank(v) else "" for v in raw[0]]
    columns = columns_for(call)
    known = {c.key for c in columns}
    missing = [c.key for c in columns if c.required and c.key not in header]
    if missing:
        raise SheetError(
            _(
                "La prima riga deve contenere i nomi delle colonne del modello di questo bando: "
                "mancano %(columns)s. Scarichi il modello e copi lì i dati."
            )
            % {"columns": ", ".join(f"«{m}»" for m in missing)}
        )
    unknown = [h for h in header if h and h not in known]
    if unknown:
        raise SheetError(
            _("Colonne non previste dal modello di questo bando: %(columns)s.")
            % {"columns": ", ".join(f"«{u}»" for u in unknown)}
        )
    if len({h for h in header if h}) != len([h for h in header if h]):
        raise SheetError(_("Una colonna compare due volte nella prima riga."))
    rows = []
    for index, values in enumerate(raw[1:], start=skipped + 2):
        if all(_blank(v) for v in values):
            continue
        rows.append(
            (
                index,
                {
                    key: values[i] if i < len(values) else None
                    for i, key in enumerate(header)
                    if key
                },
            )
        )
    if not rows:
        raise SheetError(_("Il file contiene solo la riga dei titoli: nessuna domanda."))
    if len(rows) > max_rows():
        raise SheetError(
            _("Il file contiene più di %(n)s domande: lo divida in più file.") % {"n": max_rows()}
        )
    return Sheet(kind=kind, rows=rows)


def as_date(value) -> datetime.date | None:
    """A date from a cell: a spreadsheet date, gg/mm/aaaa or aaaa-mm-gg. ValueError if not."""
    if _blank(value):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = str(value).strip()
    for pattern in ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d"):
        try:
            return datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(text)


def clean_file_name(name: str, kind: str) -> str:
    """The uploaded file's name for the audit and the list of imports: no folders, no control
    characters, the extension of what the file really is."""
    from benecomune.core.files import safe_filename

    stem = safe_filename(name or "", fallback="domande").rsplit(".", 1)[0][:100]
    return f"{stem or 'domande'}.{kind}"

"""The roster file: columns, and reading each row into checked values with a problem per
field (row number, column, Italian message). Reading only: services.roster writes.

A CSV (UTF-8 with or without BOM, `;` or `,`) or an XLSX, read by core.sheets; an XLSX with
merged cells is refused (a merge leaves the other cells of its range empty)."""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from benecomune.core import sheets
from benecomune.core.identifiers import normalize_fiscal_code, parse_fiscal_code
from benecomune.corporate.models import EmployeeCategory

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 3000


@dataclass(frozen=True)
class Column:
    key: str
    help: str
    required: bool = False


COLUMNS = [
    Column("codice_fiscale", gettext_lazy("Codice fiscale del dipendente."), True),
    Column("matricola", gettext_lazy("Matricola aziendale."), True),
    Column("nome", gettext_lazy("Nome."), True),
    Column("cognome", gettext_lazy("Cognome."), True),
    Column("email", gettext_lazy("Per l'invito ad attivare l'account.")),
    Column("categoria", gettext_lazy("operaio, impiegato, quadro, dirigente o apprendista.")),
    Column("livello", gettext_lazy("Livello di inquadramento del CCNL.")),
    Column("sede", gettext_lazy("Sede di lavoro.")),
    Column("data_assunzione", gettext_lazy("Come 15/01/2024."), True),
    Column("data_cessazione", gettext_lazy("Vuota se in servizio.")),
    Column("part_time", gettext_lazy("Percentuale di tempo parziale, 100 se a tempo pieno.")),
    Column(
        "comune_residenza",
        gettext_lazy("Codice ISTAT o nome del Comune: serve solo per chi non è già registrato."),
    ),
]
KEYS = {c.key for c in COLUMNS}
ALIASES = {
    "cf": "codice_fiscale",
    "codice fiscale": "codice_fiscale",
    "e-mail": "email",
    "mail": "email",
    "data assunzione": "data_assunzione",
    "data cessazione": "data_cessazione",
    "part-time": "part_time",
    "part time": "part_time",
    "comune di residenza": "comune_residenza",
}
DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y")


@dataclass
class RowProblem:
    line: int
    column: str
    message: str


@dataclass
class RosterRow:
    line: int
    fiscal_code: str = ""
    employee_number: str = ""
    first_name: str = ""
    last_name: str = ""
    email: str = ""
    category: str = ""
    level: str = ""
    site: str = ""
    hired_on: datetime.date | None = None
    left_on: datetime.date | None = None
    part_time_percent: int = 100
    residence: str = ""
    problems: list[RowProblem] = field(default_factory=list)

    def problem(self, column: str, message: str) -> None:
        self.problems.append(RowProblem(self.line, column, message))


def _key(value) -> str:
    text = " ".join(str(value).strip().lower().split())
    return ALIASES.get(text, text.replace(" ", "_"))


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def _date(row: RosterRow, column: str, value) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = _cell(value)
    if not text:
        return None
    for pattern in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    row.problem(
        column, _("Data non valida «%(value)s»: la scriva come 15/01/2024.") % {"value": text}
    )
    return None


CATEGORY_OF = {
    **{v: v for v in EmployeeCategory.values},
    **{str(label).lower(): v for v, label in EmployeeCategory.choices},
    "operai": "operaio",
    "impiegati": "impiegato",
    "quadri": "quadro",
    "dirigenti": "dirigente",
    "apprendisti": "apprendista",
}


def _row(line: int, values: dict) -> RosterRow:
    row = RosterRow(line=line)
    code = normalize_fiscal_code(_cell(values.get("codice_fiscale")))
    row.fiscal_code = code
    if not code:
        row.problem("codice_fiscale", _("Manca il codice fiscale."))
    else:
        try:
            parse_fiscal_code(code)
        except ValidationError as exc:
            row.problem("codice_fiscale", exc.messages[0])
    row.employee_number = _cell(values.get("matricola"))[:30]
    if not row.employee_number:
        row.problem("matricola", _("Manca la matricola."))
    row.first_name = _cell(values.get("nome"))[:100]
    row.last_name = _cell(values.get("cognome"))[:100]
    if not row.first_name:
        row.problem("nome", _("Manca il nome."))
    if not row.last_name:
        row.problem("cognome", _("Manca il cognome."))
    row.email = _cell(values.get("email")).lower()
    if row.email:
        try:
            validate_email(row.email)
        except ValidationError:
            row.problem(
                "email", _("Indirizzo e-mail non valido «%(value)s».") % {"value": row.email}
            )
    category = _cell(values.get("categoria")).lower()
    if category:
        row.category = CATEGORY_OF.get(category, "")
        if not row.category:
            row.problem(
                "categoria",
                _(
                    "Categoria «%(value)s» non prevista: operaio, impiegato, quadro, dirigente o "
                    "apprendista."
                )
                % {"value": category},
            )
    row.level = _cell(values.get("livello"))[:30]
    row.site = _cell(values.get("sede"))[:100]
    row.hired_on = _date(row, "data_assunzione", values.get("data_assunzione"))
    if row.hired_on is None and not any(p.column == "data_assunzione" for p in row.problems):
        row.problem("data_assunzione", _("Manca la data di assunzione."))
    row.left_on = _date(row, "data_cessazione", values.get("data_cessazione"))
    if row.hired_on and row.left_on and row.left_on < row.hired_on:
        row.problem("data_cessazione", _("La cessazione è precedente all'assunzione."))
    part_time = _cell(values.get("part_time")).rstrip("%").strip()
    if part_time:
        try:
            row.part_time_percent = int(part_time)
        except ValueError:
            row.part_time_percent = 0
        if not 1 <= row.part_time_percent <= 100:
            row.problem(
                "part_time",
                _(
                    "Percentuale di tempo parziale non valida «%(value)s»: un numero intero da "
                    "1 a 100."
                )
                % {"value": part_time},
            )
    row.residence = _cell(values.get("comune_residenza"))
    return row


def _header(raw: list[list]) -> tuple[list[str], int]:
    return sheets.read_header(
        raw,
        normalise=_key,
        required=[c.key for c in COLUMNS if c.required],
        known=KEYS,
    )


def read_roster(data: bytes) -> list[RosterRow]:
    """Every non-blank row, checked one by one and against each other (duplicate codice
    fiscale or matricola). SheetError for a file that cannot be read as a whole."""
    kind = sheets.sniff_kind(data, max_bytes=MAX_BYTES)
    if kind == "xlsx":
        merged = sheets.xlsx_merged_ranges(data)
        if merged:
            raise sheets.SheetError(
                _(
                    "Il foglio ha celle unite (%(ranges)s): le divida, scrivendo il valore in "
                    "ogni cella, e carichi di nuovo il file."
                )
                % {"ranges": ", ".join(merged[:5])}
            )
        raw = sheets.xlsx_rows(data, max_rows=MAX_ROWS)
    else:
        raw = sheets.csv_rows(data)
    header, skipped = _header(raw)
    rows = []
    for line, values in enumerate(raw[1:], start=skipped + 2):
        if all(sheets.blank(v) for v in values):
            continue
        cells = {h: v for h, v in zip(header, values, strict=False) if h}
        rows.append(_row(line, cells))
    if not rows:
        raise sheets.SheetError(_("Il file contiene solo la riga dei titoli: nessun dipendente."))
    if len(rows) > MAX_ROWS:
        raise sheets.SheetError(
            _("Il file ha più di %(n)s dipendenti: lo divida in più file.") % {"n": MAX_ROWS}
        )
    _duplicates(
        rows,
        "fiscal_code",
        "codice_fiscale",
        _("Codice fiscale %(value)s ripetuto: è già alla riga %(first)s."),
    )
    _duplicates(
        rows,
        "employee_number",
        "matricola",
        _("Matricola %(value)s ripetuta: è già alla riga %(first)s."),
    )
    return rows


def _duplicates(rows: list[RosterRow], attribute: str, column: str, message: str) -> None:
    first_line: dict[str, int] = {}
    for row in rows:
        value = getattr(row, attribute)
        if not value:
            continue
        key = value.casefold()
        if key in first_line:
            row.problem(column, message % {"value": value, "first": first_line[key]})
        else:
            first_line[key] = row.line

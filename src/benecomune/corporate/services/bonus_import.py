"""Productivity bonuses from a CSV or XLSX file (columns `matricola`, `anno`, `importo` in
euro): all or nothing. Every row is checked (known matricola, a year with rules, an amount,
no row twice, not already converted); any problem refuses the file with one Italian line per
problem and nothing is written. Then each row goes through `bonus.record_bonus`."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from benecomune.core import sheets
from benecomune.core.actors import Actor
from benecomune.core.models import Company
from benecomune.corporate.models import BonusConversion, BonusRule, Employee
from benecomune.corporate.services.bonus import record_bonus
from benecomune.ledger.exceptions import LedgerError
from benecomune.ledger.money import parse_euro

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 10_000
COLUMNS = ("matricola", "anno", "importo")


def _key(value) -> str:
    return str(value).strip().lower().replace(" ", "_")


def _read(data: bytes) -> list[tuple[int, dict]]:
    kind = sheets.sniff_kind(data, max_bytes=MAX_BYTES)
    raw = sheets.xlsx_rows(data, max_rows=MAX_ROWS) if kind == "xlsx" else sheets.csv_rows(data)
    header, skipped = sheets.read_header(raw, normalise=_key, required=COLUMNS, known=COLUMNS)
    rows = []
    for line, values in enumerate(raw[1:], start=skipped + 2):
        if all(sheets.blank(v) for v in values):
            continue
        rows.append((line, {h: v for h, v in zip(header, values, strict=False) if h}))
    if not rows:
        raise sheets.SheetError(_("Il file contiene solo la riga dei titoli: nessun premio."))
    return rows


@transaction.atomic
def import_bonuses(actor: Actor, company: Company, data: bytes) -> int:
    """Record every bonus of the file, or none. Returns how many rows were recorded."""
    actor.require("company.employees", company)
    try:
        rows = _read(data)
    except sheets.SheetError as exc:
        raise ValidationError(str(exc)) from None
    employees = dict(
        Employee.objects_unscoped.filter(company=company).values_list("employee_number", "pk")
    )
    years = set(BonusRule.objects.values_list("year", flat=True))
    converted = set(
        BonusConversion.objects_unscoped.filter(company=company).values_list(
            "employee_id", "bonus__year"
        )
    )
    errors, good, seen = [], [], {}
    for line, cells in rows:
        number = str(cells.get("matricola") or "").strip()
        problems = []
        employee_id = employees.get(number)
        if employee_id is None:
            problems.append(_("matricola «%(v)s» sconosciuta") % {"v": number})
        try:
            year = int(str(cells.get("anno") or "").strip().split(".")[0])
        except ValueError:
            year = None
            problems.append(_("anno non valido"))
        if year is not None and year not in years:
            problems.append(_("per il %(y)s non ci sono regole di conversione") % {"y": year})
        try:
            amount = parse_euro(str(cells.get("importo") or "").strip())
        except (LedgerError, ValidationError, ValueError):
            amount = None
        if not amount or amount <= 0:
            problems.append(_("importo non valido (in euro, per esempio 1.500,00)"))
        key = (employee_id, year)
        if employee_id and year and key in seen:
            problems.append(_("ripetuto: è già alla riga %(n)s") % {"n": seen[key]})
        if employee_id and year and key in converted:
            problems.append(_("il dipendente ha già convertito il premio di quell'anno"))
        seen.setdefault(key, line)
        if problems:
            errors.append(_("Riga %(n)s: %(p)s.") % {"n": line, "p": "; ".join(problems)})
        else:
            good.append((employee_id, year, amount))
    if errors:
        raise ValidationError(errors)
    by_pk = Employee.objects_unscoped.in_bulk([e for e, _y, _a in good])
    for employee_id, year, amount in good:
        record_bonus(actor, by_pk[employee_id], year=year, amount=amount)
    return len(good)

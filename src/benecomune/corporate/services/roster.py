"""Importing a company's roster (CSV or XLSX): all or nothing per file.

Every row is checked first (roster_format, then against the registry and the company's
employees); with any problem the file is refused with the list (row, column, message) and
nothing changes. Otherwise each row creates or updates its employee (by codice fiscale; the
person is found or registered through core, never duplicated) and only what changed is
written and audited: the same file twice changes nothing. With `complete=True` ("questo file è
l'elenco completo") employees missing from the file are marked as leavers on the import's day.
New employees with an e-mail and no account are invited once to activate it.

Written in batches (people through core's `ensure_people`, employees by bulk_create /
bulk_update, one audit event per change by multi-row INSERTs, plus `roster.imported`), so a
file of MAX_ROWS rows takes about a second: synchronous.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from benecomune.core import audit, sheets
from benecomune.core.actors import Actor
from benecomune.core.bulk import BATCH, db_value
from benecomune.core.identifiers import fiscal_code_mismatches
from benecomune.core.models import Company, Municipality, Person
from benecomune.core.services.people import ensure_people
from benecomune.corporate.models import Employee
from benecomune.corporate.roster_format import RosterRow, RowProblem, read_roster
from benecomune.corporate.services.activation import invite_employee

EMPLOYEE_FIELDS = [
    "employee_number",
    "email",
    "category",
    "level",
    "site",
    "hired_on",
    "left_on",
    "part_time_percent",
]


class RosterRefused(ValidationError):
    """The file was refused: `problems` (row, column, message); nothing was written."""

    def __init__(self, problems: list[RowProblem], message: str = ""):
        self.problems = problems
        if not message:
            lines = len({p.line for p in problems})
            message = ngettext(
                "%(n)s riga contiene errori: il file non è stato importato, nulla è cambiato.",
                "%(n)s righe contengono errori: il file non è stato importato, nulla è cambiato.",
                lines,
            ) % {"n": lines}
        super().__init__(message)


@dataclass
class RosterReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    left: list[str] = field(default_factory=list)
    invited: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.left)


def _residences(rows: list[RosterRow]) -> dict[str, Municipality]:
    wanted = {r.residence.casefold() for r in rows if r.residence}
    found = {}
    for municipality in Municipality.objects.filter(is_active=True):
        for key in (municipality.istat_code, municipality.name.casefold()):
            if key in wanted:
                found[key] = municipality
    return found


def _check_against_registry(company: Company, rows: list[RosterRow]) -> dict:
    """Problems that need the database; returns {fiscal code: Person} of the known people."""
    codes = [r.fiscal_code for r in rows if r.fiscal_code]
    people = {p.fiscal_code: p for p in Person.objects_unscoped.filter(fiscal_code__in=codes)}
    residences = _residences(rows)
    numbers = {r.employee_number.casefold(): r for r in rows if r.employee_number}
    holders = Employee.objects_unscoped.filter(company=company).select_related("person")
    for employee in holders:
        row = numbers.get(employee.employee_number.casefold())
        if row is not None and row.fiscal_code and row.fiscal_code != employee.person.fiscal_code:
            row.problem(
                "matricola",
                _("La matricola %(number)s è già di un altro dipendente (%(name)s).")
                % {"number": row.employee_number, "name": employee.person},
            )
    for row in rows:
        person = people.get(row.fiscal_code)
        if person is not None:
            same = (
                person.first_name.casefold() == row.first_name.casefold()
                and person.last_name.casefold() == row.last_name.casefold()
            )
            if row.first_name and row.last_name and not same:
                row.problem(
                    "codice_fiscale",
                    _(
                        "Il codice fiscale %(code)s è registrato a nome di %(name)s, non di "
                        "%(row)s: controlli il codice o il nome."
                    )
                    % {
                        "code": row.fiscal_code,
                        "name": person.full_name,
                        "row": f"{row.first_name} {row.last_name}",
                    },
                )
        elif row.fiscal_code and not any(p.column == "codice_fiscale" for p in row.problems):
            # A person registered from the file: the code must encode the name typed with it.
            wrong = fiscal_code_mismatches(
                row.fiscal_code, first_name=row.first_name, last_name=row.last_name
            )
            for column, key in (("cognome", "last_name"), ("nome", "first_name")):
                if key in wrong:
                    row.problem(column, wrong[key])
            if not row.residence:
                row.problem(
                    "comune_residenza",
                    _(
                        "%(name)s non è ancora registrato sulla piattaforma: indichi il Comune "
                        "di residenza (codice ISTAT o nome)."
                    )
                    % {"name": f"{row.first_name} {row.last_name}"},
                )
            elif row.residence.casefold() not in residences:
                row.problem(
                    "comune_residenza",
                    _("Il Comune «%(value)s» non è tra quelli della piattaforma.")
                    % {"value": row.residence},
                )
    return people


def _plain(values: dict) -> dict:
    """JSON-safe values for the audit (dates as ISO text)."""
    return {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in values.items()}


def _values(row: RosterRow) -> dict:
    return {
        "employee_number": row.employee_number,
        "email": row.email,
        "category": row.category,
        "level": row.level,
        "site": row.site,
        "hired_on": row.hired_on,
        "left_on": row.left_on,
        "part_time_percent": row.part_time_percent,
    }


def _event(company: Company, action: str, employee: Employee, before, after, reason=""):
    """One audit row for `audit.insert_events` (an employee's change)."""
    return (
        company.pk,
        action,
        "corporate.employee",
        str(employee.pk),
        str(employee)[:200],
        employee.person_id,
        None if before is None else db_value(_plain(before)),
        db_value(_plain(after)),
        reason,
    )


def _hire(actor, company, rows: list[RosterRow], residences) -> list[Employee]:
    """New employees of the file, in its order: their people found or registered through
    core (`ensure_people`), the employees inserted in batches, one `employee.hired` each."""
    if not rows:
        return []
    people = ensure_people(
        actor,
        [
            {
                "fiscal_code": row.fiscal_code,
                "first_name": row.first_name,
                "last_name": row.last_name,
                "residence": residences.get(row.residence.casefold()),
                "email": row.email,
            }
            for row in rows
        ],
    )
    hired = Employee.objects_unscoped.bulk_create(
        [Employee(company=company, person=people[row.fiscal_code], **_values(row)) for row in rows],
        batch_size=BATCH,
    )
    audit.record_many(
        actor,
        "employee.hired",
        [(e, company.pk, e.person_id, audit.snapshot(e, EMPLOYEE_FIELDS), str(e)) for e in hired],
    )
    return hired


def _update(actor, company, rows, existing, report: RosterReport) -> None:
    """Known employees whose row differs: only the changed fields are written and audited
    (before/after); the rest count as unchanged."""
    changed_rows, fields, events = [], set(), []
    for row in rows:
        employee = existing.get(row.fiscal_code)
        if employee is None:
            continue
        changed = {k: v for k, v in _values(row).items() if getattr(employee, k) != v}
        if not changed:
            report.unchanged += 1
            continue
        before = {k: getattr(employee, k) for k in changed}
        for key, value in changed.items():
            setattr(employee, key, value)
        fields |= set(changed)
        changed_rows.append(employee)
        events.append(_event(company, "employee.updated", employee, before, changed))
        report.updated.append(row.employee_number)
    if changed_rows:
        Employee.objects_unscoped.bulk_update(changed_rows, sorted(fields), batch_size=BATCH)
        audit.insert_events(actor, events)


def _leave(actor, company, seen: set[str]) -> list[str]:
    """The complete-list option: employees in service missing from the file leave today
    (not before their hiring)."""
    today = timezone.localdate()
    leavers = list(
        Employee.objects_unscoped.filter(company=company, left_on__isnull=True)
        .exclude(Q(person__fiscal_code__in=seen))
        .select_related("person")
    )
    for employee in leavers:
        employee.left_on = max(today, employee.hired_on)
    Employee.objects_unscoped.bulk_update(leavers, ["left_on"], batch_size=BATCH)
    reason = _("Assente dall'elenco completo importato.")
    audit.insert_events(
        actor,
        [
            _event(company, "employee.left", e, {"left_on": None}, {"left_on": e.left_on}, reason)
            for e in leavers
        ],
    )
    return [e.employee_number for e in leavers]


@transaction.atomic
def import_roster(
    actor: Actor, company: Company, data: bytes, *, complete: bool = False, base_url: str = ""
) -> RosterReport:
    actor.require("company.employees", company)
    try:
        rows = read_roster(data)
    except sheets.SheetError as exc:
        raise RosterRefused([], str(exc)) from None
    # One import of a company at a time: a second one waits for this one's rows.
    Company.objects.select_for_update().get(pk=company.pk)
    _check_against_registry(company, rows)
    problems = [p for row in rows for p in row.problems]
    if problems:
        raise RosterRefused(problems)
    residences = _residences(rows)
    existing = {
        e.person.fiscal_code: e
        for e in Employee.objects_unscoped.filter(company=company).select_related("person")
    }
    report = RosterReport()
    hired = _hire(actor, company, [r for r in rows if r.fiscal_code not in existing], residences)
    report.created = [e.employee_number for e in hired]
    _update(actor, company, rows, existing, report)
    by_code = {**existing, **{e.person.fiscal_code: e for e in hired}}
    for row in rows:  # in the file's order, like one by one (core's outbox keeps it)
        if invite_employee(actor, by_code[row.fiscal_code], base_url=base_url):
            report.invited += 1
    if complete:
        report.left = _leave(actor, company, {r.fiscal_code for r in rows})
    audit.record(
        actor,
        "roster.imported",
        company,
        organization=company,
        after={
            "rows": len(rows),
            "created": len(report.created),
            "updated": len(report.updated),
            "left": len(report.left),
            "complete": complete,
        },
    )
    return report

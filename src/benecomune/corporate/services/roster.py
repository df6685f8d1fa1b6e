"""Importing a company's roster (CSV or XLSX): all or nothing per file.

Every row is checked first (roster_format, then against the registry and the company's
employees); with any problem the file is refused with the list (row, column, message) and
nothing changes. Otherwise each row creates or updates its employee (by codice fiscale; the
person is found or registered through core, never duplicated) and only what changed is
written and audited: the same file twice changes nothing. With `complete=True` ("questo file è
l'elenco completo") employees missing from the file are marked as leavers on the import's day.
New employees with an e-mail and no account are invited once to activate it.

Synchronous: a roster is at most MAX_ROWS rows and 2 MB, read and written in seconds.
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
from benecomune.core.models import Company, Municipality, Person
from benecomune.core.services.people import ensure_person
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
    seen = set()
    for row in rows:
        seen.add(row.fiscal_code)
        employee = existing.get(row.fiscal_code)
        values = _values(row)
        if employee is None:
            person, _created = ensure_person(
                actor,
                fiscal_code=row.fiscal_code,
                first_name=row.first_name,
                last_name=row.last_name,
                residence=residences.get(row.residence.casefold()),
                email=row.email,
            )
            employee = Employee.objects_unscoped.create(company=company, person=person, **values)
            audit.record(
                actor,
                "employee.hired",
                employee,
                organization=company,
                person=person,
                after=audit.snapshot(employee, EMPLOYEE_FIELDS),
            )
            report.created.append(row.employee_number)
        else:
            changed = {k: v for k, v in values.items() if getattr(employee, k) != v}
            if not changed:
                report.unchanged += 1
            else:
                before = {k: getattr(employee, k) for k in changed}
                for key, value in changed.items():
                    setattr(employee, key, value)
                employee.save(update_fields=list(changed))
                audit.record(
                    actor,
                    "employee.updated",
                    employee,
                    organization=company,
                    person=employee.person_id,
                    before=_plain(before),
                    after=_plain(changed),
                )
                report.updated.append(row.employee_number)
        if invite_employee(actor, employee, base_url=base_url):
            report.invited += 1
    if complete:
        today = timezone.localdate()
        leavers = Employee.objects_unscoped.filter(company=company, left_on__isnull=True).exclude(
            Q(person__fiscal_code__in=seen)
        )
        for employee in leavers.select_related("person"):
            employee.left_on = max(today, employee.hired_on)
            employee.save(update_fields=["left_on"])
            audit.record(
                actor,
                "employee.left",
                employee,
                organization=company,
                person=employee.person_id,
                before={"left_on": None},
                after={"left_on": employee.left_on.isoformat()},
                reason=_("Assente dall'elenco completo importato."),
            )
            report.left.append(employee.employee_number)
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

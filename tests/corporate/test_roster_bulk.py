"""The roster import writes in batches (people through core's `ensure_people`, employees and
audit events by multi-row inserts): one re-import with new, changed and leaving employees
gives exactly the expected rows, people and one audit event per change."""

import pytest

from benecomune.core.models import AuditEvent, Person
from benecomune.corporate.models import Employee
from benecomune.corporate.services import roster
from tests.corporate.conftest import PEOPLE, fiscal_code, roster_csv

pytestmark = pytest.mark.django_db(transaction=False)

NEW = ("Elena", "Rossi", "F", "09/09/1990", "MB005", "impiegato", "4", "Limena", "01/02/2026", 80)


def _rows(company):
    return sorted(
        Employee.objects_unscoped.filter(company=company).values_list(
            "employee_number",
            "person__fiscal_code",
            "category",
            "level",
            "site",
            "part_time_percent",
            "left_on",
        )
    )


def test_new_changed_and_leaving_employees_in_one_complete_file(hr_operator, company, municipality):
    roster.import_roster(hr_operator, company, roster_csv(), base_url="http://t")
    people = Person.objects_unscoped.count()
    since = AuditEvent.objects_unscoped.order_by("-pk").values_list("pk", flat=True).first()
    # MB001 unchanged, MB002 changes site and part-time, MB003 changes level, MB004 missing
    # (leaves), MB005 new.
    data = roster_csv(
        [*PEOPLE[:3], NEW],
        overrides={1: {"part": "100", "site": "Limena"}, 2: {"level": "Q1"}},
    )
    report = roster.import_roster(hr_operator, company, data, complete=True, base_url="http://t")

    assert (report.created, report.updated, report.left) == (
        ["MB005"],
        ["MB002", "MB003"],
        ["MB004"],
    )
    assert report.unchanged == 1 and report.invited == 1
    left_on = Employee.objects_unscoped.get(employee_number="MB004").left_on
    assert left_on is not None
    code = {row[4]: fiscal_code(*row[:4]) for row in [*PEOPLE, NEW]}
    assert _rows(company) == [
        ("MB001", code["MB001"], "operaio", "3", "Piazzola", 100, None),
        ("MB002", code["MB002"], "impiegato", "5", "Limena", 100, None),
        ("MB003", code["MB003"], "quadro", "Q1", "Limena", 100, None),
        ("MB004", code["MB004"], "operaio", "2", "Limena", 100, left_on),
        ("MB005", code["MB005"], "impiegato", "4", "Limena", 80, None),
    ]
    assert Person.objects_unscoped.count() == people + 1
    elena = Person.objects_unscoped.get(fiscal_code=code["MB005"])
    assert (elena.first_name, elena.residence, elena.birth_date.isoformat()) == (
        "Elena",
        municipality,
        "1990-09-09",
    )

    events = AuditEvent.objects_unscoped.filter(pk__gt=since)
    actions = sorted(events.values_list("action", "object_repr"))
    assert actions == sorted(
        [
            ("person.registered", "Rossi Elena"),
            ("employee.hired", "MB005 Rossi Elena"),
            ("employee.invited", "MB005 Rossi Elena"),
            ("employee.updated", "MB002 Verdi Giulia"),
            ("employee.updated", "MB003 Neri Marco"),
            ("employee.left", "MB004 Gallo Sara"),
            ("roster.imported", str(company)),
        ]
    )
    updated = events.get(action="employee.updated", object_repr__startswith="MB002")
    assert (updated.before, updated.after) == (
        {"site": "Piazzola", "part_time_percent": 50},
        {"site": "Limena", "part_time_percent": 100},
    )
    assert updated.person_id == Employee.objects_unscoped.get(employee_number="MB002").person_id
    assert updated.organization_id == company.pk
    left = events.get(action="employee.left")
    assert (left.before, left.after) == ({"left_on": None}, {"left_on": left_on.isoformat()})
    hired = events.get(action="employee.hired")
    assert hired.after["part_time_percent"] == 80 and hired.after["hired_on"] == "2026-02-01"
    registered = events.get(action="person.registered")
    assert registered.person_id == elena.pk and registered.organization_id == municipality.pk
    assert registered.after["fiscal_code"] == code["MB005"]


def test_a_file_of_only_known_people_registers_nobody(hr_operator, company, municipality):
    roster.import_roster(hr_operator, company, roster_csv(), base_url="http://t")
    people = Person.objects_unscoped.count()
    other = roster_csv(overrides={i: {"number": f"X{i}"} for i in range(4)})
    Employee.objects_unscoped.filter(company=company).delete()
    report = roster.import_roster(hr_operator, company, other, base_url="http://t")
    assert len(report.created) == 4
    assert Person.objects_unscoped.count() == people


def test_a_person_registered_meanwhile_gets_an_italian_message_and_saves_nothing(
    hr_operator, company, municipality, monkeypatch
):
    """Another operation registers one of the file's people between the import's read and its
    insert: the unique codice fiscale refuses the insert, the whole import rolls back."""
    from django.core.exceptions import ValidationError
    from django.db import IntegrityError

    before = (Person.objects_unscoped.count(), AuditEvent.objects_unscoped.count())

    def registered_meanwhile(*args, **kwargs):
        raise IntegrityError("duplicate key value violates unique constraint")

    monkeypatch.setattr(Person.objects_unscoped, "bulk_create", registered_meanwhile)
    with pytest.raises(ValidationError) as refused:
        roster.import_roster(hr_operator, company, roster_csv(), base_url="http://t")
    assert "ripeta l'importazione" in refused.value.messages[0]
    assert (Person.objects_unscoped.count(), AuditEvent.objects_unscoped.count()) == before
    assert not Employee.objects_unscoped.filter(company=company).exists()

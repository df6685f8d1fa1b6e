"""Roster import: all or nothing per file, a row report in Italian for bad input, idempotent
re-import, leavers only with the complete-list option, invitations sent once."""

import io

import pytest
from django.core import mail
from openpyxl import Workbook

from benecomune.core.models import AuditEvent, Person
from benecomune.corporate.models import Employee
from benecomune.corporate.services import roster
from benecomune.corporate.services.roster import RosterRefused
from tests.corporate.conftest import HEADER, PEOPLE, fiscal_code, roster_csv

pytestmark = pytest.mark.django_db(transaction=False)

URL = "http://testserver"


def _import(actor, company, data, **kwargs):
    return roster.import_roster(actor, company, data, base_url=URL, **kwargs)


def _state(company):
    return sorted(
        Employee.objects_unscoped.filter(company=company).values_list(
            "employee_number",
            "email",
            "category",
            "level",
            "site",
            "part_time_percent",
            "hired_on",
            "left_on",
        )
    )


def _refused(actor, company, data, **kwargs) -> RosterRefused:
    people_before = Person.objects_unscoped.count()
    state = _state(company)
    with pytest.raises(RosterRefused) as refused:
        _import(actor, company, data, **kwargs)
    assert _state(company) == state
    assert Person.objects_unscoped.count() == people_before
    return refused.value


def test_a_roster_creates_employees_and_people_and_invites_them(
    hr_operator, company, municipality, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        report = _import(hr_operator, company, roster_csv())
    assert sorted(report.created) == ["MB001", "MB002", "MB003", "MB004"]
    assert report.invited == 4
    giulia = Employee.objects_unscoped.get(company=company, employee_number="MB002")
    assert (giulia.category, giulia.level, giulia.site, giulia.part_time_percent) == (
        "impiegato",
        "5",
        "Piazzola",
        50,
    )
    assert giulia.person.residence == municipality
    assert len(mail.outbox) == 4
    assert "/invito/dipendente/" in mail.outbox[0].body


def test_the_same_file_twice_changes_nothing(hr_operator, company, municipality):
    _import(hr_operator, company, roster_csv())
    state = _state(company)
    events = AuditEvent.objects_unscoped.exclude(action="roster.imported").count()
    report = _import(hr_operator, company, roster_csv())
    assert (report.created, report.updated, report.left, report.invited) == ([], [], [], 0)
    assert report.unchanged == 4 and not report.changed
    assert _state(company) == state
    assert AuditEvent.objects_unscoped.exclude(action="roster.imported").count() == events


def test_a_changed_row_is_updated_and_audited(hr_operator, company, municipality):
    _import(hr_operator, company, roster_csv())
    changed = roster_csv(overrides={1: {"part": "100", "site": "Limena"}})
    report = _import(hr_operator, company, changed)
    assert report.updated == ["MB002"] and report.unchanged == 3
    giulia = Employee.objects_unscoped.get(company=company, employee_number="MB002")
    assert (giulia.part_time_percent, giulia.site) == (100, "Limena")
    event = AuditEvent.objects_unscoped.get(action="employee.updated")
    assert event.before == {"site": "Piazzola", "part_time_percent": 50}


def test_missing_employees_leave_only_with_the_complete_list_option(
    hr_operator, company, municipality
):
    _import(hr_operator, company, roster_csv())
    shorter = roster_csv(PEOPLE[:3])
    assert _import(hr_operator, company, shorter).left == []
    assert not Employee.objects_unscoped.filter(left_on__isnull=False).exists()
    report = _import(hr_operator, company, shorter, complete=True)
    assert report.left == ["MB004"]
    sara = Employee.objects_unscoped.get(employee_number="MB004")
    assert sara.left_on is not None
    assert _import(hr_operator, company, shorter, complete=True).left == []  # idempotent


def test_a_known_person_is_reused_never_duplicated(hr_operator, company, municipality, make_person):
    person = make_person(municipality, first_name="Luca", last_name="Bianchi")
    row = (*PEOPLE[0][:4], "X1", *PEOPLE[0][5:])
    data = roster_csv([row], overrides={0: {"cf": person.fiscal_code, "residence": ""}})
    _import(hr_operator, company, data)
    assert Employee.objects_unscoped.get(employee_number="X1").person == person
    assert Person.objects_unscoped.filter(fiscal_code=person.fiscal_code).count() == 1


def test_a_bom_and_semicolons_are_read(hr_operator, company, municipality):
    assert len(_import(hr_operator, company, roster_csv(bom=True)).created) == 4


def test_commas_are_read_too(hr_operator, company, municipality):
    data = roster_csv().decode().replace(";", ",").encode()
    assert len(_import(hr_operator, company, data).created) == 4


def test_an_invalid_codice_fiscale_is_reported_by_row_and_column(
    hr_operator, company, municipality
):
    bad = roster_csv(overrides={2: {"cf": "RSSMRA80A01G224X"}})
    refused = _refused(hr_operator, company, bad)
    assert [(p.line, p.column) for p in refused.problems] == [(4, "codice_fiscale")]
    assert "non è valido" in refused.problems[0].message
    assert "nulla è cambiato" in refused.messages[0]


def test_a_duplicate_codice_fiscale_is_refused(hr_operator, company, municipality):
    duplicate = roster_csv(overrides={1: {"cf": fiscal_code(*PEOPLE[0][:4])}})
    refused = _refused(hr_operator, company, duplicate)
    assert any(
        p.line == 3 and p.column == "codice_fiscale" and "ripetuto" in p.message
        for p in refused.problems
    )


def test_a_duplicate_matricola_is_refused(hr_operator, company, municipality):
    refused = _refused(hr_operator, company, roster_csv(overrides={3: {"number": "MB001"}}))
    assert [(p.line, p.column) for p in refused.problems] == [(5, "matricola")]


def test_latin1_is_refused_with_a_clear_message(hr_operator, company, municipality):
    data = roster_csv(overrides={0: {"site": "Città"}}).decode().encode("latin-1")
    refused = _refused(hr_operator, company, data)
    assert "UTF-8" in refused.messages[0]


def test_bad_cells_are_all_reported_at_once(hr_operator, company, municipality):
    bad = roster_csv(
        overrides={
            0: {"hired": "31/02/2020", "part": "120", "category": "stagista"},
            1: {"email": "non-una-mail", "left": "01/01/2000"},
        }
    )
    refused = _refused(hr_operator, company, bad)
    columns = {(p.line, p.column) for p in refused.problems}
    assert columns == {
        (2, "data_assunzione"),
        (2, "part_time"),
        (2, "categoria"),
        (3, "email"),
        (3, "data_cessazione"),
    }


def test_an_unknown_person_without_residence_is_refused(hr_operator, company, municipality):
    refused = _refused(hr_operator, company, roster_csv(overrides={0: {"residence": ""}}))
    assert refused.problems[0].column == "comune_residenza"


def test_a_name_not_matching_the_registry_is_refused(
    hr_operator, company, municipality, make_person
):
    person = make_person(municipality, first_name="Anna", last_name="Rossi", sex="F")
    refused = _refused(hr_operator, company, roster_csv(overrides={0: {"cf": person.fiscal_code}}))
    assert "registrato a nome di Anna Rossi" in refused.problems[0].message


def test_a_new_person_whose_code_does_not_encode_the_name_is_refused(
    hr_operator, company, municipality
):
    # Row 2's code is Mario Rossi's, the name typed with it someone else's: nobody is created.
    refused = _refused(hr_operator, company, roster_csv(overrides={1: {"cf": "RSSMRA80A01H501U"}}))
    assert [(p.line, p.column, p.message) for p in refused.problems] == [
        (3, "cognome", "Il codice fiscale non corrisponde al cognome indicato."),
        (3, "nome", "Il codice fiscale non corrisponde al nome indicato."),
    ]
    assert not Person.objects_unscoped.exists() and not Employee.objects_unscoped.exists()


def _xlsx(rows, merge=None) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    if merge:
        sheet.merge_cells(merge)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _xlsx_rows():
    rows = [HEADER.split(";")]
    for line in roster_csv().decode().splitlines()[1:]:
        rows.append(line.split(";"))
    return rows


def test_an_xlsx_roster_is_read(hr_operator, company, municipality):
    assert len(_import(hr_operator, company, _xlsx(_xlsx_rows())).created) == 4


def test_an_xlsx_with_merged_cells_is_refused(hr_operator, company, municipality):
    refused = _refused(hr_operator, company, _xlsx(_xlsx_rows(), merge="H2:H3"))
    assert "celle unite (H2:H3)" in refused.messages[0]


def test_a_missing_column_is_refused(hr_operator, company, municipality):
    data = roster_csv().decode().replace("matricola", "numero").encode()
    assert "«matricola»" in _refused(hr_operator, company, data).messages[0]


def test_the_auditor_cannot_import(hr_auditor, company, municipality):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        _import(hr_auditor, company, roster_csv())
    assert not Employee.objects_unscoped.exists()

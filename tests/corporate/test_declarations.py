"""The employee's declarations: dependent children and fringe benefits from other sources.
Only the employee declares; bad input is refused in Italian and writes nothing."""

import datetime

import pytest
from codicefiscale import codicefiscale
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from benecomune.core.actors import Actor
from benecomune.core.models import AuditEvent, User
from benecomune.corporate.models import DependentChild, Employee, OtherFringeBenefit
from benecomune.corporate.services import declarations

pytestmark = pytest.mark.django_db

CHILD = codicefiscale.encode(
    lastname="Verdi", firstname="Tommaso", gender="M", birthdate="01/03/2015", birthplace="Padova"
)


@pytest.fixture
def giulia(imported):
    employee = Employee.objects_unscoped.select_related("person").get(employee_number="MB002")
    user = User.objects.create_user("giulia@example.org", "x", person=employee.person)
    return employee, Actor(user=user)


def test_a_child_is_declared_once_per_year(giulia):
    employee, actor = giulia
    year = timezone.localdate().year
    declarations.declare_child(
        actor, employee, fiscal_code=CHILD.lower(), full_name="Tommaso Verdi", tax_year=year
    )
    with pytest.raises(ValidationError, match="già dichiarato"):
        declarations.declare_child(
            actor, employee, fiscal_code=CHILD, full_name="Tommaso Verdi", tax_year=year
        )
    assert DependentChild.objects_unscoped.get().fiscal_code == CHILD
    assert AuditEvent.objects_unscoped.filter(action="employee.child_declared").count() == 1


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"fiscal_code": "RSSMRA80A01G224X"}, "fiscal_code"),
        ({"full_name": " "}, "full_name"),
        ({"tax_year": 1999}, "tax_year"),
    ],
)
def test_bad_child_declarations_are_refused(giulia, fields, field):
    employee, actor = giulia
    data = {
        "fiscal_code": CHILD,
        "full_name": "Tommaso Verdi",
        "tax_year": timezone.localdate().year,
    } | fields
    with pytest.raises(ValidationError) as refused:
        declarations.declare_child(actor, employee, **data)
    assert field in refused.value.message_dict
    assert not DependentChild.objects_unscoped.exists()


def test_ones_own_codice_fiscale_is_not_a_child(giulia):
    employee, actor = giulia
    with pytest.raises(ValidationError, match="È il suo codice fiscale"):
        declarations.declare_child(
            actor,
            employee,
            fiscal_code=employee.person.fiscal_code,
            full_name="Giulia Verdi",
            tax_year=2026,
        )


def test_other_fringe_benefits_in_cents(giulia):
    employee, actor = giulia
    declarations.declare_other_fringe_benefit(
        actor, employee, amount=25_050, source="Ex datore", received_on=datetime.date(2026, 1, 5)
    )
    assert OtherFringeBenefit.objects_unscoped.get().amount == 25_050
    with pytest.raises(ValidationError) as refused:
        declarations.declare_other_fringe_benefit(
            actor,
            employee,
            amount=0,
            source="",
            received_on=timezone.localdate() + datetime.timedelta(days=1),
        )
    assert set(refused.value.message_dict) == {"amount", "source", "received_on"}
    assert OtherFringeBenefit.objects_unscoped.count() == 1


def test_hr_cannot_declare_for_an_employee(giulia, hr_admin):
    employee, _actor = giulia
    with pytest.raises(PermissionDenied):
        declarations.declare_child(
            hr_admin, employee, fiscal_code=CHILD, full_name="Tommaso Verdi", tax_year=2026
        )

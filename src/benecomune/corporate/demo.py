"""Demo data: employees of the demo company."""

from datetime import date

from django.db import transaction

from benecomune.core import audit
from benecomune.core.models import Company, Person
from benecomune.corporate.models import Employee

EMPLOYEES = 15


def seed(actor, network, rng):
    company = Company.objects.filter(network=network).order_by("pk").first()
    if company is None or Employee.objects_unscoped.filter(company=company).exists():
        return
    adults = [
        p
        for p in Person.objects_unscoped.filter(residence__network=network).order_by("pk")
        if 20 <= p.age_on(date(2026, 1, 1)) <= 64
    ]
    with transaction.atomic():
        for number, person in enumerate(rng.sample(adults, EMPLOYEES), start=1):
            employee = Employee.objects_unscoped.create(
                company=company,
                person=person,
                employee_number=f"MB{number:04d}",
                hired_on=date(2015 + number % 10, 1 + number % 12, 1),
            )
            audit.record(actor, "employee.hired", employee, organization=company, person=person)

"""Direct construction of applications and ISEE attestations for the calls' tests (the web
flow is tested apart)."""

import datetime

from django.utils import timezone

from benecomune.calls.models import Application, ApplicationMember, ApplicationStatus, IseeRecord
from benecomune.calls.services.evaluation import evaluate_application
from benecomune.core.scoping import all_tenants


def isee_record(head, members, value: int, serial: str) -> IseeRecord:
    """This year's ISEE attestation of `head`'s household (`members`: Person objects, head
    included), issued on 15 January (today in January); protocol INPS-ISEE-<year>-<serial>A-00."""
    today = timezone.localdate()
    return IseeRecord.objects.create(
        fiscal_code=head.fiscal_code,
        value=value,
        protocol=f"INPS-ISEE-{today.year}-{serial}A-00",
        issued_on=today.replace(month=1, day=15) if today.month > 1 else today,
        members=[member.fiscal_code for member in members],
    )


def add_members(application, members) -> None:
    """The application's household members, as on the form: (person, relationship) pairs."""
    for person, relationship in members:
        ApplicationMember.objects.create(
            application=application,
            call=application.call,
            person=person,
            fiscal_code=person.fiscal_code,
            full_name=person.full_name,
            birth_date=person.birth_date,
            relationship=relationship,
            disability=person.disability,
        )


def admitted_application(call, person, *, members=(), isee=500_000, status=None, minutes=0):
    """An application by `person` (plus `members`: Person objects) already decided."""
    today = timezone.localdate()
    with all_tenants():
        call.protocol_counter += 1
        call.save(update_fields=["protocol_counter"])
        application = Application.objects_unscoped.create(
            organization_id=person.residence_id,
            call=call,
            applicant=person,
            status=status or ApplicationStatus.ADMITTED,
            protocol=f"{call.code.upper()}-{today.year}-{call.protocol_counter:06d}",
            isee_value=isee,
            isee_date=today.replace(month=1, day=2) if today.month > 1 else today,
            submitted_at=timezone.now() + datetime.timedelta(minutes=minutes),
        )
        add_members(application, [(member, "") for member in (person, *members)])
        evaluate_application(application)
        application.save()
    return application

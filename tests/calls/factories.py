"""Direct construction of applications for ranking/award tests (the web flow is tested apart)."""

import datetime

from django.utils import timezone

from benecomune.calls.models import Application, ApplicationMember, ApplicationStatus
from benecomune.calls.services.evaluation import evaluate_application
from benecomune.core.scoping import all_tenants


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
        for member in (person, *members):
            ApplicationMember.objects.create(
                application=application,
                call=call,
                person=member,
                fiscal_code=member.fiscal_code,
                full_name=member.full_name,
                birth_date=member.birth_date,
                disability=member.disability,
            )
        evaluate_application(application)
        application.save()
    return application

"""Builders for the review tests: submitted applications made directly through the models (the
applications area has its own tests for how citizens get there)."""

import datetime

from django.core.files.base import ContentFile
from django.utils import timezone

from benecomune.calls.models import (
    Application,
    ApplicationDocument,
    ApplicationStatus,
    Call,
)
from benecomune.calls.services import review
from benecomune.calls.services.evaluation import evaluate_application, run_checks
from benecomune.core.scoping import all_tenants
from benecomune.core.services.people import add_household_member, create_household
from tests.calls.factories import add_members, isee_record

_serial = {"n": 100}


def make_family(make_person, municipality, admin_actor, *, last_name="Verdi", isee=850_000):
    """Head and a child in `municipality`, a household, and an ISEE record for the head."""
    _serial["n"] += 1
    with all_tenants():
        head = make_person(
            municipality,
            first_name="Anna",
            last_name=last_name,
            sex="F",
            email=f"anna.{_serial['n']}@example.org",
        )
        child = make_person(
            municipality, first_name="Piero", last_name=last_name, birthdate="01/01/2015"
        )
        household = create_household(admin_actor, head=head, address="Via Dante 3")
        add_household_member(admin_actor, household, child, "child")
    record = isee_record(head, [head, child], isee, f"{_serial['n']:09d}")
    return {"head": head, "child": child, "household": household, "isee": record}


def make_application(
    call: Call,
    family: dict,
    *,
    isee_value=None,
    declarations=None,
    with_document=True,
    status=ApplicationStatus.SUBMITTED,
) -> Application:
    """A submitted application of `family` (every member active), evaluated and checked."""
    head = family["head"]
    members = [(head, "head")] + [(family[k], k) for k in ("spouse", "child") if k in family]
    with all_tenants():
        application = Application.objects_unscoped.create(
            organization=head.residence,
            call=call,
            applicant=head,
            household=family["household"],
            isee_value=family["isee"].value if isee_value is None else isee_value,
            isee_protocol=family["isee"].protocol,
            isee_date=family["isee"].issued_on,
            declarations=declarations
            if declarations is not None
            else {d["code"]: True for d in call.rules.get("declarations", [])},
            contact_email=head.email,
        )
        add_members(application, members)
        if with_document:
            ApplicationDocument.objects.create(
                application=application,
                code="id_card",
                file=ContentFile(b"%PDF-1.4 documento di prova\n", name="carta.pdf"),
                original_name="carta-identita.pdf",
                content_type="application/pdf",
                size=28,
                sha256="0" * 64,
            )
        run_checks(application)
        evaluate_application(application)
        call.protocol_counter += 1
        call.save(update_fields=["protocol_counter"])
        application.protocol = (
            f"{call.code.upper()}-{timezone.now().year}-{call.protocol_counter:06d}"
        )
        application.status = status
        application.submitted_at = timezone.now()
        application.save()
    return application


def full_checklist(application, outcome="ok") -> dict:
    with all_tenants():
        return {
            item["key"]: {"outcome": outcome, "note": ""}
            for item in review.checklist_items(application)
        }


def instruct(operator, application, proposal="admit", note=""):
    """Checklist all conforming, instruction closed with the proposal."""
    with all_tenants():
        review.save_checklist(operator, application, full_checklist(application))
        return review.complete_instruction(operator, application, proposal, note)


def refresh(application) -> Application:
    with all_tenants():
        return Application.objects_unscoped.get(pk=application.pk)


def tomorrow() -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=1)

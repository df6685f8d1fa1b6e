"""Instruction: checklist, rechecks through the adapters, soccorso istruttorio and its expiry."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.utils import timezone

from benecomune.calls.exceptions import CallError
from benecomune.calls.models import ApplicationStatus, ClarificationRequest, ClarificationStatus
from benecomune.calls.services import review
from benecomune.core.models import AuditEvent, Notification, Role
from benecomune.core.scoping import all_tenants
from tests.calls.review_factory import (
    full_checklist,
    make_application,
    make_family,
    refresh,
    tomorrow,
)
from tests.helpers import actor_for

pytestmark = pytest.mark.django_db


def events(application, action):
    return AuditEvent.objects_unscoped.filter(
        object_type="calls.application", object_id=str(application.pk), action=action
    )


@pytest.fixture
def application(make_call, family):
    return make_application(make_call(), family)


# --- checklist ---------------------------------------------------------------------------------


def test_checklist_items_follow_the_call(application):
    with all_tenants():
        items = review.checklist_items(application)
    keys = [item["key"] for item in items]
    assert keys == [
        "elig_residence",
        "elig_isee",
        "elig_members",
        "decl_truthful",
        "decl_no_other_aid",
        "doc_id_card",
        "check_residence",
        "check_isee",
    ]
    hints = {item["key"]: item["hint"] for item in items}
    assert hints["doc_id_card"] == "ok"
    assert hints["check_isee"] == "ok"
    assert hints["elig_isee"] == "ok"


def test_save_checklist_records_and_audits(application, operator_actor):
    data = {
        "elig_residence": {"outcome": "ok", "note": ""},
        "doc_id_card": {"outcome": "ko", "note": "Documento scaduto"},
        "decl_truthful": {"outcome": "", "note": ""},  # left empty: not recorded yet
    }
    with all_tenants():
        review.save_checklist(operator_actor, application, data, note="Prima verifica")
    application = refresh(application)
    assert application.checklist["items"] == {
        "elig_residence": {"outcome": "ok", "note": ""},
        "doc_id_card": {"outcome": "ko", "note": "Documento scaduto"},
    }
    assert application.review_note == "Prima verifica"
    event = events(application, "calls.checklist_saved").get()
    assert event.before == {"items": {}, "note": ""}
    assert event.after["items"]["doc_id_card"]["outcome"] == "ko"
    assert event.actor == operator_actor.user


@pytest.mark.parametrize(
    "data, message",
    [
        ({"made_up": {"outcome": "ok"}}, "sconosciuta"),
        ({"elig_residence": {"outcome": "maybe"}}, "conforme, non conforme o non applicabile"),
        ({"elig_residence": {"outcome": "ok", "note": "x" * 1001}}, "supera 1000 caratteri"),
    ],
)
def test_bad_checklist_changes_nothing(application, operator_actor, data, message):
    with all_tenants(), pytest.raises(CallError, match=message):
        review.save_checklist(operator_actor, application, data)
    assert refresh(application).checklist == {}
    assert not events(application, "calls.checklist_saved").exists()


def test_checklist_only_for_submitted(application, operator_actor):
    with all_tenants():
        review.request_application_clarification(
            operator_actor, application, "Manca la firma", tomorrow()
        )
        with pytest.raises(CallError, match="Integrazione richiesta"):
            review.save_checklist(operator_actor, application, full_checklist(application))


def test_checklist_needs_the_desk_of_the_applicants_comune(
    application, validator_actor, make_user, other_municipality
):
    user = make_user(
        "sportello@limena.example.org", role=Role.DESK_OPERATOR, organization=other_municipality
    )
    other_desk = actor_for(user, Role.DESK_OPERATOR, other_municipality)
    with all_tenants():
        for actor in (validator_actor, other_desk):
            with pytest.raises(PermissionDenied):
                review.save_checklist(actor, application, full_checklist(application))
    assert refresh(application).checklist == {}


def test_nobody_instructs_their_own_application(make_call, family, make_user, municipality):
    user = make_user(
        "giulia.sportello@example.org",
        person=family["spouse"],
        role=Role.DESK_OPERATOR,
        organization=municipality,
    )
    actor = actor_for(user, Role.DESK_OPERATOR, municipality)
    application = make_application(make_call(), family)
    with all_tenants(), pytest.raises(CallError, match="riguarda lei o il suo nucleo"):
        review.save_checklist(actor, application, full_checklist(application))


# --- adapters: mismatch flagged, recheck ---------------------------------------------------------


def test_declared_isee_different_from_inps_is_flagged(make_call, family, operator_actor):
    application = make_application(make_call(), family, isee_value=500_000)
    assert application.checks_mismatch is True
    assert application.checks["isee"]["ok"] is False
    assert "8.500,00" in application.checks["isee"]["message"]
    assert application.checks["residence"]["ok"] is True
    with all_tenants():
        hints = {i["key"]: i["hint"] for i in review.checklist_items(application)}
    assert hints["check_isee"] == "ko"

    # INPS corrects its record: the recheck clears the flag, and says so in the audit.
    family["isee"].value = 500_000
    family["isee"].save()
    with all_tenants():
        review.recheck(operator_actor, application)
    application = refresh(application)
    assert application.checks_mismatch is False
    event = events(application, "calls.application_rechecked").get()
    assert event.before["checks_mismatch"] is True
    assert event.after["checks_mismatch"] is False


def test_recheck_flags_a_member_missing_from_the_registry(make_call, family, operator_actor):
    application = make_application(make_call(), family)
    assert application.checks_mismatch is False
    with all_tenants():
        application.members.filter(fiscal_code=family["child"].fiscal_code).delete()
        review.recheck(operator_actor, application)
    application = refresh(application)
    assert application.checks_mismatch is True
    assert family["child"].fiscal_code in application.checks["residence"]["message"]


def test_recheck_refused_after_the_decision(application, operator_actor):
    with all_tenants():
        application.status = ApplicationStatus.ADMITTED
        application.save()
        with pytest.raises(CallError, match="prima della decisione"):
            review.recheck(operator_actor, application)


# --- soccorso istruttorio ------------------------------------------------------------------------


def test_clarification_request_notifies_and_changes_status(
    application, operator_actor, family, django_capture_on_commit_callbacks
):
    due = timezone.localdate() + datetime.timedelta(days=7)
    with all_tenants(), django_capture_on_commit_callbacks(execute=True):
        request = review.request_application_clarification(
            operator_actor, application, "Alleghi la carta d'identità firmata.", due
        )
    application = refresh(application)
    assert application.status == ApplicationStatus.CLARIFICATION
    assert request.status == ClarificationStatus.OPEN
    assert request.requested_by == operator_actor.user
    note = Notification.objects.get(person=family["head"])
    assert application.protocol in note.subject
    assert "Alleghi la carta d'identità firmata." in note.body
    assert due.strftime("%Y") in note.body
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["giulia@example.org"]
    assert "carta d'identità firmata" in mail.outbox[0].body
    event = events(application, "calls.clarification_requested").get()
    assert event.after["due_date"] == due.isoformat()
    assert event.reason == "Alleghi la carta d'identità firmata."


def test_clarification_default_deadline_is_ten_days(application, operator_actor):
    with all_tenants():
        request = review.request_application_clarification(
            operator_actor, application, "Serve l'ISEE"
        )
    assert request.due_date == timezone.localdate() + datetime.timedelta(days=10)


@pytest.mark.parametrize(
    "message, due, error",
    [
        ("", None, "che cosa deve integrare"),
        ("Firmi", timezone.localdate, "data futura"),
        ("Firmi", lambda: timezone.localdate() - datetime.timedelta(days=1), "data futura"),
    ],
)
def test_bad_clarification_request_changes_nothing(
    application, operator_actor, message, due, error
):
    with all_tenants(), pytest.raises(CallError, match=error):
        review.request_application_clarification(
            operator_actor, application, message, due and due()
        )
    assert refresh(application).status == ApplicationStatus.SUBMITTED
    assert not ClarificationRequest.objects.exists()
    assert not Notification.objects.exists()


def test_validator_cannot_request_clarification(application, validator_actor):
    with all_tenants(), pytest.raises(PermissionDenied):
        review.request_application_clarification(validator_actor, application, "Firmi")
    assert not ClarificationRequest.objects.exists()


def test_expiry_command(make_call, family, make_person, municipality, admin_actor, operator_actor):
    call = make_call()
    late = make_application(call, family)
    other = make_application(call, make_family(make_person, municipality, admin_actor))
    today = timezone.localdate()
    with all_tenants():
        review.request_application_clarification(
            operator_actor, late, "Firmi", today + datetime.timedelta(3)
        )
        review.request_application_clarification(
            operator_actor, other, "Firmi", today + datetime.timedelta(9)
        )
    # Four days later the first deadline has passed (the due day itself still counts).
    call_command("calls_expire_clarifications", date=(today + datetime.timedelta(3)).isoformat())
    assert refresh(late).status == ApplicationStatus.CLARIFICATION
    call_command("calls_expire_clarifications", date=(today + datetime.timedelta(4)).isoformat())
    late, other = refresh(late), refresh(other)
    assert late.status == ApplicationStatus.SUBMITTED
    assert "Integrazione non pervenuta" in late.review_note
    assert late.clarifications.get().status == ClarificationStatus.EXPIRED
    assert other.status == ApplicationStatus.CLARIFICATION
    assert other.clarifications.get().status == ClarificationStatus.OPEN
    event = events(late, "calls.clarification_expired").get()
    assert event.actor_role == "calls_expire_clarifications"
    assert "non pervenuta" in event.reason
    assert Notification.objects.filter(subject__contains="integrazione non pervenuta").count() == 1
    # Running it again changes nothing.
    call_command("calls_expire_clarifications", date=(today + datetime.timedelta(4)).isoformat())
    assert events(late, "calls.clarification_expired").count() == 1


def test_answered_request_does_not_expire(application, operator_actor):
    with all_tenants():
        request = review.request_application_clarification(
            operator_actor, application, "Firmi", tomorrow()
        )
        request.status = ClarificationStatus.ANSWERED
        request.save()
        application.status = ApplicationStatus.SUBMITTED
        application.save()
        assert (
            review.expire_clarifications(
                operator_actor, today=tomorrow() + datetime.timedelta(days=1)
            )
            == 0
        )
    assert refresh(application).review_note == ""


# --- closing the instruction ---------------------------------------------------------------------


def test_complete_instruction_needs_the_whole_checklist(application, operator_actor):
    with all_tenants():
        review.save_checklist(operator_actor, application, {"elig_residence": {"outcome": "ok"}})
        with pytest.raises(CallError, match="mancano le voci"):
            review.complete_instruction(operator_actor, application, "admit")
    assert refresh(application).status == ApplicationStatus.SUBMITTED


def test_complete_instruction(application, operator_actor):
    with all_tenants():
        review.save_checklist(operator_actor, application, full_checklist(application))
        with pytest.raises(CallError, match="proposta"):
            review.complete_instruction(operator_actor, application, "maybe")
        with pytest.raises(CallError, match="motivo"):
            review.complete_instruction(operator_actor, application, "reject")
        review.complete_instruction(operator_actor, application, "admit", "Tutto in ordine")
    application = refresh(application)
    assert application.status == ApplicationStatus.INSTRUCTED
    assert application.instructed_by == operator_actor.user
    assert application.instructed_at is not None
    assert application.checklist["proposal"] == "admit"
    event = events(application, "calls.instruction_completed").get()
    assert event.after == {"status": "instructed", "proposal": "admit"}


def test_proposing_admission_against_a_nonconforming_item_needs_a_note(application, operator_actor):
    with all_tenants():
        review.save_checklist(operator_actor, application, full_checklist(application, "ko"))
        with pytest.raises(CallError, match="spieghi perché"):
            review.complete_instruction(operator_actor, application, "admit")
        review.complete_instruction(operator_actor, application, "admit", "Verificato a voce")
    assert refresh(application).status == ApplicationStatus.INSTRUCTED

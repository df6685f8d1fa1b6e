"""The validator's decision: maker-checker, only after instruction, reasons, notifications."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied

from benecomune.calls.exceptions import CallError
from benecomune.calls.models import ApplicationStatus, CallStatus
from benecomune.calls.services import review
from benecomune.core.models import AuditEvent, Membership, Notification, Role
from benecomune.core.scoping import all_tenants
from tests.calls.review_factory import full_checklist, instruct, make_application, refresh
from tests.helpers import actor_for

pytestmark = pytest.mark.django_db


def decisions(application):
    return AuditEvent.objects_unscoped.filter(
        object_type="calls.application",
        object_id=str(application.pk),
        action__in=["calls.application_admitted", "calls.application_rejected"],
    )


def assert_undecided(application):
    application = refresh(application)
    assert application.status == ApplicationStatus.INSTRUCTED
    assert application.decided_by is None and application.decided_at is None
    assert not decisions(application).exists()
    assert not Notification.objects.filter(subject__startswith="Domanda ammessa").exists()
    assert not Notification.objects.filter(subject__startswith="Domanda respinta").exists()


@pytest.fixture
def application(make_call, family):
    return make_application(make_call(), family)


@pytest.fixture
def instructed(application, operator_actor):
    return instruct(operator_actor, application)


@pytest.fixture
def both_roles(make_user, municipality):
    """One user who is both desk operator and validator of the Comune."""
    user = make_user("doppio@example.org", role=Role.DESK_OPERATOR, organization=municipality)
    Membership.objects.create(user=user, organization=municipality, role=Role.VALIDATOR)
    return (
        actor_for(user, Role.DESK_OPERATOR, municipality),
        actor_for(user, Role.VALIDATOR, municipality),
    )


def test_admit(instructed, validator_actor, family, django_capture_on_commit_callbacks):
    with all_tenants(), django_capture_on_commit_callbacks(execute=True):
        review.decide(validator_actor, instructed, True, "")
    application = refresh(instructed)
    assert application.status == ApplicationStatus.ADMITTED
    assert application.decided_by == validator_actor.user
    assert application.decided_at is not None
    note = Notification.objects.get(person=family["head"], subject__startswith="Domanda ammessa")
    assert application.amount == 22_500  # 50 + 3 * 50 per member + 25 for the child
    assert "€ 225,00" in note.body
    assert [m.subject for m in mail.outbox if "ammessa" in m.subject]
    event = decisions(application).get()
    assert event.action == "calls.application_admitted"
    assert event.after["override"] is False
    assert event.actor == validator_actor.user


def test_reject_needs_a_reason_and_frees_the_household(
    instructed, validator_actor, family, django_capture_on_commit_callbacks
):
    with all_tenants(), pytest.raises(CallError, match="indichi il motivo"):
        review.decide(validator_actor, instructed, False, "  ")
    assert_undecided(instructed)
    with all_tenants(), django_capture_on_commit_callbacks(execute=True):
        review.decide(validator_actor, instructed, False, "Reddito non compatibile")
    application = refresh(instructed)
    assert application.status == ApplicationStatus.REJECTED
    assert application.decision_reason == "Reddito non compatibile"
    assert not application.members.filter(active=True).exists()
    note = Notification.objects.get(person=family["head"], subject__startswith="Domanda respinta")
    assert note.subject == "Domanda respinta: Reddito non compatibile"
    assert "Reddito non compatibile" in mail.outbox[-1].body
    assert decisions(application).get().reason == "Reddito non compatibile"


def test_maker_checker_same_user_with_both_roles(application, both_roles):
    as_operator, as_validator = both_roles
    instruct(as_operator, application)
    with all_tenants(), pytest.raises(CallError, match="quattro occhi"):
        review.decide(as_validator, application, True, "Va bene")
    assert_undecided(application)


def test_maker_checker_covers_every_step_of_the_instruction(
    application, both_roles, operator_actor, validator_actor
):
    """Filling the checklist is taking part, even if someone else closed the instruction."""
    as_operator, as_validator = both_roles
    with all_tenants():
        review.save_checklist(as_operator, application, full_checklist(application))
        review.complete_instruction(operator_actor, application, "admit")
        assert review.took_part_in_instruction(as_validator.user, application)
        with pytest.raises(CallError, match="quattro occhi"):
            review.decide(as_validator, application, True, "")
        assert_undecided(application)
        review.decide(validator_actor, application, True, "")  # an independent validator may
    assert refresh(application).status == ApplicationStatus.ADMITTED


def test_decide_only_after_instruction(application, validator_actor):
    with all_tenants(), pytest.raises(CallError, match="istruita"):
        review.decide(validator_actor, application, True, "Subito")
    application = refresh(application)
    assert application.status == ApplicationStatus.SUBMITTED
    assert not decisions(application).exists()


def test_desk_operator_cannot_decide(instructed, make_user, municipality):
    user = make_user(
        "altro.sportello@example.org", role=Role.DESK_OPERATOR, organization=municipality
    )
    with all_tenants(), pytest.raises(PermissionDenied):
        review.decide(actor_for(user, Role.DESK_OPERATOR, municipality), instructed, True, "x")
    assert_undecided(instructed)


def test_validator_of_another_comune_cannot_decide(instructed, make_user, other_municipality):
    user = make_user(
        "convalida@limena.example.org", role=Role.VALIDATOR, organization=other_municipality
    )
    with all_tenants(), pytest.raises(PermissionDenied):
        review.decide(actor_for(user, Role.VALIDATOR, other_municipality), instructed, True, "x")
    assert_undecided(instructed)


def test_admission_against_the_rules_needs_a_reason(
    make_call, family, operator_actor, validator_actor
):
    # ISEE of 8,500 euro over a ceiling of 8,000: not eligible by the rules.
    rules = {
        "eligibility": {"isee_max": 800_000},
        "amount": {"kind": "fixed", "base": 20_000},
        "declarations": [],
        "documents": [],
    }
    application = make_application(make_call(rules=rules), family)
    assert application.eligible is False and application.amount == 0
    instruct(operator_actor, application, "admit", "ISEE corrente più basso, verificato")
    with all_tenants(), pytest.raises(CallError, match="in deroga"):
        review.decide(validator_actor, application, True, "")
    assert_undecided(application)
    with all_tenants():
        review.decide(validator_actor, application, True, "ISEE corrente sotto soglia")
    application = refresh(application)
    assert application.status == ApplicationStatus.ADMITTED
    assert application.amount == 20_000  # what the rules give the household
    event = decisions(application).get()
    assert event.after["override"] is True
    assert event.reason == "ISEE corrente sotto soglia"


def test_deciding_against_the_proposal_needs_a_reason(application, operator_actor, validator_actor):
    instruct(operator_actor, application, "reject", "Dichiarazione non veritiera")
    with all_tenants(), pytest.raises(CallError, match="diversa dalla proposta"):
        review.decide(validator_actor, application, True, "")
    assert_undecided(application)


def test_no_decision_after_the_final_ranking(instructed, validator_actor):
    with all_tenants():
        call = instructed.call
        call.status = CallStatus.AWARDED
        call.save()
        with pytest.raises(CallError, match="graduatoria"):
            review.decide(validator_actor, instructed, True, "")
    assert_undecided(instructed)


def test_the_applicant_cannot_decide_their_own(
    make_call, family, operator_actor, make_user, municipality
):
    user = make_user(
        "giulia.convalida@example.org",
        person=family["head"],
        role=Role.VALIDATOR,
        organization=municipality,
    )
    application = instruct(operator_actor, make_application(make_call(), family))
    with all_tenants(), pytest.raises(CallError, match="riguarda lei"):
        review.decide(actor_for(user, Role.VALIDATOR, municipality), application, True, "")
    assert_undecided(application)

"""A case's states through the lifecycle table: open -> in progress -> on hold -> closed with
an outcome, reopened; each move audited with the statuses before and after; a move not in
the table, or without its reason or outcome, is refused and changes nothing."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from benecomune.core.models import AuditEvent
from benecomune.desk.models import Case, CaseStatus
from benecomune.desk.services import cases


def events(case, action):
    return AuditEvent.objects_unscoped.filter(
        object_type="desk.case", object_id=str(case.pk), action=action
    )


def status(case):
    return Case.objects_unscoped.get(pk=case.pk).status


def test_the_whole_lifecycle_is_audited(manager, case):
    actor = manager[0]
    cases.start(actor, case)
    cases.suspend(actor, case, reason="In attesa dell'ISEE")
    cases.resume(actor, case)
    cases.close(actor, case, outcome="answered", note="Assistenza domiciliare attivata")
    closed = Case.objects_unscoped.get(pk=case.pk)
    assert closed.status == CaseStatus.CLOSED and closed.outcome == "answered"
    assert closed.closed_at is not None
    for action, source, target in [
        ("desk.case_started", "open", "in_progress"),
        ("desk.case_suspended", "in_progress", "on_hold"),
        ("desk.case_resumed", "on_hold", "in_progress"),
        ("desk.case_closed", "in_progress", "closed"),
    ]:
        (event,) = events(case, action)
        assert (event.before["status"], event.after["status"]) == (source, target)
        assert event.person_id == case.person_id and event.actor == manager[1]
    assert events(case, "desk.case_suspended").get().reason == "In attesa dell'ISEE"
    cases.reopen(actor, case, reason="Nuova richiesta")
    reopened = Case.objects_unscoped.get(pk=case.pk)
    assert reopened.status == CaseStatus.IN_PROGRESS and reopened.outcome == ""
    assert events(case, "desk.case_reopened").get().before["outcome"] == "answered"


def test_a_move_not_in_the_table_is_refused(manager, case):
    with pytest.raises(ValidationError) as excinfo:
        cases.resume(manager[0], case)
    assert "Non si può passare da «Aperto» a «In carico»" in str(excinfo.value)
    assert status(case) == CaseStatus.OPEN
    assert not events(case, "desk.case_resumed").exists()
    assert AuditEvent.objects_unscoped.filter(action="desk.case_refused").count() == 1


def test_an_open_case_cannot_be_suspended_before_it_is_taken_up(manager, case):
    with pytest.raises(ValidationError) as excinfo:
        cases.suspend(manager[0], case, reason="Perché sì")
    assert "Non si può passare" in str(excinfo.value)
    assert status(case) == CaseStatus.OPEN


@pytest.mark.parametrize(
    ("move", "kwargs", "message"),
    [
        (cases.suspend, {"reason": "  "}, "Indichi il motivo"),
        (cases.close, {"outcome": ""}, "esito"),
    ],
)
def test_missing_reason_or_outcome_changes_nothing(manager, case, move, kwargs, message):
    cases.start(manager[0], case)
    with pytest.raises(ValidationError) as excinfo:
        move(manager[0], case, **kwargs)
    assert message in str(excinfo.value)
    assert status(case) == CaseStatus.IN_PROGRESS


def test_review_date_and_transfer(manager, colleague, coordinator, case):
    day = timezone.localdate() + datetime.timedelta(days=7)
    cases.set_review(manager[0], case, on=day)
    assert Case.objects_unscoped.get(pk=case.pk).next_review_on == day
    with pytest.raises(ValidationError):
        cases.set_review(manager[0], case, on=timezone.localdate() - datetime.timedelta(days=1))
    # The holder hands it over; then only the coordinator (or the new holder) may move it on.
    cases.transfer(manager[0], case, to=colleague[2], reason="Ferie")
    assert Case.objects_unscoped.get(pk=case.pk).assigned_to == colleague[1]
    event = events(case, "desk.case_transferred").get()
    assert event.before["assigned_to"] == manager[1].email and event.reason == "Ferie"
    with pytest.raises(PermissionDenied):
        cases.transfer(manager[0], case, to=coordinator[2], reason="Di nuovo")
    cases.transfer(coordinator[0], case, to=manager[2], reason="Rientro")
    assert Case.objects_unscoped.get(pk=case.pk).assigned_to == manager[1]


def test_transfer_only_to_an_operator_of_the_same_point(manager, other_manager, case):
    with pytest.raises(ValidationError) as excinfo:
        cases.transfer(manager[0], case, to=other_manager[2], reason="Trasloco")
    assert "operatore di questo Punto Welfare" in str(excinfo.value)
    assert Case.objects_unscoped.get(pk=case.pk).assigned_to == manager[1]

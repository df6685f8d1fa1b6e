"""One clarification model (soccorso istruttorio) for every request: the applications of a call
and the expense claims go through the same core helpers, with their own audit actions; the
clarification's status moves only as its table allows; the claims' old text fields became rows
(data migration, both ways)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from benecomune.calls.exceptions import CallError
from benecomune.calls.models import ApplicationStatus, ClarificationRequest
from benecomune.calls.services import applications as application_services
from benecomune.calls.services import review
from benecomune.core import clarifications
from benecomune.core.models import AuditEvent, ClarificationStatus
from benecomune.core.scoping import all_tenants
from benecomune.payouts.lifecycles import CLAIM
from benecomune.payouts.models import ClaimClarification, ClaimStatus, ExpenseClaim
from benecomune.payouts.services import claim_review
from tests.calls import conftest as calls_fixtures
from tests.calls.applications_factory import citizen, ready_draft
from tests.payouts import conftest as payouts_fixtures
from tests.payouts.test_claims import submit

admin = payouts_fixtures.admin
operator = payouts_fixtures.operator
beneficiary = payouts_fixtures.beneficiary
fund = payouts_fixtures.fund
make_reimbursement_call = payouts_fixtures.make_reimbursement_call
admin_actor = calls_fixtures.admin_actor
operator_actor = calls_fixtures.operator_actor
call_fund = calls_fixtures.call_fund
make_call = calls_fixtures.make_call
family = calls_fixtures.family

S = ClarificationStatus


def events(obj, action=None):
    found = AuditEvent.objects_unscoped.filter(
        object_type=f"{obj._meta.app_label}.{obj._meta.model_name}", object_id=str(obj.pk)
    )
    return found.filter(action=action) if action else found


@pytest.fixture
def award(make_reimbursement_call, beneficiary):
    _call, (award,) = make_reimbursement_call([beneficiary.user.person])
    return award


@pytest.fixture
def submitted(make_call, family, make_user):
    """(applicant's actor, an application they submitted)."""
    _user, head = citizen(make_user, family["head"])
    application = ready_draft(head, make_call(), family["head"], family["isee"])
    with all_tenants():
        application_services.submit_application(head, application)
    application.refresh_from_db()
    return head, application


# --- the table -------------------------------------------------------------------------------


def test_the_table_allows_only_open_to_answered_or_expired():
    table = clarifications.CLARIFICATION
    assert set(table.statuses) == {S.OPEN, S.ANSWERED, S.EXPIRED}
    assert table.reachable() == set(table.statuses)
    assert {(t.source, t.target) for t in table.transitions} == {
        (S.OPEN, S.ANSWERED),
        (S.OPEN, S.EXPIRED),
    }
    assert set(table.terminal) == {S.ANSWERED, S.EXPIRED}


def test_overdue_only_while_open_and_past_its_date():
    today = timezone.localdate()
    request = ClarificationRequest(message="Firmi", due_date=today)
    assert request.is_open and not request.is_overdue(today)
    assert request.is_overdue(today + datetime.timedelta(days=1))
    request.status = S.ANSWERED
    assert not request.is_open and not request.is_overdue(today + datetime.timedelta(days=1))
    undated = ClaimClarification(message="Manca il timbro del centro estivo")
    assert not undated.is_overdue(today + datetime.timedelta(days=365))
    assert str(undated) == "Manca il timbro del centro estivo"


# --- applications ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_application_request_and_answer_write_the_calls_events(submitted, operator_actor):
    head, application = submitted
    due = timezone.localdate() + datetime.timedelta(days=5)
    with all_tenants():
        request = review.request_application_clarification(
            operator_actor, application, "Alleghi la carta d'identità.", due
        )
        application_services.answer_clarification(head, application, "Allegata allo sportello.")
    request.refresh_from_db()
    application.refresh_from_db()
    assert isinstance(request, ClarificationRequest) and request.status == S.ANSWERED
    assert request.requested_by == operator_actor.user and request.answered_by == head.user
    assert request.answer == "Allegata allo sportello." and request.answered_at
    assert application.status == ApplicationStatus.SUBMITTED
    (asked,) = events(application, "calls.clarification_requested")
    assert asked.after == {
        "request": request.pk,
        "due_date": due.isoformat(),
        "status": ApplicationStatus.CLARIFICATION,
    }
    assert asked.before == {"status": ApplicationStatus.SUBMITTED}
    (answered,) = events(application, "calls.clarification_answered")
    assert answered.after["request"] == request.pk
    assert answered.after["status"] == ApplicationStatus.SUBMITTED


@pytest.mark.django_db
def test_application_request_expires_and_goes_back_to_the_desk(submitted, operator_actor):
    head, application = submitted
    due = timezone.localdate() + datetime.timedelta(days=2)
    with all_tenants():
        request = review.request_application_clarification(
            operator_actor, application, "Firmi", due
        )
        assert review.expire_clarifications(operator_actor, today=due) == 0  # due day counts
        assert review.expire_clarifications(operator_actor, today=due + datetime.timedelta(1)) == 1
    request.refresh_from_db()
    application.refresh_from_db()
    assert request.status == S.EXPIRED and request.answered_at is None
    assert application.status == ApplicationStatus.SUBMITTED
    assert "Integrazione non pervenuta" in application.review_note
    (expired,) = events(application, "calls.clarification_expired")
    assert expired.after == {"request": request.pk, "status": ApplicationStatus.SUBMITTED}
    # An expired request can no longer be answered: refused, nothing changes.
    count = AuditEvent.objects_unscoped.count()
    with all_tenants(), pytest.raises(CallError):
        application_services.answer_clarification(head, application, "In ritardo")
    request.refresh_from_db()
    assert request.status == S.EXPIRED and request.answer == ""
    assert AuditEvent.objects_unscoped.count() == count


@pytest.mark.django_db
def test_withdrawal_closes_the_open_request(submitted, operator_actor):
    head, application = submitted
    with all_tenants():
        request = review.request_application_clarification(operator_actor, application, "Firmi")
        application_services.withdraw_application(head, application, reason="Trasferimento")
    request.refresh_from_db()
    assert request.status == S.EXPIRED
    assert not events(application, "calls.clarification_expired").exists()


# --- expense claims --------------------------------------------------------------------------


@pytest.mark.django_db
def test_claim_request_and_answer_write_the_payouts_events(award, beneficiary, operator):
    claim = submit(beneficiary, award)
    claim_review.request_claim_clarification(operator, claim, question="Manca il timbro")
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.CLARIFICATION
    (row,) = claim.clarifications.all()
    assert (row.status, row.message, row.due_date) == (S.OPEN, "Manca il timbro", None)
    assert row.requested_by == operator.user
    assert claim.clarification_question == "Manca il timbro" and claim.clarification_answer == ""
    claim_review.answer_clarification(beneficiary, claim, answer="Allego la ricevuta timbrata")
    claim.refresh_from_db()
    row.refresh_from_db()
    assert claim.status == ClaimStatus.SUBMITTED
    assert (row.status, row.answer, row.answered_by) == (
        S.ANSWERED,
        "Allego la ricevuta timbrata",
        beneficiary.user,
    )
    assert claim.clarification_answer == "Allego la ricevuta timbrata"
    (asked,) = events(claim, "payouts.claim_clarification_requested")
    assert asked.reason == "Manca il timbro"
    assert (asked.before["status"], asked.after["status"]) == ("submitted", "clarification")
    assert asked.after["clarification"] == row.pk
    (answered,) = events(claim, "payouts.claim_clarification_answered")
    assert answered.after["answer"] is True and answered.after["clarification"] == row.pk
    assert (answered.before["status"], answered.after["status"]) == ("clarification", "submitted")


@pytest.mark.django_db
def test_a_second_request_keeps_the_first_as_history(award, beneficiary, operator):
    claim = submit(beneficiary, award)
    claim_review.request_claim_clarification(operator, claim, question="Manca il timbro")
    claim_review.answer_clarification(beneficiary, claim, answer="Timbrata")
    claim_review.request_claim_clarification(operator, claim, question="Manca la data")
    claim.refresh_from_db()
    rows = list(claim.clarifications.order_by("pk").values_list("message", "answer", "status"))
    assert rows == [("Manca il timbro", "Timbrata", S.ANSWERED), ("Manca la data", "", S.OPEN)]
    # The claim shows the latest one.
    assert (claim.clarification_question, claim.clarification_answer) == ("Manca la data", "")
    assert events(claim, "payouts.claim_clarification_requested").count() == 2


@pytest.mark.django_db
def test_rejecting_a_claim_waiting_for_an_answer_closes_its_question(award, beneficiary, operator):
    claim = submit(beneficiary, award)
    claim_review.request_claim_clarification(operator, claim, question="Manca il timbro")
    claim_review.reject_claim(operator, claim, reason="Spesa fuori periodo")
    assert claim.clarifications.get().status == S.EXPIRED


@pytest.mark.django_db
def test_an_answer_to_a_closed_clarification_is_refused_and_changes_nothing(
    award, beneficiary, operator
):
    claim = submit(beneficiary, award)
    claim_review.request_claim_clarification(operator, claim, question="Manca il timbro")
    claim_review.answer_clarification(beneficiary, claim, answer="Timbrata")
    row = claim.clarifications.get()
    claim.refresh_from_db()
    count = AuditEvent.objects_unscoped.count()
    # Through the claims' service: no clarification asked now.
    with pytest.raises(ValidationError, match="non è stata chiesta un'integrazione"):
        claim_review.answer_clarification(beneficiary, claim, answer="Di nuovo")
    # Through the core helper itself, even if the claim were waiting: the row is closed.
    with pytest.raises(ValidationError) as refused, transaction.atomic():
        clarifications.answer_clarification(
            beneficiary,
            row,
            "Di nuovo",
            action="payouts.claim_clarification_answered",
            subject=clarifications.Subject(claim, CLAIM, ClaimStatus.SUBMITTED),
        )
    assert "non si può più modificare" in refused.value.messages[0]
    assert "Risposta ricevuta" in refused.value.messages[0]
    row.refresh_from_db()
    claim.refresh_from_db()
    assert (row.status, row.answer) == (S.ANSWERED, "Timbrata")
    assert claim.status == ClaimStatus.SUBMITTED
    assert AuditEvent.objects_unscoped.count() == count


def test_the_helpers_refuse_to_run_outside_a_transaction():
    with pytest.raises(RuntimeError):
        clarifications.close_open_clarifications(ClaimClarification.objects.none())


# --- the data migration of the claims' text fields -------------------------------------------

BEFORE = ("payouts", "0001_initial")
AFTER = ("payouts", "0002_claim_clarifications")


def _migrate(target):
    executor = MigrationExecutor(connection)
    executor.migrate([target])
    return MigrationExecutor(connection).loader.project_state(target).apps


@pytest.mark.django_db(transaction=True)
def test_the_migration_turns_the_text_fields_into_rows_and_back(
    award, beneficiary, operator, make_reimbursement_call
):
    answered = submit(beneficiary, award, 5_000)
    claim_review.request_claim_clarification(operator, answered, question="Manca il timbro")
    claim_review.answer_clarification(beneficiary, answered, answer="Timbrata")
    waiting = submit(beneficiary, award, 6_000)
    claim_review.request_claim_clarification(operator, waiting, question="Manca la data")
    untouched = submit(beneficiary, award, 7_000)
    try:
        # Backwards: each claim's latest clarification goes back into its two fields.
        old = _migrate(BEFORE)
        OldClaim = old.get_model("payouts", "ExpenseClaim")
        fields = dict(OldClaim.objects.values_list("pk", "clarification_question"))
        assert fields == {
            answered.pk: "Manca il timbro",
            waiting.pk: "Manca la data",
            untouched.pk: "",
        }
        assert OldClaim.objects.get(pk=answered.pk).clarification_answer == "Timbrata"
        # A question left without an answer on a claim decided meanwhile.
        OldClaim.objects.filter(pk=untouched.pk).update(
            clarification_question="Manca la firma", status="rejected"
        )
        # Forwards: one row per claim with a question, its status from the claim's.
        new = _migrate(AFTER)
        Row = new.get_model("payouts", "ClaimClarification")
        rows = {row.claim_id: row for row in Row.objects.all()}
        assert set(rows) == {answered.pk, waiting.pk, untouched.pk}
        first = rows[answered.pk]
        assert (first.message, first.answer, first.status) == (
            "Manca il timbro",
            "Timbrata",
            "answered",
        )
        # Who asked and who answered come from the audit events.
        assert first.requested_by_id == operator.user.pk
        assert first.answered_by_id == beneficiary.user.pk and first.answered_at
        asked = events(answered, "payouts.claim_clarification_requested").get()
        assert first.requested_at == asked.created_at
        assert (rows[waiting.pk].status, rows[waiting.pk].answer) == ("open", "")
        assert (rows[untouched.pk].message, rows[untouched.pk].status) == (
            "Manca la firma",
            "expired",
        )
    finally:
        # Back to every app's newest state (corporate's migrations depend on payouts'), so
        # that later tests find every table.
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
    claim = ExpenseClaim.objects_unscoped.get(pk=waiting.pk)
    assert claim.clarification_question == "Manca la data"

"""Lifecycles as data: the transition tables are complete (every status reachable, every move
audited with a labelled action), the services move statuses through them (a real move per
model finds its audit event), bulk moves write one event per row, an illegal move is refused
and changes nothing, and docs/lifecycles.md is generated from the tables."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from benecomune.calls.models import ApplicationStatus, CallStatus
from benecomune.calls.services import applications as application_services
from benecomune.calls.services import definition
from benecomune.core.actors import ROLE_PERMISSIONS
from benecomune.core.audit import ACTION_LABELS
from benecomune.core.lifecycle import OWNER
from benecomune.core.management.commands.lifecycles_docs import DOC, all_lifecycles, render
from benecomune.core.models import AuditEvent
from benecomune.core.scoping import all_tenants
from benecomune.payouts.lifecycles import DEBIT_NOTE, PAYOUT_BATCH, PAYOUT_ORDER
from benecomune.payouts.models import (
    BatchStatus,
    ClaimStatus,
    DebitNote,
    DebitNoteStatus,
    PayoutBatch,
    PayoutOrder,
    PayoutStatus,
)
from benecomune.payouts.services import batches, claim_review
from benecomune.payouts.services.payees import set_payee_account
from benecomune.payouts.services.results import import_results
from benecomune.vouchers.models import MembershipStatus
from benecomune.vouchers.services import circuit
from tests.calls import conftest as calls_fixtures
from tests.calls.applications_factory import citizen, ready_draft
from tests.payouts import conftest as payouts_fixtures
from tests.payouts.bank import approved_notes, pain002, ready_batch, refs
from tests.payouts.test_claims import submit
from tests.vouchers import conftest as vouchers_fixtures

# Fixtures of the apps' suites, reused here (the ledger's invariants checked after each test).
ledger_stays_sound = payouts_fixtures.ledger_stays_sound
admin = payouts_fixtures.admin
validator = payouts_fixtures.validator
operator = payouts_fixtures.operator
beneficiary = payouts_fixtures.beneficiary
payer = payouts_fixtures.payer
fund = payouts_fixtures.fund
make_wallet = payouts_fixtures.make_wallet
make_shop = payouts_fixtures.make_shop
make_reimbursement_call = payouts_fixtures.make_reimbursement_call
pay = payouts_fixtures.pay
admin_actor = calls_fixtures.admin_actor
call_fund = calls_fixtures.call_fund
make_call = calls_fixtures.make_call
family = calls_fixtures.family
join = vouchers_fixtures.join

LIFECYCLES = all_lifecycles()
ALL_PERMISSIONS = set().union(*ROLE_PERMISSIONS.values())


def events(obj, action):
    return AuditEvent.objects_unscoped.filter(
        object_type=f"{obj._meta.app_label}.{obj._meta.model_name}",
        object_id=str(obj.pk),
        action=action,
    )


def the_event(obj, action, source, target):
    (event,) = events(obj, action)
    assert (event.before["status"], event.after["status"]) == (source, target)
    return event


# --- the tables -------------------------------------------------------------------------------


def test_every_model_with_a_status_has_a_table():
    assert set(LIFECYCLES) == {
        "calls.Call",
        "calls.Application",
        "payouts.ExpenseClaim",
        "payouts.DebitNote",
        "payouts.PayoutOrder",
        "payouts.PayoutBatch",
        "payouts.BatchItem",
        "vouchers.CircuitMembership",
        "marketplace.Accreditation",
        "marketplace.Promotion",
        "marketplace.Service",
        "bookings.Order",
        "corporate.PlanVersion",
        "bookings.Booking",
        "bookings.WaitlistEntry",
        "identity.DataRequest",
        "desk.Case",
        "desk.Referral",
        "observatory.SocialProject",
    }


@pytest.mark.parametrize("label", sorted(LIFECYCLES))
def test_every_status_is_reachable_from_an_initial_one(label):
    lifecycle = LIFECYCLES[label]
    statuses = set(lifecycle.statuses)
    assert set(lifecycle.initial) <= statuses
    assert lifecycle.reachable() == statuses
    # Only the declared final statuses have no way out.
    dead_ends = {s for s in statuses if not any(t.source == s for t in lifecycle.transitions)}
    assert dead_ends == set(lifecycle.terminal)


@pytest.mark.parametrize("label", sorted(LIFECYCLES))
def test_every_transition_is_audited_and_guarded(label):
    lifecycle = LIFECYCLES[label]
    statuses = set(lifecycle.statuses)
    seen = set()
    for t in lifecycle.transitions:
        assert {t.source, t.target} <= statuses and t.source != t.target
        assert (t.source, t.target, t.action) not in seen
        seen.add((t.source, t.target, t.action))
        # An audit action with its Italian name on the audit page.
        assert t.action.startswith(label.split(".")[0] + ".")
        assert t.action in ACTION_LABELS and str(ACTION_LABELS[t.action]) != t.action
        codes = (t.permission,) if isinstance(t.permission, str) else t.permission
        assert all(code == OWNER or code in ALL_PERMISSIONS for code in codes)


# --- one real move per model, through its service ---------------------------------------------


@pytest.mark.django_db
def test_call_published_and_closed(make_call, admin_actor):
    call = make_call(publish=False)
    with all_tenants():
        definition.publish_call(admin_actor, call)
        definition.close_call(admin_actor, call, reason="Budget esaurito")
    call.refresh_from_db()
    assert call.status == CallStatus.CLOSED
    the_event(call, "calls.call_published", CallStatus.DRAFT, CallStatus.PUBLISHED)
    closed = the_event(call, "calls.call_closed", CallStatus.PUBLISHED, CallStatus.CLOSED)
    assert closed.reason == "Budget esaurito"


@pytest.mark.django_db
def test_application_withdrawn(make_call, family, make_user):
    call = make_call()
    _user, actor = citizen(make_user, family["head"])
    application = ready_draft(actor, call, family["head"], family["isee"])
    with all_tenants():
        application_services.withdraw_application(actor, application)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.WITHDRAWN
    the_event(
        application,
        "calls.application_withdrawn",
        ApplicationStatus.DRAFT,
        ApplicationStatus.WITHDRAWN,
    )


@pytest.mark.django_db
def test_expense_claim_rejected(make_reimbursement_call, beneficiary, validator):
    _call, (award,) = make_reimbursement_call([beneficiary.user.person])
    claim = submit(beneficiary, award)
    claim_review.reject_claim(validator, claim, reason="Spesa fuori periodo")
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.REJECTED
    event = the_event(claim, "payouts.claim_rejected", ClaimStatus.SUBMITTED, ClaimStatus.REJECTED)
    assert event.reason == "Spesa fuori periodo"


@pytest.fixture
def shops(make_shop, system_actor):
    result = []
    for name in ("Panificio", "Farmacia"):
        shop = make_shop(name)
        set_payee_account(
            system_actor, shop, iban=payouts_fixtures.new_iban(), holder=f"{name} s.n.c."
        )
        result.append(shop)
    return result


@pytest.fixture
def notes(shops, system_actor, admin, make_wallet, pay, payer):
    return approved_notes(
        system_actor, admin, list(zip(shops, [12_345, 800], strict=True)), make_wallet, pay
    )


@pytest.mark.django_db
def test_debit_note_issued_and_approved(notes):
    note = notes[0]
    assert note.status == DebitNoteStatus.APPROVED
    the_event(note, "payouts.debit_note_issued", DebitNoteStatus.DRAFT, DebitNoteStatus.ISSUED)
    the_event(note, "payouts.debit_note_approved", DebitNoteStatus.ISSUED, DebitNoteStatus.APPROVED)


@pytest.mark.django_db
def test_batch_ready_puts_orders_and_notes_in_batch_one_event_per_row(notes, admin, payer):
    batch = ready_batch(admin, payer)
    assert batch.status == BatchStatus.READY
    the_event(batch, "payouts.batch_ready", BatchStatus.PREPARING, BatchStatus.READY)
    orders = list(PayoutOrder.objects_unscoped.order_by("pk"))
    assert len(orders) == 2
    for order in orders:
        assert order.status == PayoutStatus.IN_BATCH
        event = the_event(
            order, "payouts.order_in_batch", PayoutStatus.READY, PayoutStatus.IN_BATCH
        )
        assert event.organization_id == payer.pk
    for note in notes:
        the_event(
            note, "payouts.debit_note_in_batch", DebitNoteStatus.APPROVED, DebitNoteStatus.IN_BATCH
        )


@pytest.mark.django_db
def test_withdrawn_batch_is_a_bulk_move_with_one_event_per_row(notes, admin, payer, validator):
    batch = ready_batch(admin, payer)
    batches.withdraw_batch(validator, batch, reason="Importi da ricontrollare")
    batch.refresh_from_db()
    assert batch.status == BatchStatus.WITHDRAWN
    the_event(batch, "payouts.batch_withdrawn", BatchStatus.READY, BatchStatus.WITHDRAWN)
    ready_again = AuditEvent.objects_unscoped.filter(action="payouts.order_ready_again")
    assert sorted(int(e.object_id) for e in ready_again) == sorted(
        PayoutOrder.objects_unscoped.values_list("pk", flat=True)
    )
    assert {e.reason for e in ready_again} == {"Importi da ricontrollare"}
    assert {e.actor_id for e in ready_again} == {validator.user.pk}
    for note in notes:
        note.refresh_from_db()
        assert note.status == DebitNoteStatus.APPROVED
        the_event(
            note,
            "payouts.debit_note_payable_again",
            DebitNoteStatus.IN_BATCH,
            DebitNoteStatus.APPROVED,
        )


@pytest.mark.django_db
def test_batch_approved(notes, admin, payer, validator):
    batch = batches.approve_batch(validator, ready_batch(admin, payer))
    assert batch.status == BatchStatus.APPROVED
    the_event(batch, "payouts.batch_approved", BatchStatus.READY, BatchStatus.APPROVED)


@pytest.mark.django_db
def test_membership_requested_approved_and_suspended(shop, municipality, join, system_actor):
    membership = join(shop, municipality, accept=False)
    circuit.suspend(system_actor, membership, reason="Controlli in corso")
    membership.refresh_from_db()
    assert membership.status == MembershipStatus.SUSPENDED
    the_event(
        membership,
        "vouchers.membership_approved",
        MembershipStatus.PENDING,
        MembershipStatus.APPROVED,
    )
    the_event(
        membership,
        "vouchers.membership_suspended",
        MembershipStatus.APPROVED,
        MembershipStatus.SUSPENDED,
    )


@pytest.mark.django_db
def test_bank_results_pay_reject_and_close(
    notes, admin, payer, validator, django_capture_on_commit_callbacks
):
    batch = batches.approve_batch(validator, ready_batch(admin, payer))
    first, second = refs(batch)
    outcomes = [(first, "ACSC", "", None), (second, "RJCT", "AC04", None)]
    with django_capture_on_commit_callbacks(execute=True):
        import_results(admin, batch, data=pain002(batch.message_id, outcomes), filename="e.xml")
    paid = PayoutOrder.objects_unscoped.get(batch_items__end_to_end_id=first)
    rejected = PayoutOrder.objects_unscoped.get(batch_items__end_to_end_id=second)
    the_event(paid, "payouts.order_paid", PayoutStatus.IN_BATCH, PayoutStatus.PAID)
    event = the_event(
        rejected, "payouts.order_rejected", PayoutStatus.IN_BATCH, PayoutStatus.REJECTED
    )
    assert "AC04" in event.reason
    the_event(
        DebitNote.objects_unscoped.get(payout_order=paid),
        "payouts.debit_note_paid",
        DebitNoteStatus.IN_BATCH,
        DebitNoteStatus.PAID,
    )
    the_event(
        DebitNote.objects_unscoped.get(payout_order=rejected),
        "payouts.debit_note_payable_again",
        DebitNoteStatus.IN_BATCH,
        DebitNoteStatus.APPROVED,
    )
    the_event(batch, "payouts.batch_closed", BatchStatus.APPROVED, BatchStatus.CLOSED)


# --- refusals -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_move_not_in_the_table_is_refused_and_changes_nothing(notes, admin, payer, validator):
    batch = ready_batch(admin, payer)
    before = AuditEvent.objects_unscoped.count()
    with pytest.raises(ValidationError) as caught, transaction.atomic():
        PAYOUT_BATCH.apply(validator, batch, BatchStatus.CLOSED)
    assert "Non si può passare da «Da approvare»" in caught.value.messages[0]
    with pytest.raises(ValidationError), transaction.atomic():
        # One note is not in the batch any more: the whole bulk move is refused.
        DebitNote.objects_unscoped.filter(pk=notes[0].pk).update(status=DebitNoteStatus.PAID)
        DEBIT_NOTE.apply_bulk(admin, DebitNote.objects_unscoped.all(), DebitNoteStatus.APPROVED)
    assert PayoutBatch.objects_unscoped.get(pk=batch.pk).status == BatchStatus.READY
    assert set(DebitNote.objects_unscoped.values_list("status", flat=True)) == {
        DebitNoteStatus.IN_BATCH
    }
    assert AuditEvent.objects_unscoped.count() == before


@pytest.mark.django_db
def test_a_move_without_its_permission_is_refused(notes, admin, payer, make_user, municipality):
    from benecomune.core.models import Role
    from tests.helpers import actor_for

    batch = ready_batch(admin, payer)
    user = make_user("sportello.cicli@example.org", role=Role.DESK_OPERATOR, organization=payer)
    desk = actor_for(user, Role.DESK_OPERATOR, municipality)
    with pytest.raises(PermissionDenied), transaction.atomic():
        PAYOUT_ORDER.apply_bulk(
            desk, PayoutOrder.objects_unscoped.all(), PayoutStatus.READY, organization=payer
        )
    assert set(PayoutOrder.objects_unscoped.values_list("status", flat=True)) == {
        PayoutStatus.IN_BATCH
    }
    assert PayoutBatch.objects_unscoped.get(pk=batch.pk).status == BatchStatus.READY


def test_bulk_moves_only_run_inside_the_callers_transaction():
    with pytest.raises(RuntimeError):
        PAYOUT_ORDER.apply_bulk(None, PayoutOrder.objects_unscoped.none(), PayoutStatus.READY)


# --- documentation ------------------------------------------------------------------------------


def test_docs_lifecycles_is_generated_from_the_tables():
    text = render()
    for label, lifecycle in LIFECYCLES.items():
        assert f"(`{label}`)" in text
        for t in lifecycle.transitions:
            assert f"{t.source} --> {t.target}: {t.action}" in text
    assert DOC.read_text(encoding="utf-8") == text, "run: manage.py lifecycles_docs"

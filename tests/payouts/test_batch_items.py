"""The credit transfers of a batch move through their lifecycle (payouts.lifecycles.BATCH_ITEM):
withdrawn with their batch as one bulk move with one audit event per item, paid or rejected
by the bank's outcome with an event each; a move the table does not have is refused."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from benecomune.core.models import AuditEvent, Role
from benecomune.payouts.lifecycles import BATCH_ITEM
from benecomune.payouts.models import BatchItem, ItemStatus
from benecomune.payouts.services import batches
from benecomune.payouts.services.payees import set_payee_account
from benecomune.payouts.services.results import import_results
from tests.payouts.bank import approved_notes, pain002, ready_batch, refs
from tests.payouts.conftest import new_iban

pytestmark = pytest.mark.django_db


@pytest.fixture
def batch(make_shop, system_actor, admin, make_wallet, pay, payer):
    shops = [make_shop() for _ in range(3)]
    for shop in shops:
        set_payee_account(system_actor, shop, iban=new_iban(), holder="Titolare")
    approved_notes(
        system_actor, admin, [(s, 1_000 * (i + 1)) for i, s in enumerate(shops)], make_wallet, pay
    )
    return ready_batch(admin, payer)


def item_events(action):
    return AuditEvent.objects_unscoped.filter(object_type="payouts.batchitem", action=action)


def test_withdrawing_a_batch_withdraws_each_item_with_its_event(batch, validator, payer):
    items = sorted(BatchItem.objects_unscoped.filter(batch=batch).values_list("pk", flat=True))
    assert len(items) == 3
    batches.withdraw_batch(validator, batch, reason="Importi da ricontrollare")
    assert set(BatchItem.objects_unscoped.values_list("status", flat=True)) == {
        ItemStatus.WITHDRAWN
    }
    events = item_events("payouts.item_withdrawn")
    assert sorted(int(e.object_id) for e in events) == items
    for event in events:
        assert (event.before["status"], event.after["status"]) == ("queued", "withdrawn")
        assert (event.reason, event.actor_id) == ("Importi da ricontrollare", validator.user.pk)
        assert event.organization_id == payer.pk


def test_the_banks_outcomes_pay_or_reject_each_item_with_its_event(
    batch, admin, validator, django_capture_on_commit_callbacks
):
    batch = batches.approve_batch(validator, batch)
    first, second, third = refs(batch)
    outcomes = [(first, "ACSC", "", None), (second, "RJCT", "AC04", None)]
    with django_capture_on_commit_callbacks(execute=True):
        import_results(admin, batch, data=pain002(batch.message_id, outcomes), filename="e.xml")
    by_ref = {i.end_to_end_id: i for i in BatchItem.objects_unscoped.filter(batch=batch)}
    assert [by_ref[r].status for r in (first, second, third)] == ["paid", "rejected", "queued"]
    (paid,) = item_events("payouts.item_paid")
    assert (paid.object_id, paid.before["status"], paid.after["status"]) == (
        str(by_ref[first].pk),
        "queued",
        "paid",
    )
    (rejected,) = item_events("payouts.item_rejected")
    assert rejected.object_id == str(by_ref[second].pk)
    assert rejected.after == {
        "status": "rejected",
        "order": by_ref[second].order_id,
        "reason_code": "AC04",
    }
    assert "AC04" in rejected.reason and rejected.actor_id == admin.user.pk
    assert by_ref[second].result_at is not None and by_ref[second].reason_code == "AC04"


def test_a_move_the_table_does_not_have_is_refused_and_changes_nothing(
    batch, admin, validator, make_user, municipality
):
    from tests.helpers import actor_for

    item = BatchItem.objects_unscoped.filter(batch=batch).first()
    BatchItem.objects_unscoped.filter(pk=item.pk).update(status=ItemStatus.PAID)
    before = AuditEvent.objects_unscoped.count()
    with pytest.raises(ValidationError), transaction.atomic():
        # One item is paid already: the whole withdrawal is refused.
        BATCH_ITEM.apply_bulk(
            admin, BatchItem.objects_unscoped.filter(batch=batch), ItemStatus.WITHDRAWN
        )
    item.refresh_from_db()
    with pytest.raises(ValidationError), transaction.atomic():
        BATCH_ITEM.apply(admin, item, ItemStatus.REJECTED)
    # A desk operator has neither payouts.manage nor payouts.approve.
    user = make_user(
        "sportello.bonifici@example.org", role=Role.DESK_OPERATOR, organization=municipality
    )
    desk = actor_for(user, Role.DESK_OPERATOR, municipality)
    queued = BatchItem.objects_unscoped.filter(batch=batch, status=ItemStatus.QUEUED)
    with pytest.raises(PermissionDenied), transaction.atomic():
        BATCH_ITEM.apply_bulk(desk, queued, ItemStatus.WITHDRAWN)
    assert sorted(BatchItem.objects_unscoped.values_list("status", flat=True)) == [
        "paid",
        "queued",
        "queued",
    ]
    assert AuditEvent.objects_unscoped.count() == before

"""PostgreSQL: concurrent generations never put an order in two batches; a debit note approved
twice at once settles once."""

import threading

import pytest
from django.db import connection
from django.utils import timezone

from benecomune.ledger.models import Transfer, TransferKind
from benecomune.payouts.models import BatchItem, PayoutBatch, PayoutOrder
from benecomune.payouts.services import batch_generation, batches, debit_notes
from benecomune.payouts.services.payees import set_payee_account
from tests.payouts.bank import approved_notes
from tests.payouts.conftest import DEBTOR_IBAN, new_iban

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def run_together(*functions):
    barrier = threading.Barrier(len(functions))
    errors = []

    def wrap(function):
        try:
            barrier.wait()
            function()
        except Exception as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=wrap, args=(f,)) for f in functions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def test_two_generations_at_once_include_each_order_once(
    make_shop, system_actor, admin, make_wallet, pay, payer, monkeypatch
):
    shops = [make_shop() for _ in range(12)]
    for shop in shops:
        set_payee_account(system_actor, shop, iban=new_iban(), holder="Titolare")
    approved_notes(system_actor, admin, [(s, 1_000) for s in shops], make_wallet, pay)
    monkeypatch.setattr(batch_generation, "CHUNK", 3)
    now = timezone.now()
    # Two batches opened behind the service's back (it allows one at a time), same orders.
    pair = [
        PayoutBatch.objects_unscoped.create(
            organization=payer,
            year=now.year,
            number=n,
            message_id=f"BC-test-{n}",
            execution_date=now.date(),
            cutoff=now,
            debtor_name="Piattaforma",
            debtor_iban=DEBTOR_IBAN,
        )
        for n in (1, 2)
    ]
    errors = run_together(*(lambda b=b: batches.generate_batch(b.pk) for b in pair))
    assert errors == []
    orders = PayoutOrder.objects_unscoped.count()
    items = BatchItem.objects_unscoped.all()
    assert items.count() == orders == 12
    assert items.values("order").distinct().count() == 12
    assert sum(b.item_count for b in PayoutBatch.objects_unscoped.all()) == 12
    # Whichever batch got nothing was withdrawn, not left half-open.
    assert {b.status for b in PayoutBatch.objects_unscoped.all()} <= {"ready", "withdrawn"}


def test_a_note_approved_twice_at_once_settles_once(
    shop, shopkeeper, shop_iban, admin, make_wallet, pay, payer
):
    pay(make_wallet(), shop, 2_500)
    (note,) = debit_notes.build_debit_notes(shopkeeper, shop)
    note = debit_notes.issue_debit_note(shopkeeper, note)
    errors = run_together(
        lambda: debit_notes.approve_debit_note(admin, note),
        lambda: debit_notes.approve_debit_note(admin, note),
    )
    assert len(errors) == 1 and "si decide solo su una nota emessa" in str(errors[0])
    assert Transfer.objects.filter(kind=TransferKind.SETTLEMENT).count() == 1
    assert PayoutOrder.objects_unscoped.count() == 1

"""A debit note's lines as the shop knows them: each ledger transfer (a voucher payment or its
reversal) with the till receipt it belongs to (number, date and time; a reversal is the void
of that receipt), or with the order it paid (an order of the bookings app captured at
delivery, or a refund of one). Ledger ids stay out of what the shop and the Comune read."""

from collections.abc import Iterable

from django.apps import apps

from benecomune.ledger.models import Transfer, TransferKind
from benecomune.ledger.models.transfers import REFUND_OBJECT
from benecomune.vouchers.services.takings import receipts_for_transfers

# What a captured payment intent's transfers point at (payments' PaymentIntent).
INTENT_OBJECT = "payments.paymentintent"


def orders_for_transfers(transfer_ids) -> dict[int, str]:
    """{transfer id: the number of the order it paid or refunded} for transfers moved by an
    order's payment intent (captures, and refunds through their original payment)."""
    refs = {
        pk: (kind, object_type, object_id)
        for pk, kind, object_type, object_id in Transfer.objects_unscoped.filter(
            pk__in=list(transfer_ids), object_type__in=[INTENT_OBJECT, REFUND_OBJECT]
        ).values_list("pk", "kind", "object_type", "object_id")
    }
    refunded = {
        int(object_id)
        for kind, object_type, object_id in refs.values()
        if kind == TransferKind.REFUND and object_type == REFUND_OBJECT and object_id.isdigit()
    }
    originals = dict(
        Transfer.objects_unscoped.filter(pk__in=refunded, object_type=INTENT_OBJECT).values_list(
            "pk", "object_id"
        )
    )
    intent_of = {}
    for pk, (_kind, object_type, object_id) in refs.items():
        if object_type == INTENT_OBJECT:
            intent_of[pk] = object_id
        elif object_id.isdigit() and int(object_id) in originals:
            intent_of[pk] = originals[int(object_id)]
    if not intent_of:
        return {}
    order_model = apps.get_model("bookings", "Order")  # bookings builds on payouts, not back
    orders = {
        str(order.intent_id): order.number
        for order in order_model.objects_unscoped.filter(
            intent_id__in=set(intent_of.values())
        ).only("pk", "intent_id")
    }
    return {pk: orders[intent] for pk, intent in intent_of.items() if intent in orders}


def with_receipts(merchant_id: int, rows: Iterable, *, transfer_id=lambda row: row.transfer_id):
    """The rows (debit note lines, or the merchant's transfers with `transfer_id=pk`) as a
    list, each with `.receipt` (a `TransferReceipt`, or None for a payment made without the
    till) and `.order_number` (the order it paid, or "")."""
    rows = list(rows)
    ids = [transfer_id(row) for row in rows]
    receipts = receipts_for_transfers(merchant_id, ids)
    orders = orders_for_transfers(pk for pk in ids if pk not in receipts)
    for row in rows:
        row.receipt = receipts.get(transfer_id(row))
        row.order_number = orders.get(transfer_id(row), "")
    return rows


def gross_and_shared(note) -> tuple[int, int]:
    """(gross of the note's lines, the shared value they routed to social projects): the note's
    total is the net, what the merchant's receivable still holds for them
    (ledger/services/sharing.py)."""
    from benecomune.ledger.models import Transfer
    from benecomune.ledger.services.sharing import shares_of_transfers
    from benecomune.payouts.models import DebitNoteLine

    lines = list(DebitNoteLine.objects.filter(note=note).values_list("transfer_id", "amount"))
    gross = sum(amount for _id, amount in lines)
    transfers = Transfer.objects_unscoped.filter(pk__in=[pk for pk, _amount in lines]).only(
        "pk", "idempotency_key"
    )
    return gross, sum(shares_of_transfers(transfers).values())

"""A debit note's lines as the shop knows them: each ledger transfer (a voucher payment or its
reversal) with the till receipt it belongs to (number, date and time; a reversal is the void
of that receipt). Ledger ids stay out of what the shop and the Comune read."""

from collections.abc import Iterable

from benecomune.vouchers.services.takings import receipts_for_transfers


def with_receipts(merchant_id: int, rows: Iterable, *, transfer_id=lambda row: row.transfer_id):
    """The rows (debit note lines, or the merchant's transfers with `transfer_id=pk`) as a
    list, each with `.receipt` (a `TransferReceipt`, or None for a payment made without the
    till)."""
    rows = list(rows)
    receipts = receipts_for_transfers(merchant_id, [transfer_id(row) for row in rows])
    for row in rows:
        row.receipt = receipts.get(transfer_id(row))
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

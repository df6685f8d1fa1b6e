"""A sale voided at the till and the merchant's debit notes: one rule.

Once a debit note with the sale is issued, the payer holds a document that counts it, and its
approval moves the note's whole total off the merchant's receivable: a void after that left the
receivable short and the note could not be approved ("Saldo insufficiente"). So:

* a sale in an **issued** note (issued, approved, in a batch, paid) is not voided at the till:
  `before_void` refuses, naming the note; the Comune corrects it (it rejects the note, whose
  sales go into the next one, where the shop's correction can be made);
* a sale in a **draft** (not issued) leaves it: the void drops its line;
* a voided sale and its reversal stay out of every later note (`debit_notes.unsettled_payments`
  leaves out a payment with a reversal, and the reversal, while neither is in a live note), and
  issuing a draft drops the lines of sales voided meanwhile.

Locks: the void locks the note (if a live line has the sale) before it reverses the payment, as
issue and approval lock the note before anything else, so a void and an issue never both win.
"""

from django.utils import timezone
from django.utils.translation import gettext as _

from benecomune.payouts.exceptions import PayoutError
from benecomune.payouts.models import DebitNote, DebitNoteLine, DebitNoteStatus


class SaleInIssuedNote(PayoutError):
    """The sale is in an issued debit note: the till may not void it."""

    def __init__(self, note: DebitNote):
        super().__init__(
            _(
                "La vendita è già nella nota di debito n. %(number)s emessa il %(date)s per "
                "%(payer)s: non si può più annullare alla cassa. Chieda al Comune una rettifica."
            )
            % {
                "number": note.display_number,
                "date": timezone.localtime(note.issued_at).strftime("%d/%m/%Y")
                if note.issued_at
                else "",
                "payer": note.payer.name,
            },
            code="sale_in_debit_note",
        )
        self.note = note


def before_void(payment_id: int) -> None:
    """Call in the void's transaction, before the reversal: refuse a sale in an issued note
    (SaleInIssuedNote), drop it from a draft."""
    note_id = (
        DebitNoteLine.objects.filter(transfer_id=payment_id, live=True)
        .values_list("note_id", flat=True)
        .first()
    )
    if note_id is None:
        return
    note = DebitNote.objects_unscoped.select_for_update().select_related("payer").get(pk=note_id)
    if note.status != DebitNoteStatus.DRAFT:
        raise SaleInIssuedNote(note)
    from benecomune.payouts.services.debit_notes import _refresh_totals

    DebitNoteLine.objects.filter(note=note, transfer_id=payment_id).delete()
    _refresh_totals(note)

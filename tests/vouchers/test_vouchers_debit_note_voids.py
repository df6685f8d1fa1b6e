"""A sale in an issued debit note is not voided at the till (POS API and till page:
`sale_in_debit_note`, the note named), so the note can still be approved; a sale voided
before any note is left out of the next one; a draft drops a sale voided after it took it."""

import pytest

from benecomune.core.models import Role
from benecomune.ledger.services.statements import balance
from benecomune.payouts.models import DebitNoteLine, DebitNoteStatus
from benecomune.payouts.services import debit_notes
from benecomune.vouchers.models import Redemption
from tests.vouchers.conftest import qr

pytestmark = pytest.mark.django_db


def issue(actor, shop):
    (note,) = debit_notes.build_debit_notes(actor, shop)
    return debit_notes.issue_debit_note(actor, note)


def test_a_sale_in_an_issued_note_is_not_voided_and_the_note_is_approved(
    pos, voucher, member_shop, system_actor
):
    sale = pos("redeem", {"code": qr(voucher), "amount": 1_250})
    note = issue(system_actor, member_shop)
    assert (note.status, note.total) == (DebitNoteStatus.ISSUED, 1_250)
    void = pos(f"redemptions/{sale.body['id']}/void", {"reason": "errore"})
    assert void.status_code == 409
    assert void.body["code"] == "sale_in_debit_note"
    assert f"nota di debito n. {note.display_number}" in void.body["message"]
    assert "Chieda al Comune una rettifica" in void.body["message"]
    assert balance(voucher.account) == 8_750  # nothing moved
    assert Redemption.objects_unscoped.get().voided_at is None
    approved = debit_notes.approve_debit_note(system_actor, note)
    assert approved.status == DebitNoteStatus.APPROVED  # no "Saldo insufficiente"
    again = pos(f"redemptions/{sale.body['id']}/void")
    assert again.body["code"] == "sale_in_debit_note"


def test_the_till_page_refuses_the_void_in_italian(
    staff_client, pos, voucher, member_shop, system_actor
):
    client, _user, _membership = staff_client(Role.MERCHANT_STAFF, member_shop)
    sale = pos("redeem", {"code": qr(voucher), "amount": 500})
    note = issue(system_actor, member_shop)
    page = client.post(
        f"/gestione/cassa/scontrini/{sale.body['id']}/annulla/", {"reason": "x"}, follow=True
    )
    html = page.content.decode()
    assert f"nota di debito n. {note.display_number}" in html
    assert "rettifica" in html
    assert balance(voucher.account) == 9_500


def test_a_sale_voided_before_the_note_is_left_out(pos, voucher, member_shop, system_actor):
    kept = pos("redeem", {"code": qr(voucher), "amount": 2_000})
    wrong = pos("redeem", {"code": qr(voucher), "amount": 700})
    assert pos(f"redemptions/{wrong.body['id']}/void").status_code == 200
    note = issue(system_actor, member_shop)
    assert (note.total, note.line_count) == (2_000, 1)
    lines = DebitNoteLine.objects.filter(note=note).values_list("transfer_id", flat=True)
    assert list(lines) == [Redemption.objects_unscoped.get(pk=kept.body["id"]).transfer_id]
    assert debit_notes.approve_debit_note(system_actor, note).status == DebitNoteStatus.APPROVED
    assert debit_notes.build_debit_notes(system_actor, member_shop) == []  # nothing left over


def test_a_draft_drops_a_sale_voided_after_it_took_it(pos, voucher, member_shop, system_actor):
    pos("redeem", {"code": qr(voucher), "amount": 2_000})
    wrong = pos("redeem", {"code": qr(voucher), "amount": 700})
    (draft,) = debit_notes.build_debit_notes(system_actor, member_shop)
    assert (draft.status, draft.total) == (DebitNoteStatus.DRAFT, 2_700)
    assert pos(f"redemptions/{wrong.body['id']}/void").status_code == 200
    draft.refresh_from_db()
    assert (draft.total, draft.line_count) == (2_000, 1)
    note = debit_notes.issue_debit_note(system_actor, draft)
    assert debit_notes.approve_debit_note(system_actor, note).status == DebitNoteStatus.APPROVED


def test_issuing_drops_a_sale_voided_while_the_draft_was_built(
    pos, voucher, member_shop, system_actor
):
    """A void that raced the build (the draft took the sale, the void did not see it there):
    the issue leaves the sale out, so the issued note never counts it."""
    from benecomune.ledger.models import Transfer
    from benecomune.ledger.services.transfers import reverse

    pos("redeem", {"code": qr(voucher), "amount": 2_000})
    wrong = pos("redeem", {"code": qr(voucher), "amount": 700})
    (draft,) = debit_notes.build_debit_notes(system_actor, member_shop)
    payment = Transfer.objects_unscoped.get(
        pk=Redemption.objects_unscoped.get(pk=wrong.body["id"]).transfer_id
    )
    reverse(system_actor, payment, reason="annullato alla cassa")  # as the racing void did
    note = debit_notes.issue_debit_note(system_actor, draft)
    assert (note.total, note.line_count) == (2_000, 1)
    assert debit_notes.approve_debit_note(system_actor, note).status == DebitNoteStatus.APPROVED
    assert debit_notes.build_debit_notes(system_actor, member_shop) == []

"""Settlement of captured orders per wallet kind: a booking paid by a public wallet, a company
plan wallet and own money online, completed, reaches the existing debit notes as three notes,
one per wallet kind: the Comune's public vouchers, the company's plan spending (approved by
the company's HR), and the own money collected online by the platform (the buyer's Comune,
whose "Pagamenti online" account took it in, settles it to the provider in its own note).
Approval moves each note's whole total (no commission) and creates a payout order of the same
amount to the provider; the note's lines name the order."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.utils import timezone

from benecomune.bookings.models import BookingStatus, OrderStatus, OwnMoney
from benecomune.bookings.services import booking_moves, order_payment
from benecomune.core.models import Provider, Role
from benecomune.core.scoping import all_tenants
from benecomune.ledger.models import Transfer, TransferKind
from benecomune.payments import fake_hosted
from benecomune.payments.models import LegSource, PaymentLeg
from benecomune.payouts.models import DebitNote, DebitNoteLine, PayoutOrder, SettlementKind
from benecomune.payouts.services import debit_notes
from benecomune.payouts.services.note_lines import with_receipts
from tests.bookings.booking_fixtures import *  # noqa: F403
from tests.bookings.booking_fixtures import book
from tests.bookings.corporate_credit import approved_plan, plan_wallet
from tests.helpers import login

pytestmark = pytest.mark.django_db
HOUR = datetime.timedelta(hours=1)


def _pay_online(order) -> None:
    online = PaymentLeg.objects_unscoped.get(intent_id=order.intent_id, source=LegSource.GATEWAY)
    body, signature = fake_hosted.signed_event(
        event_id=f"evt_paid_{order.pk}",
        kind=fake_hosted.SUCCEEDED,
        reference=online.reference,
        order=str(order.pk),
        amount=online.amount,
    )
    order_payment.handle_notification(body, signature)


def test_completed_booking_is_settled_in_one_note_per_wallet_kind(
    priced, buyer, citizen, wallets, hosted, company, make_actor, municipality, system, client
):
    provider, owner, service = priced
    # The provider's category, as the platform's admin records it: home care (art. 51).
    Provider.objects.filter(pk=provider.pk).update(category="home_care")
    hr_operator = make_actor("operatore.hr@example.org", Role.COMPANY_HR_OPERATOR, company)
    hr_admin = make_actor("admin.hr@example.org", Role.COMPANY_HR, company)
    version = approved_plan(hr_operator, hr_admin, company, year=timezone.localdate().year)
    corporate = plan_wallet(
        system, version, buyer, 3_000, valid_until=timezone.localdate() + datetime.timedelta(90)
    )
    booking = book(
        citizen,
        service,
        buyer,
        split={wallets[1].pk: 1_001, corporate.pk: 1_499},
        own_amount=2_500,
        own_money=OwnMoney.ONLINE,
    )
    with all_tenants():
        order = booking.order
        _pay_online(order)
        booking.refresh_from_db()
        assert booking.status == BookingStatus.CONFIRMED
        booking = booking_moves.complete(owner, booking, now=booking.starts_at + HOUR)
        order.refresh_from_db()
        assert order.status == OrderStatus.DELIVERED
        payments = Transfer.objects_unscoped.filter(
            kind=TransferKind.PAYMENT, credit_account__organization_id=provider.pk
        )
        assert sorted(payments.values_list("amount", flat=True)) == [1_001, 1_499, 2_500]

        notes = debit_notes.build_debit_notes(system, provider)
        by_kind = {note.kind: note for note in notes}
        assert set(by_kind) == set(SettlementKind)
        public, company_note, own = (
            by_kind[SettlementKind.PUBLIC],
            by_kind[SettlementKind.CORPORATE],
            by_kind[SettlementKind.OWN_MONEY],
        )
        # The right payer for each kind, the amounts to the cent, one line each.
        assert (public.payer_id, public.total, public.line_count) == (municipality.pk, 1_001, 1)
        assert (company_note.payer_id, company_note.total, company_note.line_count) == (
            company.pk,
            1_499,
            1,
        )
        assert (own.payer_id, own.total, own.line_count) == (buyer.residence_id, 2_500, 1)
        assert public.total + company_note.total + own.total == order.amount

        # Each line names the order it paid (no till receipt for an order).
        lines = with_receipts(provider.pk, DebitNoteLine.objects.filter(note__merchant=provider))
        assert {line.order_number for line in lines} == {order.number}
        assert all(line.receipt is None for line in lines)

        comune_admin = make_actor("ragioneria@example.org", Role.MUNICIPALITY_ADMIN, municipality)
        for note, approver in (
            (public, comune_admin),
            # The company's HR approves its plan's spending itself.
            (company_note, hr_admin),
            (own, comune_admin),
        ):
            note = debit_notes.issue_debit_note(system, note)
            note = debit_notes.approve_debit_note(approver, note)
            settlement = Transfer.objects_unscoped.get(pk=note.settlement_transfer_id)
            assert settlement.amount == note.total  # the whole amount: no commission
            payout = PayoutOrder.objects_unscoped.get(debit_note=note)
            assert payout.amount == note.total and payout.provider_id == provider.pk
            assert payout.organization_id == note.payer_id
        assert DebitNote.objects_unscoped.filter(merchant=provider).count() == 3
        # Nothing left to settle.
        assert not debit_notes.unsettled_payments(provider).exists()
    call_command("ledger_check")

    # The company's HR reads its note on its page, the order number on the line.
    login(client, hr_admin.user, hr_admin.membership)
    home = client.get("/gestione/pagamenti/")
    assert home.status_code == 200  # its payer's pages, reached from the menu
    assert 'href="/gestione/pagamenti/"' in home.content.decode()
    page = client.get(f"/gestione/pagamenti/note-di-debito/{company_note.pk}/")
    assert page.status_code == 200
    assert f"ordine n. {order.number}" in page.content.decode()


def test_hr_may_not_approve_another_payers_note(
    priced, buyer, citizen, wallets, company, make_actor, system
):
    provider, _owner, service = priced
    hr_admin = make_actor("admin.hr@example.org", Role.COMPANY_HR, company)
    booking = book(
        citizen,
        service,
        buyer,
        split={wallets[0].pk: 2_000, wallets[1].pk: 1_500},
        own_amount=1_500,
        own_money=OwnMoney.AT_PROVIDER,
    )
    with all_tenants():
        booking_moves.complete(_owner, booking, now=booking.starts_at + HOUR)
        (note,) = debit_notes.build_debit_notes(system, provider)
        note = debit_notes.issue_debit_note(system, note)
        assert note.kind == SettlementKind.PUBLIC
        with pytest.raises(PermissionDenied):
            debit_notes.approve_debit_note(hr_admin, note)

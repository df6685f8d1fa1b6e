"""Settlement of merchants: debit notes from voucher payments, approval, payout orders."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from benecomune.core.models import AuditEvent, Role
from benecomune.ledger.models import Transfer, TransferKind
from benecomune.ledger.services.statements import balance
from benecomune.ledger.services.transfers import reverse
from benecomune.ledger.services.wallets import merchant_account
from benecomune.payouts.models import (
    DebitNoteLine,
    DebitNoteStatus,
    PayoutOrder,
    PayoutStatus,
)
from benecomune.payouts.services import debit_notes
from benecomune.payouts.services.accounts import payer_setup
from benecomune.payouts.services.payees import set_payee_account
from tests.helpers import actor_for

pytestmark = pytest.mark.django_db


def issue(actor, merchant):
    (note,) = debit_notes.build_debit_notes(actor, merchant)
    return debit_notes.issue_debit_note(actor, note)


def test_note_lists_the_payments_and_is_numbered_per_merchant_and_year(
    shop, shopkeeper, make_wallet, pay, make_shop, system_actor
):
    wallet = make_wallet(30_000)
    pay(wallet, shop, 1_250)
    pay(wallet, shop, 4_000)
    note = issue(shopkeeper, shop)
    assert note.status == DebitNoteStatus.ISSUED
    assert (note.total, note.line_count) == (5_250, 2)
    assert note.year == timezone.localdate().year and note.number == 1
    assert note.pdf.read().startswith(b"%PDF")
    pay(wallet, shop, 999)
    second = issue(shopkeeper, shop)
    assert (second.number, second.total) == (2, 999)
    other = make_shop()
    pay(wallet, other, 500)
    assert issue(system_actor, other).number == 1  # numbering is per merchant
    assert AuditEvent.objects_unscoped.filter(action="payouts.debit_note_issued").count() == 3


def test_a_payment_is_in_at_most_one_live_note(shop, shopkeeper, make_wallet, pay):
    payment = pay(make_wallet(), shop, 2_000)
    note = issue(shopkeeper, shop)
    assert debit_notes.build_debit_notes(shopkeeper, shop) == []
    with pytest.raises(IntegrityError), transaction.atomic():
        DebitNoteLine.objects.create(
            note=note,
            transfer=payment,
            amount=2_000,
            occurred_at=payment.created_at,
            wallet_account_id=payment.debit_account_id,
        )


def test_reversals_are_negative_lines(shop, shopkeeper, make_wallet, pay, system_actor):
    """A reversal of a payment an earlier note already counted is a negative line of the
    next note; a payment reversed before any note had it is left out with its reversal."""
    wallet = make_wallet()
    counted = pay(wallet, shop, 1_000)
    issue(shopkeeper, shop)
    pay(wallet, shop, 3_000)
    reverse(system_actor, counted, reason="Rettifica del Comune")
    refund = pay(wallet, shop, 500)
    reverse(system_actor, refund, reason="Reso")
    note = issue(shopkeeper, shop)
    assert (note.total, note.line_count) == (2_000, 2)
    assert sorted(DebitNoteLine.objects.filter(note=note).values_list("amount", flat=True)) == [
        -1_000,
        3_000,
    ]


def test_one_note_per_payer(
    shop, shopkeeper, make_wallet, pay, other_municipality, fund, system_actor
):
    from benecomune.ledger.models import FundOrigin
    from benecomune.ledger.services import funds

    other_fund = funds.create_fund(
        system_actor,
        organization=other_municipality,
        name="Buoni Limena",
        origin=FundOrigin.MUNICIPAL,
    )
    funds.add_contribution(system_actor, other_fund, contributor="Comune di Limena", amount=100_000)
    pay(make_wallet(), shop, 1_000)
    pay(make_wallet(organization=other_municipality, fund_=other_fund), shop, 2_000)
    notes = debit_notes.build_debit_notes(shopkeeper, shop)
    assert sorted((n.payer_id, n.total) for n in notes) == sorted(
        [(fund.organization_id, 1_000), (other_municipality.pk, 2_000)]
    )


def test_approval_settles_the_whole_amount_and_orders_the_payout(
    payer, shop, shopkeeper, shop_iban, admin, make_wallet, pay
):
    wallet = make_wallet()
    pay(wallet, shop, 7_000)
    pay(wallet, shop, 800)
    note = issue(shopkeeper, shop)
    note = debit_notes.approve_debit_note(admin, note)
    assert note.status == DebitNoteStatus.APPROVED
    settlement = note.settlement_transfer
    assert settlement.kind == TransferKind.SETTLEMENT and settlement.amount == 7_800
    assert balance(merchant_account(shop)) == 0
    assert balance(payer_setup(payer).payable_account) == 7_800
    order = PayoutOrder.objects_unscoped.get(debit_note=note)
    # No commission: the merchant is paid exactly what the citizens spent.
    assert (order.amount, order.status, order.iban) == (7_800, PayoutStatus.READY, shop_iban.iban)
    assert order.holder == "Bepi Rossi"
    with pytest.raises(ValidationError):
        debit_notes.approve_debit_note(admin, note)


def test_only_the_payer_decides(
    payer, shop, shopkeeper, make_wallet, pay, make_user, other_municipality, validator
):
    pay(make_wallet(), shop, 1_000)
    note = issue(shopkeeper, shop)
    with pytest.raises(PermissionDenied):
        debit_notes.approve_debit_note(shopkeeper, note)
    with pytest.raises(PermissionDenied):
        debit_notes.approve_debit_note(validator, note)  # validators approve batches, not notes
    stranger = make_user(
        "admin@limena.example.org", role=Role.MUNICIPALITY_ADMIN, organization=other_municipality
    )
    with pytest.raises(PermissionDenied):
        debit_notes.approve_debit_note(
            actor_for(stranger, Role.MUNICIPALITY_ADMIN, other_municipality), note
        )
    note.refresh_from_db()
    assert note.status == DebitNoteStatus.ISSUED
    assert not Transfer.objects.filter(kind=TransferKind.SETTLEMENT).exists()


def test_rejection_frees_the_payments_for_the_next_note(
    payer, shop, shopkeeper, admin, make_wallet, pay
):
    pay(make_wallet(), shop, 1_500)
    note = issue(shopkeeper, shop)
    with pytest.raises(ValidationError):
        debit_notes.reject_debit_note(admin, note, reason="  ")
    debit_notes.reject_debit_note(admin, note, reason="Scontrini mancanti")
    note.refresh_from_db()
    assert note.status == DebitNoteStatus.REJECTED
    again = issue(shopkeeper, shop)
    assert (again.total, again.number) == (1_500, 2)


def test_without_iban_the_order_waits_and_the_merchant_unblocks_it(
    payer, shop, shopkeeper, admin, make_wallet, pay
):
    pay(make_wallet(), shop, 2_500)
    note = debit_notes.approve_debit_note(admin, issue(shopkeeper, shop))
    order = PayoutOrder.objects_unscoped.get(debit_note=note)
    assert order.status == PayoutStatus.ON_HOLD and order.iban == ""
    with pytest.raises(ValidationError) as error:
        set_payee_account(shopkeeper, shop, iban="IT00X0000000000000000000000", holder="Bepi")
    assert "non è valido" in str(error.value)
    order.refresh_from_db()
    assert order.status == PayoutStatus.ON_HOLD
    set_payee_account(shopkeeper, shop, iban="IT60 X054 2811 1010 0000 0123 456", holder="Bepi")
    order.refresh_from_db()
    assert (order.status, order.iban) == (PayoutStatus.READY, "IT60X0542811101000000123456")
    event = AuditEvent.objects_unscoped.filter(action="payouts.payee_account_changed").last()
    assert event.after["orders_ready_again"] == [order.pk]


def test_nothing_to_issue_is_refused(shop, shopkeeper, make_wallet, pay, system_actor):
    wallet = make_wallet()
    payment = pay(wallet, shop, 1_000)
    (note,) = debit_notes.build_debit_notes(shopkeeper, shop)
    reverse(system_actor, payment)  # the draft's only sale: the issue drops it
    with pytest.raises(ValidationError) as error:
        debit_notes.issue_debit_note(shopkeeper, note)
    assert "non ha importi" in str(error.value)
    note.refresh_from_db()
    assert note.status == DebitNoteStatus.DRAFT and note.number is None


def test_the_command_issues_the_notes_of_closed_periods(shop, make_wallet, pay, system_actor):
    wallet = make_wallet()
    pay(wallet, shop, 1_000)
    pay(wallet, shop, 2_000)
    today = timezone.localdate()
    # Weekly settlement: this week's payments wait for the week to close.
    assert debit_notes.issue_due_debit_notes(system_actor, today=today) == []
    next_week = today + datetime.timedelta(days=7)
    issued = debit_notes.issue_due_debit_notes(system_actor, today=next_week)
    assert [(n.total, n.line_count, n.status) for n in issued] == [
        (3_000, 2, DebitNoteStatus.ISSUED)
    ]
    assert debit_notes.issue_due_debit_notes(system_actor, today=next_week) == []
    latest = pay(wallet, shop, 500)
    assert debit_notes.issue_due_debit_notes(system_actor, today=today) == []
    assert debit_notes.unsettled_payments(shop).get().pk == latest.pk


def test_period_starts():
    from benecomune.payouts.models import SettlementPeriod

    day = datetime.date(2026, 11, 19)  # a Thursday
    assert debit_notes.period_start(day, SettlementPeriod.WEEKLY) == datetime.date(2026, 11, 16)
    assert debit_notes.period_start(day, SettlementPeriod.FORTNIGHTLY) == datetime.date(
        2026, 11, 16
    )
    assert debit_notes.period_start(day, SettlementPeriod.MONTHLY) == datetime.date(2026, 11, 1)
    assert debit_notes.period_start(datetime.date(2026, 11, 9), SettlementPeriod.FORTNIGHTLY) == (
        datetime.date(2026, 11, 1)
    )


def test_the_iban_comes_from_the_circuit_membership_when_not_set_here(
    payer, shop, shopkeeper, admin, make_wallet, pay
):
    from django.apps import apps

    try:
        circuit_model = apps.get_model("vouchers", "Circuit")
        membership_model = apps.get_model("vouchers", "CircuitMembership")
    except LookupError:
        pytest.skip("the vouchers app has no merchant circuit yet")
    circuit = circuit_model.objects_unscoped.create(
        organization=payer, name="Circuito", convention_text="Convenzione"
    )
    membership_model.objects_unscoped.create(
        circuit=circuit,
        organization=payer,
        merchant=shop,
        status="approved",
        category="grocery",
        vat_number=shop.vat_number,
        iban="IT60X0542811101000000123456",
        iban_holder="Alimentari Da Bepi snc",
        address="Via Roma 1",
        municipality=payer,
        requested_at=timezone.now(),
    )
    pay(make_wallet(), shop, 1_000)
    note = debit_notes.approve_debit_note(admin, issue(shopkeeper, shop))
    order = PayoutOrder.objects_unscoped.get(debit_note=note)
    assert (order.status, order.iban, order.holder) == (
        PayoutStatus.READY,
        "IT60X0542811101000000123456",
        "Alimentari Da Bepi snc",
    )

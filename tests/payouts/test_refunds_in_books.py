"""A refund (part of a purchase given back to the wallet, payments.services.refunds) lowers
what the shop is owed and what the Comune's books call spent, like a reversal: in the shop's
debit notes, in the fund's figures and in the voucher report by shop."""

import itertools

import pytest

from benecomune.payments.services import checkout, refunds
from benecomune.payments.services.planning import wallet_leg
from benecomune.payouts.models import DebitNoteLine
from benecomune.payouts.services import debit_notes
from benecomune.payouts.services.figures import fund_figures
from benecomune.vouchers.services.reports import Period, spending_by_merchant

pytestmark = pytest.mark.django_db

_keys = itertools.count()


def key() -> str:
    return f"test-refund-books-{next(_keys)}"


def bought(actor, wallet, shop, amount):
    intent = checkout.create_intent(
        actor,
        buyer=wallet.person,
        payee=shop,
        amount=amount,
        legs=[wallet_leg(wallet, amount)],
        idempotency_key=key(),
    )
    return checkout.capture(actor, checkout.authorise(actor, intent))


def note_lines(note):
    return sorted(DebitNoteLine.objects.filter(note=note).values_list("amount", flat=True))


def test_a_refund_before_the_note_is_a_negative_line_of_it(
    shop, shopkeeper, make_wallet, system_actor
):
    wallet = make_wallet(10_000)
    intent = bought(system_actor, wallet, shop, 3_000)
    refunds.refund(system_actor, intent, 1_000, idempotency_key=key())
    (note,) = debit_notes.build_debit_notes(shopkeeper, shop)
    assert (note.total, note_lines(note)) == (2_000, [-1_000, 3_000])


def test_a_refund_after_the_note_goes_into_the_next_one(
    shop, shopkeeper, make_wallet, system_actor
):
    wallet = make_wallet(10_000)
    intent = bought(system_actor, wallet, shop, 3_000)
    (first,) = debit_notes.build_debit_notes(shopkeeper, shop)
    debit_notes.issue_debit_note(shopkeeper, first)
    bought(system_actor, wallet, shop, 500)
    refunds.refund(system_actor, intent, 1_200, idempotency_key=key())
    (second,) = debit_notes.build_debit_notes(shopkeeper, shop)
    # More given back than sold since: the note's total stops at zero, its lines keep both.
    assert (second.total, note_lines(second)) == (0, [-1_200, 500])


def test_the_fund_counts_spending_net_of_refunds(fund, shop, make_wallet, system_actor):
    wallet = make_wallet(10_000)
    intent = bought(system_actor, wallet, shop, 4_000)
    assert fund_figures(fund)["spent"] == 4_000
    refunds.refund(system_actor, intent, 1_500, idempotency_key=key())
    assert fund_figures(fund)["spent"] == 2_500


def test_the_voucher_report_counts_refunds_against_their_payment(
    municipality, shop, make_wallet, system_actor
):
    wallet = make_wallet(10_000)
    intent = bought(system_actor, wallet, shop, 4_000)
    refunds.refund(system_actor, intent, 1_500, idempotency_key=key())
    refunds.refund(system_actor, intent, 500, idempotency_key=key())
    (row,) = spending_by_merchant([municipality.pk], Period())
    assert (row["merchant"], row["payments"]) == (shop, 1)
    assert (row["gross"], row["reversed"], row["net"]) == (4_000, 2_000, 2_000)

"""Shared value (issue 19, points 1-3): agreements and projects, routing on redemption, order
capture, void and refund with the ledger sound after each step (`ledger_stays_sound` checks
`ledger_check` after every test), the debit note's net, disbursement, public pages."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from benecomune.ledger.models import TransferKind
from benecomune.ledger.services import statements
from benecomune.observatory.models import SharedValueAgreement, ShareMode
from benecomune.observatory.services import shared_value as sv
from benecomune.observatory.services import shared_value_routing as routing
from benecomune.vouchers.services import redeem as redeem_services
from benecomune.vouchers.services.authorisations import void_redemption
from tests.observatory import shared_value_helpers as h
from tests.vouchers.conftest import new_key, qr

h.use_voucher_fixtures(globals())  # cashier, citizen, voucher, ... (tests/vouchers)

pytestmark = pytest.mark.django_db


sound = h.sound
raised = h.raised


@pytest.fixture
def signed(comune, make_user, municipality, member_shop, project):
    return h.agreement(comune, h.merchant_actor(make_user, member_shop), municipality,
                       member_shop, project)  # fmt: skip


# --- bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["100.001", "2,345", "-1", "101", "tanto"])
def test_bad_percentages_are_refused_in_italian(text):
    with pytest.raises(ValidationError) as refused:
        sv.parse_percent(text)
    assert "percentuale" in str(refused.value).lower()


@pytest.mark.parametrize(("text", "bp"), [("2,5", 250), ("100", 10_000), ("0.01", 1), ("0", 0)])
def test_percentages_become_basis_points(text, bp):
    assert sv.parse_percent(text) == bp


def test_an_overlapping_agreement_is_refused_and_nothing_written(
    comune, municipality, member_shop, project, signed
):
    with pytest.raises(ValidationError, match="già un accordo"):
        sv.propose_agreement(
            comune,
            municipality,
            merchant=member_shop,
            project=project,
            mode=ShareMode.FIXED,
            values={"value_public": 10},
            valid_from=timezone.localdate() + datetime.timedelta(days=30),
            valid_until=timezone.localdate() + datetime.timedelta(days=400),
        )
    assert SharedValueAgreement.objects_unscoped.count() == 1


def test_an_agreement_with_a_bad_percentage_writes_nothing(
    comune, municipality, member_shop, project
):
    with pytest.raises(ValidationError, match="due decimali"):
        sv.propose_agreement(
            comune,
            municipality,
            merchant=member_shop,
            project=project,
            mode=ShareMode.PERCENT,
            values={"value_public": "2.345"},
            valid_from=timezone.localdate(),
            valid_until=timezone.localdate(),
        )
    assert not SharedValueAgreement.objects_unscoped.exists()


def test_a_project_with_a_bad_iban_is_refused(comune, municipality, network):
    with pytest.raises(ValidationError, match="IBAN"):
        h.project(comune, municipality, h.body(network, municipality), iban="IT00X123")


# --- routing ----------------------------------------------------------------------------------


def test_redemption_routes_the_share_and_the_void_gives_it_back(
    signed, project, ctx, cashier_actor, voucher, member_shop
):
    redemption = redeem_services.redeem(
        cashier_actor, ctx, amount=2_550, idempotency_key=new_key(), code=qr(voucher)
    )
    sound()
    assert raised(project) == 255
    assert statements.balance(redemption.transfer.credit_account) == 2_550 - 255
    assert routing.share_of_payment(redemption.transfer) == (255, project)
    # A replay of the redemption routes nothing more.
    sound()
    void_redemption(cashier_actor, ctx, redemption.pk, idempotency_key=new_key())
    sound()
    assert raised(project) == 0
    assert routing.share_of_payment(redemption.transfer)[0] == 0
    assert routing.project_figures(project)["transactions"] == 0


def test_no_agreement_no_share(ctx, cashier_actor, voucher, project):
    redemption = redeem_services.redeem(
        cashier_actor, ctx, amount=1_000, idempotency_key=new_key(), code=qr(voucher)
    )
    assert raised(project) == 0
    assert routing.share_of_payment(redemption.transfer) == (0, None)


def test_order_capture_and_refunds_move_the_share_proportionally(
    system_actor, signed, project, member_shop, voucher, citizen
):
    from benecomune.payments.services import checkout, planning, refunds

    intent = checkout.create_intent(
        system_actor,
        buyer=citizen,
        payee=member_shop,
        amount=3_001,
        legs=[planning.wallet_leg(voucher, 3_001)],
        idempotency_key=new_key(),
        object_type="tests.order",
        object_id="1",
    )
    checkout.authorise(system_actor, intent)
    checkout.capture(system_actor, intent)
    sound()
    assert raised(project) == 300
    refunds.refund(system_actor, intent, 1_000, idempotency_key=new_key())
    sound()
    assert raised(project) == 300 - 300 * 1_000 // 3_001  # 200 left
    refunds.refund(system_actor, intent, idempotency_key=new_key())
    sound()
    assert raised(project) == 0


def test_debit_note_shows_gross_shared_and_net(
    signed, project, ctx, cashier_actor, voucher, member_shop, system_actor
):
    from benecomune.payouts.services import debit_notes
    from benecomune.payouts.services.note_lines import gross_and_shared

    for amount in (1_000, 2_000):
        redeem_services.redeem(
            cashier_actor, ctx, amount=amount, idempotency_key=new_key(), code=qr(voucher)
        )
    (note,) = debit_notes.build_debit_notes(system_actor, member_shop)
    assert gross_and_shared(note) == (3_000, 300)
    assert note.total == 2_700
    note = debit_notes.issue_debit_note(system_actor, note)
    assert note.pdf


def test_disbursement_goes_through_a_payout_order_and_needs_the_iban(
    signed, project, ctx, cashier_actor, voucher, comune, municipality, network
):
    from benecomune.payouts.models import PayoutOrder

    redeem_services.redeem(cashier_actor, ctx, amount=5_000, idempotency_key=new_key(),
                           code=qr(voucher))  # fmt: skip
    order = routing.disburse(comune, project)
    assert order.amount == 500 and order.iban == h.IBAN
    assert raised(project) == 0
    figures = routing.project_figures(project)
    assert (figures["raised"], figures["disbursed"], figures["held"]) == (500, 500, 0)
    sound()
    bare = h.project(comune, municipality, h.body(network, municipality), iban="")
    with pytest.raises(ValidationError, match="IBAN"):
        routing.disburse(comune, bare)
    assert PayoutOrder.objects_unscoped.count() == 1


def test_shares_are_shared_value_transfers_naming_the_payment(
    signed, project, ctx, cashier_actor, voucher
):
    redemption = redeem_services.redeem(
        cashier_actor, ctx, amount=999, idempotency_key=new_key(), code=qr(voucher)
    )
    from benecomune.ledger.models import Transfer

    share = Transfer.objects_unscoped.get(credit_account=project.account)
    assert share.kind == TransferKind.SHARED_VALUE
    assert share.object_id == str(redemption.transfer_id) and share.amount == 99


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_tills_one_statement_steps_aside_for_a_merchant_with_an_agreement(
    signed, project, ctx, voucher, system_actor
):
    """The device API's single statement does not route: for a merchant with an agreement it
    answers "usual path" (nothing written), and the usual path routes."""
    from benecomune.vouchers.services import one_statement

    assert one_statement.applies(system_actor)
    paid = one_statement.pay_at_till(
        system_actor, ctx, wallet_id=voucher.pk, amount=1_000, key=new_key(),
        client_key="k", device_id=None,
    )  # fmt: skip
    assert paid is None and raised(project) == 0
    redemption = redeem_services.redeem(
        system_actor, ctx, amount=1_000, idempotency_key=new_key(), code=qr(voucher)
    )
    assert raised(project) == 100 and routing.share_of_payment(redemption.transfer)[0] == 100
    sound()

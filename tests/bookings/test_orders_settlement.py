"""Settlement of captured orders: an order paid by a public wallet, a company plan wallet and
own money online, delivered, reaches the existing debit notes, one per payer (the wallet's
issuer): the Comune's note has the public leg and the own-money leg (own money enters the
ledger through the own-money wallet issued by the buyer's Comune, from the online provider's
account), the company's note has the corporate leg. Approval moves each note's whole total
(no commission) and creates a payout order of the same amount to the provider."""

import datetime

import pytest

from benecomune.bookings.models import OrderStatus, OwnMoney
from benecomune.bookings.services import order_delivery, order_payment, orders
from benecomune.core.models import Provider, Role
from benecomune.core.scoping import all_tenants
from benecomune.ledger.models import Transfer, TransferKind
from benecomune.payments import fake_hosted
from benecomune.payments.models import LegSource, PaymentLeg
from benecomune.payouts.models import DebitNote, PayoutOrder
from benecomune.payouts.services import debit_notes
from tests.bookings.corporate_credit import approved_plan, plan_wallet
from tests.bookings.test_orders_fixtures import *  # noqa: F403
from tests.bookings.test_orders_fixtures import new_key

pytestmark = pytest.mark.django_db


@pytest.fixture
def home_care(seller):
    provider, owner, service = seller
    # The provider's category, as the platform's admin records it: home care (art. 51).
    Provider.objects.filter(pk=provider.pk).update(category="home_care")
    provider.refresh_from_db()
    return provider, owner, service


def test_captured_legs_reach_one_debit_note_per_payer_without_commission(
    home_care, buyer, citizen, wallets, hosted, company, make_actor, municipality, system
):
    provider, owner, service = home_care
    hr_operator = make_actor("operatore.hr@example.org", Role.COMPANY_HR_OPERATOR, company)
    hr_admin = make_actor("admin.hr@example.org", Role.COMPANY_HR, company)
    version = approved_plan(hr_operator, hr_admin, company, year=datetime.date.today().year)
    corporate = plan_wallet(
        system, version, buyer, 3_000, valid_until=datetime.date.today() + datetime.timedelta(90)
    )
    with all_tenants():
        order = orders.place_order(
            citizen,
            buyer=buyer,
            service=service,
            split={wallets[0].pk: 2_000, corporate.pk: 1_500},
            own_amount=1_500,
            own_money=OwnMoney.ONLINE,
            idempotency_key=new_key(),
        )
        online = PaymentLeg.objects_unscoped.get(
            intent_id=order.intent_id, source=LegSource.GATEWAY
        )
        body, signature = fake_hosted.signed_event(
            event_id="evt_paid",
            kind=fake_hosted.SUCCEEDED,
            reference=online.reference,
            order=str(order.pk),
            amount=online.amount,
        )
        order_payment.handle_notification(body, signature)
        order.refresh_from_db()
        assert order.status == OrderStatus.CONFIRMED
        order_delivery.deliver(owner, order)
        payments = Transfer.objects_unscoped.filter(
            kind=TransferKind.PAYMENT, credit_account__organization_id=provider.pk
        )
        assert sorted(payments.values_list("amount", flat=True)) == [1_500, 1_500, 2_000]

        notes = debit_notes.build_debit_notes(system, provider)
        by_payer = {note.payer_id: note for note in notes}
        assert set(by_payer) == {municipality.pk, company.pk}
        assert by_payer[municipality.pk].total == 3_500  # public 20 + own money 15
        assert by_payer[municipality.pk].line_count == 2
        assert by_payer[company.pk].total == 1_500
        assert by_payer[company.pk].line_count == 1

        comune_admin = make_actor("ragioneria@example.org", Role.MUNICIPALITY_ADMIN, municipality)
        for note, approver in (
            (by_payer[municipality.pk], comune_admin),
            # A company's HR has no payouts.manage yet: the platform approves for it.
            (by_payer[company.pk], system),
        ):
            note = debit_notes.issue_debit_note(system, note)
            note = debit_notes.approve_debit_note(approver, note)
            settlement = Transfer.objects_unscoped.get(pk=note.settlement_transfer_id)
            assert settlement.amount == note.total  # the whole amount: no commission
            payout = PayoutOrder.objects_unscoped.get(debit_note=note)
            assert payout.amount == note.total and payout.provider_id == provider.pk
        assert DebitNote.objects_unscoped.filter(merchant=provider).count() == 2
        # Nothing left to settle.
        assert not debit_notes.unsettled_payments(provider).exists()

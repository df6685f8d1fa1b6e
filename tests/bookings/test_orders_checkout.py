"""The checkout: an order paid by two wallets and own money online (one intent, every wallet
held at once), the proposal, pay at the provider, and bad input (a split that does not add up,
a wallet that may not pay the service, a replayed key): a clear Italian message, nothing held."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from benecomune.bookings.models import Order, OrderStatus, OwnMoney
from benecomune.bookings.services import order_options, orders
from benecomune.core.models import AuditEvent
from benecomune.ledger.exceptions import IdempotencyConflict
from benecomune.marketplace.queries import SERVICE_OBJECT_TYPE
from benecomune.payments.models import IntentStatus, LegSource, LegStatus, PaymentIntent
from tests.bookings.test_orders_fixtures import *  # noqa: F403
from tests.bookings.test_orders_fixtures import PRICE, available, new_key, nothing_made
from tests.marketplace.test_catalogue import make_service

pytestmark = pytest.mark.django_db


def place(citizen, buyer, service, split, own=0, how=OwnMoney.ONLINE, key=None, **kw):
    return orders.place_order(
        citizen,
        buyer=buyer,
        service=service,
        split=split,
        own_amount=own,
        own_money=how if own else OwnMoney.NONE,
        idempotency_key=key or new_key(),
        **kw,
    )


def test_the_proposal_uses_the_wallet_expiring_first_then_own_money(seller, buyer, wallets):
    _provider, _owner, service = seller
    offer = order_options.offer_for(buyer, service)
    assert offer.amount == PRICE
    assert [(o.wallet, o.proposed) for o in offer.usable] == [
        (wallets[0], 2_000),
        (wallets[1], 1_500),
    ]
    assert offer.own_proposed == 1_500


def test_two_wallets_and_own_money_online_are_held_together(
    seller, buyer, citizen, wallets, hosted
):
    provider, _owner, service = seller
    order = place(citizen, buyer, service, {wallets[0].pk: 2_000, wallets[1].pk: 1_500}, 1_500)
    assert order.status == OrderStatus.AWAITING_PAYMENT and order.payment_due_by
    intent = PaymentIntent.objects_unscoped.get(pk=order.intent_id)
    assert intent.status == IntentStatus.AUTHORISED and intent.amount == PRICE
    assert (intent.object_type, intent.object_id) == (SERVICE_OBJECT_TYPE, str(service.pk))
    assert intent.payee_id == provider.pk and intent.buyer_id == buyer.pk
    legs = list(intent.legs.model.objects_unscoped.filter(intent=intent).order_by("position"))
    assert [(leg.source, leg.wallet_id, leg.amount, leg.status) for leg in legs] == [
        (LegSource.WALLET, wallets[0].pk, 2_000, LegStatus.AUTHORISED),
        (LegSource.WALLET, wallets[1].pk, 1_500, LegStatus.AUTHORISED),
        (LegSource.GATEWAY, None, 1_500, LegStatus.AUTHORISED),
    ]
    assert available(wallets[0]) == 0 and available(wallets[1]) == 0
    assert hosted.calls == [("authorise", legs[2].reference, 1_500)]
    assert AuditEvent.objects_unscoped.filter(
        action="bookings.order_placed", object_id=str(order.pk), person_id=buyer.pk
    ).exists()


def test_a_split_that_does_not_add_up_changes_nothing(seller, buyer, citizen, wallets, hosted):
    _provider, _owner, service = seller
    with pytest.raises(ValidationError, match="La ripartizione somma € 40,00 invece di € 50,00"):
        place(citizen, buyer, service, {wallets[0].pk: 2_000, wallets[1].pk: 1_000}, 1_000)
    with pytest.raises(ValidationError, match="ha disponibili € 15,00"):
        place(citizen, buyer, service, {wallets[0].pk: 1_000, wallets[1].pk: 2_500}, 1_500)
    with pytest.raises(ValidationError, match="Scelga come pagare"):
        place(citizen, buyer, service, {wallets[0].pk: 2_000}, 3_000, how="")
    assert nothing_made(wallets)
    assert available(wallets[0]) == 2_000 and hosted.calls == []


def test_a_public_wallet_does_not_pay_an_unaccredited_provider(
    make_provider, buyer, citizen, wallets, hosted
):
    provider, owner = make_provider()  # signed up, never accredited
    service = make_service(owner, provider, price="50,00")
    offer = order_options.offer_for(buyer, service)
    assert offer.usable == []
    assert all("non è accreditato" in o.refusal for o in offer.refused)
    assert offer.own_proposed == PRICE
    with pytest.raises(ValidationError, match=r"non può pagare questo ordine: .*non è accreditato"):
        place(citizen, buyer, service, {wallets[0].pk: 2_000}, 3_000)
    assert nothing_made(wallets)
    # Own money pays anyone.
    order = place(citizen, buyer, service, {}, PRICE)
    assert order.status == OrderStatus.AWAITING_PAYMENT


def test_another_persons_wallet_or_order_for_someone_else_is_refused(
    seller, buyer, citizen, make_person, municipality, make_wallet, make_fund, hosted
):
    _provider, _owner, service = seller
    other = make_person(municipality, first_name="Anna")
    theirs = make_wallet(make_fund(1_000), 1_000, person=other)
    with pytest.raises(ValidationError, match="non è suo"):
        place(citizen, buyer, service, {theirs.pk: 1_000}, 4_000)
    with pytest.raises(Exception, match="solo per sé"):
        place(citizen, other, service, {}, PRICE)
    assert not Order.objects_unscoped.exists()


def test_a_replayed_key_is_one_order_and_other_data_are_refused(
    seller, buyer, citizen, wallets, hosted
):
    _provider, _owner, service = seller
    split = {wallets[0].pk: 2_000, wallets[1].pk: 1_500}
    first = place(citizen, buyer, service, split, 1_500, key="same")
    again = place(citizen, buyer, service, split, 1_500, key="same")
    assert again.pk == first.pk
    assert Order.objects_unscoped.count() == 1 and PaymentIntent.objects_unscoped.count() == 1
    assert len(hosted.calls) == 1
    with pytest.raises(IdempotencyConflict, match="dati diversi"):
        place(citizen, buyer, service, {wallets[0].pk: 2_000}, 3_000, key="same")
    assert Order.objects_unscoped.count() == 1


def test_pay_at_the_provider_holds_the_wallets_and_records_what_is_due(
    seller, buyer, citizen, wallets, hosted
):
    _provider, _owner, service = seller
    order = place(citizen, buyer, service, {wallets[0].pk: 2_000}, 3_000, OwnMoney.AT_PROVIDER)
    assert order.status == OrderStatus.CONFIRMED
    assert order.due_at_provider == 3_000 and order.own_money == OwnMoney.AT_PROVIDER
    intent = PaymentIntent.objects_unscoped.get(pk=order.intent_id)
    assert intent.amount == 2_000 and intent.status == IntentStatus.AUTHORISED
    assert available(wallets[0]) == 0 and hosted.calls == []
    # All of it at the provider: no intent at all.
    whole = place(citizen, buyer, service, {}, PRICE, OwnMoney.AT_PROVIDER)
    assert whole.intent_id is None and whole.status == OrderStatus.CONFIRMED


def test_variants_and_quantity_make_the_price(seller, buyer, citizen, wallets, hosted):
    from benecomune.core.scoping import all_tenants
    from benecomune.marketplace.services import catalogue

    _provider, owner, service = seller
    with all_tenants():
        variant = catalogue.add_variant(owner, service, label="Pacchetto 5 ore", price="10,00")
    order = place(citizen, buyer, service, {wallets[0].pk: 2_000}, 0, variant=variant, quantity=2)
    assert (order.unit_price, order.quantity, order.amount) == (1_000, 2, 2_000)
    assert order.intent.object_id == f"{service.pk}:{variant.pk}"
    assert "Pacchetto 5 ore" in order.title
    with pytest.raises(ValidationError, match="quantità"):
        place(citizen, buyer, service, {}, PRICE * 50, quantity=50)


def test_free_and_price_on_request_services_cannot_be_ordered(seller, buyer):
    provider, owner, _service = seller
    free = make_service(owner, provider, title="Sportello", price_kind="free", price="")
    with pytest.raises(ValidationError, match="non ha un prezzo fisso"):
        order_options.offer_for(buyer, free)


def test_a_company_plan_pays_only_services_of_its_art51_categories(
    seller, buyer, citizen, company, make_fund, system, hosted
):
    import datetime

    from benecomune.ledger.models import WalletSource
    from benecomune.ledger.services import funds
    from benecomune.ledger.services import wallets as wallet_services

    provider, owner, tutoring = seller  # art. 51 category "tutoring"
    education = make_service(owner, provider, title="Corso", art51_category="education")
    fund = make_fund(3_000, organization=company, contributor="Meccanica Brenta")
    plan = wallet_services.open_wallet(
        system,
        person=buyer,
        organization=company,
        title="Piano welfare 2026",
        source_kind=WalletSource.COMPANY_PLAN,
        fund=fund,
        allowed_categories=["tutoring", provider.category],
        valid_until=timezone.localdate() + datetime.timedelta(days=60),
    )
    funds.award(system, fund, plan, 3_000)
    offer = order_options.offer_for(buyer, tutoring)
    assert [o.wallet for o in offer.usable] == [plan], [o.refusal for o in offer.refused]
    refused = order_options.offer_for(buyer, education).refused
    assert [o.wallet for o in refused] == [plan] and "art. 51" in refused[0].refusal
    with pytest.raises(ValidationError, match=r"art\. 51"):
        place(citizen, buyer, education, {plan.pk: 3_000}, 2_000)
    order = place(citizen, buyer, tutoring, {plan.pk: 3_000}, 2_000, OwnMoney.AT_PROVIDER)
    assert order.status == OrderStatus.CONFIRMED and available(plan) == 0

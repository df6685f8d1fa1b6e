"""A plan wallet at the marketplace checkout: the service's art. 51 category decides, not the
provider's merchant category (the wallet's categories do not name the provider's)."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from benecomune.bookings.models import OrderStatus, OwnMoney
from benecomune.bookings.services import order_options, orders
from benecomune.corporate.plan_wallets import SOURCE_TYPE
from benecomune.corporate.spending import plan_categories
from benecomune.ledger.models import WalletSource
from benecomune.ledger.services import funds
from benecomune.ledger.services import wallets as wallet_services
from tests.bookings.test_orders_fixtures import *  # noqa: F403
from tests.bookings.test_orders_fixtures import available, new_key
from tests.corporate.plan_wallet import approved_version
from tests.marketplace.test_catalogue import make_service

pytestmark = pytest.mark.django_db


def test_art51_c2_lett_f_bis_service_paid_whatever_the_provider_category(
    seller, buyer, citizen, company, make_fund, system, hosted, hr_operator, hr_admin
):
    provider, owner, tutoring = seller  # art. 51 category "tutoring"
    home_care = make_service(owner, provider, title="Assistenza", art51_category="home_care")
    version = approved_version(
        hr_operator, hr_admin, company, [("art51_c2_f_bis", "reimbursable", None)]
    )
    categories = plan_categories(version=version)
    assert provider.category not in categories  # the old check would have refused
    fund = make_fund(3_000, organization=company, contributor="Meccanica Brenta")
    plan = wallet_services.open_wallet(
        system,
        person=buyer,
        organization=company,
        title="Piano welfare 2026",
        source_kind=WalletSource.COMPANY_PLAN,
        source_type=SOURCE_TYPE,
        source_id=str(version.pk),
        fund=fund,
        allowed_categories=categories,
        valid_from=version.starts_on,
        valid_until=max(version.ends_on, timezone.localdate()),
    )
    funds.award(system, fund, plan, 3_000)
    offer = order_options.offer_for(buyer, tutoring)
    assert [o.wallet for o in offer.usable] == [plan], [o.refusal for o in offer.refused]
    refused = order_options.offer_for(buyer, home_care).refused
    assert [o.wallet for o in refused] == [plan]
    with pytest.raises(ValidationError):
        orders.place_order(
            citizen,
            buyer=buyer,
            service=home_care,
            split={plan.pk: 3_000},
            own_amount=2_000,
            own_money=OwnMoney.ONLINE,
            idempotency_key=new_key(),
        )
    order = orders.place_order(
        citizen,
        buyer=buyer,
        service=tutoring,
        split={plan.pk: 3_000},
        own_amount=2_000,
        own_money=OwnMoney.AT_PROVIDER,
        idempotency_key=new_key(),
    )
    assert order.status == OrderStatus.CONFIRMED and available(plan) == 0

"""'Questo acquisto ha dato € x al progetto y' on the till's receipt and an order's receipt,
'Sostiene il progetto y' on the shop's public page: shown after a payment at a merchant with
an agreement, absent otherwise, hidden on the shop's page when the merchant opted out."""

import pytest
from django.template import Context, Template
from django.urls import reverse

from benecomune.core.models import Membership
from benecomune.observatory.services import shared_value_display as display
from benecomune.vouchers.services import redeem as redeem_services
from benecomune.vouchers.services.authorisations import void_redemption
from tests.helpers import login
from tests.observatory import shared_value_helpers as h
from tests.vouchers.conftest import new_key, qr

h.use_voucher_fixtures(globals())  # cashier, citizen, voucher, ... (tests/vouchers)

pytestmark = pytest.mark.django_db


def _sign(comune, make_user, municipality, shop, project, *, named=True):
    owner = h.merchant_actor(make_user, shop)
    h.agreement(comune, owner, municipality, shop, project, named=named)
    return owner


def _receipt(client, cashier, redemption):
    login(client, cashier, Membership.objects.get(user=cashier))
    page = client.get(reverse("vouchers:receipt", kwargs={"pk": redemption.pk}))
    assert page.status_code == 200
    return page.content.decode()


def test_the_till_receipt_says_what_the_purchase_gave(
    client, comune, make_user, municipality, member_shop, project, cashier, cashier_actor, ctx,
    voucher,
):  # fmt: skip
    _sign(comune, make_user, municipality, member_shop, project)
    redemption = redeem_services.redeem(
        cashier_actor, ctx, amount=2_550, idempotency_key=new_key(), code=qr(voucher)
    )
    html = _receipt(client, cashier, redemption)
    assert 'data-testid="shared-value-gift"' in html
    assert "Questo acquisto ha dato € 2,55" in html
    assert project.title in html
    void_redemption(cashier_actor, ctx, redemption.pk, idempotency_key=new_key())
    assert "shared-value-gift" not in _receipt(client, cashier, redemption)


def test_no_agreement_no_line_on_the_receipt(client, cashier, cashier_actor, ctx, voucher):
    redemption = redeem_services.redeem(
        cashier_actor, ctx, amount=1_000, idempotency_key=new_key(), code=qr(voucher)
    )
    assert "shared-value-gift" not in _receipt(client, cashier, redemption)


def test_an_orders_receipt_sums_its_captures(
    system_actor, comune, make_user, municipality, member_shop, project, voucher, citizen
):
    from benecomune.payments.services import checkout, planning

    _sign(comune, make_user, municipality, member_shop, project)
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

    class Order:  # what the tag reads of a bookings order
        intent_id = intent.pk

    html = Template("{% load shared_value %}{% order_gift order %}").render(
        Context({"order": Order()})
    )
    assert "Questo acquisto ha dato € 3,00" in html
    Order.intent_id = None
    assert "shared-value-gift" not in Template(
        "{% load shared_value %}{% order_gift order %}"
    ).render(Context({"order": Order()}))


def _shop_page(client, municipality, shop):
    url = reverse("marketplace:catalogue_provider", args=[municipality.slug, shop.slug])
    client.logout()
    page = client.get(url)
    assert page.status_code == 200
    return page.content.decode()


@pytest.mark.parametrize("named", [True, False])
def test_the_shop_page_names_the_project_unless_the_merchant_opted_out(
    client, named, comune, make_user, municipality, member_shop, project, cashier_actor, ctx,
    voucher,
):  # fmt: skip
    owner = _sign(comune, make_user, municipality, member_shop, project, named=named)
    h.publish(owner, member_shop)
    redeem_services.redeem(
        cashier_actor, ctx, amount=2_000, idempotency_key=new_key(), code=qr(voucher)
    )
    html = _shop_page(client, municipality, member_shop)
    if named:
        assert 'data-testid="shared-value-shop"' in html
        assert "Sostiene il progetto" in html and "€ 2,00" in html
        assert display.shop_projects(member_shop)[0]["amount"] == 200
    else:
        assert "shared-value-shop" not in html
        assert display.shop_projects(member_shop) == []


def test_a_shop_without_agreement_shows_nothing(client, make_user, municipality, member_shop):
    owner = h.merchant_actor(make_user, member_shop)
    h.publish(owner, member_shop)
    assert "shared-value-shop" not in _shop_page(client, municipality, member_shop)

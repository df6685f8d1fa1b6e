"""A payment's audit events on the audit page: their "legs" key is also the name of the
intent's reverse relation, which has no verbose name. The page names it in Italian and shows
the number of legs, never their codes (the page answered 500 on the demo's data)."""

import pytest
from django.urls import reverse

from benecomune.core.models import Role
from benecomune.payments.services import checkout

pytestmark = pytest.mark.django_db


def test_audit_page_shows_a_payments_legs_in_italian(
    staff_client, network, system_actor, buyer, buyer_wallets, shop_, key
):
    # The network's platform admin reads the events of every member, the shop's included.
    client, _user, _membership = staff_client(Role.PLATFORM_ADMIN, network)
    intent = checkout.create_intent(
        system_actor,
        buyer=buyer,
        payee=shop_,
        amount=4_000,
        idempotency_key=key(),
        object_type="tests.order",
        object_id="1",
    )
    checkout.authorise(system_actor, intent)

    page = client.get(reverse("core:audit"))

    assert page.status_code == 200
    text = page.content.decode()
    assert "Pagamento avviato" in text
    assert "fonti di pagamento: 2" in text  # 30 euro and 10 euro wallets pay the 40
    assert "legs" not in text
    assert "wallet" not in text

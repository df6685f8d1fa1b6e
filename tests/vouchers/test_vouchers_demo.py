"""The demo circuit: network shops approved with the convention accepted, a printed card for
the demo citizen with the PIN the README tells, and idempotent re-runs."""

from django.core.management import call_command

from benecomune.core.models import Provider, User
from benecomune.core.scoping import all_tenants
from benecomune.vouchers.demo import DEMO_CARD_PIN
from benecomune.vouchers.models import CircuitMembership, Redemption, VoucherCard
from benecomune.vouchers.services import cards


def counts():
    return {
        model.__name__: model.objects_unscoped.count()
        for model in (CircuitMembership, VoucherCard, Redemption)
    }


def test_demo_circuit_and_card(db):
    call_command("seed_demo", "--quiet-logins")
    first = counts()
    call_command("seed_demo", "--quiet-logins")
    assert counts() == first
    with all_tenants():
        shops = Provider.objects.filter(network__slug="alta-padovana", provider_kind="shop")
        members = CircuitMembership.objects_unscoped.filter(merchant__in=shops)
        assert members.count() == shops.count() > 5
        assert all(m.is_active and m.organization.kind == "network" for m in members)
        citizen = User.objects.get(email="cittadino@demo.benecomune.it")
        card = VoucherCard.objects_unscoped.get(wallet__person_id=citizen.person_id)
        assert card.status == "active"
        assert cards.pin_matches(card, DEMO_CARD_PIN)
        assert Redemption.objects_unscoped.filter(merchant__slug="alimentari-da-bepi").count() == 2

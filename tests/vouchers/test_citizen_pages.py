"""Issue 13, citizen pages: "Dove spenderlo" is one list (the beneficiary's page, the call's
page, the Comune's page and the printed card) equal to the shops where a redemption through
the real till service succeeds; the statement on a phone; one name ("buono"); the "Paga"
shortcut on the home page."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from benecomune.calls.models import Award, RankingKind
from benecomune.calls.services import award as award_service
from benecomune.calls.services import definition, ranking
from benecomune.core.actors import Actor
from benecomune.core.models import Provider
from benecomune.core.scoping import all_tenants
from benecomune.ledger.models import Wallet
from benecomune.vouchers.files import card_sheet
from benecomune.vouchers.services import cards
from benecomune.vouchers.services.errors import VoucherError
from benecomune.vouchers.services.lookup import merchant_context
from benecomune.vouchers.services.redeem import redeem
from tests.calls import conftest as calls_fixtures
from tests.calls.factories import admitted_application
from tests.helpers import login
from tests.vouchers.conftest import new_shop, qr

pytestmark = pytest.mark.django_db

# The calls' fixtures: a Comune's admin, a funded fund, a call factory.
admin_actor = calls_fixtures.admin_actor
call_fund = calls_fixtures.call_fund
make_call = calls_fixtures.make_call

RULES = {"amount": {"kind": "fixed", "base": 10_000}, "tie_breaks": []}


def _shop(name, category, town, network) -> Provider:
    return new_shop(name, network, town, category=category, address="Via Roma 1")


@pytest.fixture
def shops(join, municipality, other_municipality, network):
    """Shops of the circuits, some where the call's voucher is valid and some not."""
    made = {
        "grocery_here": _shop("Alimentari Piazza", "grocery", municipality, network),
        "pharmacy_network": _shop("Farmacia Rete", "pharmacy", municipality, network),
        "clothing_here": _shop("Abbigliamento Moda", "clothing", municipality, network),
        "grocery_elsewhere": _shop("Alimentari Limena", "grocery", other_municipality, network),
        "grocery_no_convention": _shop("Alimentari Nuovo", "grocery", municipality, network),
    }
    join(made["grocery_here"], municipality)
    join(made["pharmacy_network"], network)  # the network's circuit counts for its Comuni
    join(made["clothing_here"], municipality)
    join(made["grocery_elsewhere"], network)
    join(made["grocery_no_convention"], municipality, accept=False)
    return made


@pytest.fixture
def holder(make_person, make_user, municipality):
    person = make_person(municipality, first_name="Anna", last_name="Verdi", sex="F")
    return make_user("anna.verdi@example.org", person=person)


@pytest.fixture
def awarded(make_call, admin_actor, holder):
    """A food and pharmacy voucher call of the Comune, awarded to `holder`."""
    call = make_call(rules=RULES, budget=100_000, allowed_categories=["grocery", "pharmacy"])
    admitted_application(call, holder.person)
    with all_tenants():
        definition.close_call(admin_actor, call, reason="Test")
        ranking.build_ranking(admin_actor, call, RankingKind.PROVISIONAL)
        ranking.build_ranking(admin_actor, call, RankingKind.FINAL, reason="Nessun ricorso")
        award_service.award_call(admin_actor, call)
    call.refresh_from_db()
    award = Award.objects_unscoped.get(call=call, person=holder.person)
    wallet = Wallet.objects_unscoped.get(pk=award.wallet_id)
    return call, wallet


def _listed(html: str) -> set[int]:
    """The shops of the first shop list in `html`."""
    start = html.index('data-testid="shop-list"')
    block = html[start : html.index("</ul>", start)]
    return {int(pk) for pk in re.findall(r'data-shop="(\d+)"', block)}


def _accepted_at_the_till(wallet, shops, system_actor) -> set[int]:
    """The shops where a one-cent redemption of the voucher succeeds, through the till."""
    accepted = set()
    for shop in shops:
        try:
            redeem(
                system_actor,
                merchant_context(shop.pk),
                code=qr(wallet),
                amount=1,
                idempotency_key=f"where-{shop.pk}",
            )
        except VoucherError:
            continue
        accepted.add(shop.pk)
    return accepted


def test_the_same_shops_everywhere_and_exactly_where_the_voucher_is_accepted(
    client, shops, awarded, holder, municipality, system_actor
):
    call, wallet = awarded
    citizen = login(Client(), holder)
    on_wallet = _listed(citizen.get(reverse("vouchers:shops", args=[wallet.pk])).content.decode())
    on_call = _listed(
        client.get(
            reverse("calls:public_call", args=[municipality.slug, call.code])
        ).content.decode()
    )
    comune = client.get(reverse("core:organization_home", args=[municipality.slug]))
    comune = comune.content.decode()
    on_comune = _listed(comune[comune.index(f'data-voucher-call="{call.pk}"') :])
    card, _pin = cards.issue_card(Actor(user=holder), wallet, pin="2468")
    on_card = {name for name, _address in card_sheet(wallet, card).shops}

    expected = {shops["grocery_here"].pk, shops["pharmacy_network"].pk}
    assert on_wallet == on_call == on_comune == expected
    assert on_card == {Provider.objects.get(pk=pk).name for pk in expected}
    # The list is what the till accepts: every shop listed takes the voucher, no other does.
    assert _accepted_at_the_till(wallet, shops.values(), system_actor) == expected


def test_the_voucher_shop_list_offers_to_write_to_the_shop_not_to_a_provider(
    shops, awarded, holder
):
    """A shop where the voucher is spent is a «negozio» to the citizen: the link to write to
    it says so (it said «Scrivi al fornitore», the marketplace's word for cooperatives)."""
    _call, wallet = awarded
    citizen = login(Client(), holder)
    html = citizen.get(reverse("vouchers:shops", args=[wallet.pk])).content.decode()
    assert html.count("Scrivi al negozio") == len(_listed(html)) > 0
    assert "Scrivi al fornitore" not in html


def test_without_a_voucher_in_use_the_comune_lists_its_circuit(client, shops, municipality):
    html = client.get(reverse("core:organization_home", args=[municipality.slug])).content
    listed = _listed(html.decode())
    # Every active member of the Comune's and the network's circuits; not the one that has
    # not accepted the convention.
    assert listed == {
        shops[k].pk
        for k in ("grocery_here", "pharmacy_network", "clothing_here", "grocery_elsewhere")
    }


def test_the_statement_on_a_phone_is_a_list_with_amount_and_balance(
    shops, awarded, holder, system_actor
):
    _call, wallet = awarded
    redeem(
        system_actor,
        merchant_context(shops["grocery_here"].pk),
        code=qr(wallet),
        amount=2_550,
        idempotency_key="statement-1",
    )
    html = login(Client(), holder).get(reverse("ledger:wallet_detail", args=[wallet.pk]))
    html = html.content.decode()
    start = html.index('data-testid="statement-list"')
    phone = html[start : html.index("</ul>", start)]
    assert 'class="d-md-none"' in html[start - 40 : start]
    amounts = re.findall(r'data-testid="movement-amount">([^<]+)<', phone)
    balances = re.findall(r'data-testid="movement-balance">([^<]+)<', phone)
    assert [a.strip() for a in amounts] == ["-€ 25,50", "+€ 100,00"]
    assert [b.strip() for b in balances] == ["saldo € 74,50", "saldo € 100,00"]


def test_one_name_for_the_money_and_a_pay_shortcut(shops, awarded, holder):
    _call, wallet = awarded
    client = login(Client(), holder)
    home = client.get(reverse("core:home")).content.decode()
    assert reverse("vouchers:pay", args=[wallet.pk]) in home
    assert ">Paga<" in home
    pages = [
        home,
        client.get(reverse("ledger:wallets")).content.decode(),
        client.get(reverse("ledger:wallet_detail", args=[wallet.pk])).content.decode(),
        client.get(reverse("vouchers:wallets")).content.decode(),
        client.get(reverse("vouchers:pay", args=[wallet.pk])).content.decode(),
        client.get(reverse("vouchers:shops", args=[wallet.pk])).content.decode(),
    ]
    for html in pages:
        # URLs keep their old path (/area-personale/borsellini/): only the words changed.
        words = re.sub(r'(href|action|value)="/[^"]*"', "", html)
        found = re.search(r".{120}borsellin.{40}", words, re.IGNORECASE | re.DOTALL)
        assert found is None, found.group(0)
    assert "I miei buoni" in pages[1]

"""The public district pages (directory by category, a shop's page with JSON-LD, the section
on the Comune's page, the network's page) and the Comune's staff page with the local-spend
share, checked against a hand computation from payments made through the ledger's services."""

import json
import re

import pytest

from benecomune.core.models import Municipality, Network, Provider, Role
from benecomune.ledger.models import WalletSource
from benecomune.ledger.services import funds, transfers, wallets
from benecomune.marketplace.services import districts, promotions
from benecomune.vouchers.services.circuit import suspend
from tests.payouts import conftest as payouts_fixtures
from tests.vouchers import conftest as vouchers_fixtures

ledger_stays_sound = payouts_fixtures.ledger_stays_sound
fund = payouts_fixtures.fund
make_wallet = payouts_fixtures.make_wallet
pay = payouts_fixtures.pay
join = vouchers_fixtures.join

pytestmark = pytest.mark.django_db


def new_shop(network, town, name, slug, category, vat, **extra):
    return Provider.objects.create(
        name=name,
        slug=slug,
        provider_kind="shop",
        category=category,
        vat_number=vat,
        network=network,
        municipality=town,
        **extra,
    )


@pytest.fixture
def shops(network, municipality, other_municipality, shop):
    """Bepi (grocery, Piazzola: the `shop` fixture), a pharmacy in Piazzola, a bakery in
    Limena, an inactive grocery in Piazzola."""
    return {
        "bepi": shop,
        "pharmacy": new_shop(
            network,
            municipality,
            "Farmacia San Marco",
            "farmacia-san-marco",
            "pharmacy",
            "01234560280",
            address="Piazza Camerini 2",
        ),
        "bakery": new_shop(
            network, other_municipality, "Forno di Limena", "forno-limena", "bakery", "02345670281"
        ),
        "closed": new_shop(
            network,
            municipality,
            "Bottega chiusa",
            "bottega-chiusa",
            "grocery",
            "03456780281",
            is_active=False,
        ),
    }


def test_the_directory_lists_active_shops_and_filters_by_category(client, shops):
    html = client.get("/piazzola-sul-brenta/negozi/", secure=True).content.decode()
    assert "Alimentari Da Bepi" in html and "Farmacia San Marco" in html
    assert "Bottega chiusa" not in html and "Forno di Limena" not in html  # inactive; Limena
    html = client.get("/piazzola-sul-brenta/negozi/?categoria=pharmacy", secure=True)
    html = html.content.decode()
    assert "Farmacia San Marco" in html and "Alimentari Da Bepi" not in html
    # An unknown category is no filter.
    html = client.get("/piazzola-sul-brenta/negozi/?categoria=nope", secure=True).content.decode()
    assert "Farmacia San Marco" in html and "Alimentari Da Bepi" in html
    # The filter offers the categories present, with their counts.
    assert "Farmacia (1)" in html and "Alimentari (1)" in html and "Panificio" not in html


def test_an_inactive_or_other_towns_shop_has_no_page(client, shops):
    assert client.get("/piazzola-sul-brenta/negozi/bottega-chiusa/", secure=True).status_code == 404
    assert client.get("/piazzola-sul-brenta/negozi/forno-limena/", secure=True).status_code == 404
    assert client.get("/limena/negozi/forno-limena/", secure=True).status_code == 200
    assert client.get("/gestione/negozi/", secure=True).status_code in (302, 404)


def test_the_network_page_lists_its_comuni_districts(client, shops, network):
    html = client.get(f"/{network.slug}/negozi/", secure=True).content.decode()
    assert 'href="/limena/negozi/"' in html and 'href="/piazzola-sul-brenta/negozi/"' in html
    assert "Forno di Limena" in html and "Farmacia San Marco" in html
    # A shop is linked under its own Comune.
    assert 'href="/limena/negozi/forno-limena/"' in html


def test_the_shop_page_hours_vouchers_and_structured_data(client, shops, join, municipality):
    pharmacy = shops["pharmacy"]
    # A name that would close the script if it were not escaped.
    Provider.objects.filter(pk=pharmacy.pk).update(name="Farmacia </script><b>San Marco</b>")
    districts.set_week(
        _system(),
        pharmacy,
        [(0, _t(8, 30), _t(12, 30)), (0, _t(15, 0), _t(19, 0)), (5, _t(9, 0), _t(12, 0))],
    )
    html = client.get("/piazzola-sul-brenta/negozi/farmacia-san-marco/", secure=True)
    html = html.content.decode()
    assert "Piazza Camerini 2" in html and "08:30\u201312:30, 15:00\u201319:00" in html
    assert "Accetta i buoni del Comune" not in html
    scripts = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert len(scripts) == 1
    data = json.loads(scripts[0])
    assert data["@type"] == "LocalBusiness"
    assert data["name"] == "Farmacia </script><b>San Marco</b>"
    assert "</script><b>" not in scripts[0]
    assert data["address"]["addressLocality"] == "Piazzola sul Brenta"
    assert {
        "@type": "OpeningHoursSpecification",
        "dayOfWeek": "https://schema.org/Saturday",
        "opens": "09:00",
        "closes": "12:00",
    } in data["openingHoursSpecification"]
    assert len(data["openingHoursSpecification"]) == 3
    assert "&lt;b&gt;San Marco" in html  # the heading, escaped
    # Once in the Comune's circuit, the page says it takes the vouchers; suspended, not.
    membership = join(pharmacy, municipality)
    html = client.get("/piazzola-sul-brenta/negozi/farmacia-san-marco/", secure=True)
    assert "Accetta i buoni del Comune" in html.content.decode()
    suspend(_system(), membership, reason="Verifica")
    html = client.get("/piazzola-sul-brenta/negozi/farmacia-san-marco/", secure=True)
    assert "Accetta i buoni del Comune" not in html.content.decode()


def test_the_comune_page_has_the_district_section(client, shops, make_actor):
    owner = make_actor("bepi@example.org", Role.MERCHANT_STAFF, shops["bepi"])
    from django.utils import timezone

    today = timezone.localdate()
    promotion = promotions.create_promotion(
        owner, shops["bepi"], title="Mele a 1 euro", valid_from=today, valid_until=today
    )
    promotions.publish_promotion(owner, promotion)
    html = client.get("/piazzola-sul-brenta/", secure=True).content.decode()
    assert "Negozi del distretto" in html and 'href="/piazzola-sul-brenta/negozi/"' in html
    assert "Mele a 1 euro" in html
    # A Comune without shops shows no section.
    Municipality.objects.create(
        name="Campodoro", slug="campodoro", istat_code="028018", network=shops["bepi"].network
    )
    assert "Negozi del distretto" not in client.get("/campodoro/", secure=True).content.decode()


def _system():
    from benecomune.core.actors import Actor

    return Actor.system_actor("tests")


def _t(hour, minute=0):
    import datetime

    return datetime.time(hour, minute)


# --- the Comune's staff page: local-spend share -------------------------------------------------


def open_anywhere(actor, person, municipality, fund, amount):
    """A wallet of the Comune's fund valid in any territory (the payment outside the
    network must be possible for the share to have an "elsewhere")."""
    wallet = wallets.open_wallet(
        actor,
        person=person,
        organization=municipality,
        title="Contributo",
        source_kind=WalletSource.CALL_AWARD,
        fund=fund,
    )
    funds.award(actor, fund, wallet, amount)
    return wallet


@pytest.fixture
def spent(shops, make_wallet, pay, network, system_actor, make_person, municipality, fund):
    """Piazzola's money: 30.00 at Bepi and 12.50 at the pharmacy (Piazzola), 20.00 at the
    bakery (Limena, same network), 7.50 at a shop of another network; one payment of 5.00
    at Bepi reversed (counted out)."""
    elsewhere = Network.objects.create(name="Altra rete", slug="altra-rete")
    town = Municipality.objects.create(
        name="Padova", slug="padova", istat_code="028060", network=elsewhere
    )
    foreign = new_shop(
        elsewhere, town, "Negozio di Padova", "negozio-padova", "grocery", "07890120285"
    )
    wallet = make_wallet(100_00)
    pay(wallet, shops["bepi"], 30_00)
    pay(wallet, shops["pharmacy"], 12_50)
    pay(wallet, shops["bakery"], 20_00)
    anywhere = open_anywhere(system_actor, make_person(municipality), municipality, fund, 50_00)
    pay(anywhere, foreign, 7_50)
    payment = pay(anywhere, shops["bepi"], 5_00)
    transfers.reverse(system_actor, payment, reason="Annullato alla cassa")
    return wallet


def test_the_local_spend_share_matches_a_hand_computation(staff_client, spent, municipality):
    client, _user, _membership = staff_client(Role.MUNICIPALITY_ADMIN, municipality)
    response = client.get("/gestione/distretto/", secure=True)
    assert response.status_code == 200
    (share,) = response.context["shares"]
    total = 30_00 + 12_50 + 20_00 + 7_50
    assert share.local == {
        "local": 42_50,
        "elsewhere": total - 42_50,
        "total": total,
        "percent": round(100 * 42_50 / total, 1),
    }
    assert share.network["local"] == 62_50
    assert share.network["percent"] == round(100 * 62_50 / total, 1)  # 89.3
    html = response.content.decode()
    assert "60,7%" in html or "60.7%" in html
    counts = response.context["counts"]
    assert counts["shops"] == 2 and counts["accepting"] == 0
    # A period before the payments: nothing spent.
    empty = client.get("/gestione/distretto/?dal=2020-01-01&al=2020-12-31", secure=True)
    assert empty.context["shares"][0].local["total"] == 0


def test_the_network_sees_every_comune(staff_client, spent, network, municipality):
    client, _user, _membership = staff_client(Role.PLATFORM_ADMIN, network)
    response = client.get("/gestione/distretto/", secure=True)
    assert response.status_code == 200
    by_town = {share.issuer.slug: share for share in response.context["shares"]}
    assert set(by_town) == {"piazzola-sul-brenta", "limena"}
    assert by_town["limena"].local["total"] == 0
    assert response.context["whole"]["local"] == 62_50
    assert response.context["counts"]["shops"] == 3


def test_the_district_page_needs_the_circuit_permission(staff_client, municipality, shop):
    client, _user, _membership = staff_client(Role.MERCHANT_STAFF, shop)
    assert client.get("/gestione/distretto/", secure=True).status_code == 403
    client, _user, _membership = staff_client(Role.VALIDATOR, municipality)
    assert client.get("/gestione/distretto/", secure=True).status_code == 403

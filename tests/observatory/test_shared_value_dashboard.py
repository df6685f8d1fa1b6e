"""The dashboards' "Valore condiviso" table: a Comune sees raised and disbursed for its own
projects (404 for another Comune in the filter, never the other's projects), the network sees
all, a merchant sees what it gave; CSV export like the other tables."""

import pytest

from benecomune.core.models import Role
from benecomune.observatory.services import shared_value_routing as routing
from benecomune.vouchers.services import redeem as redeem_services
from tests.helpers import actor_for
from tests.observatory import shared_value_helpers as h
from tests.vouchers.conftest import new_key, qr

h.use_voucher_fixtures(globals())  # cashier, citizen, voucher, ... (tests/vouchers)

pytestmark = pytest.mark.django_db

URL = "/osservatorio/"
SLUG = "valore-condiviso"


@pytest.fixture
def projects(make_user, municipality, other_municipality, network, member_shop,
             cashier_actor, ctx, voucher):  # fmt: skip
    """Piazzola's project gets 10 % of a € 50 redemption, then € 2 of it are disbursed;
    Limena has a project of its own with nothing raised."""
    comune = h.comune_actor(make_user, municipality)
    ours = h.project(comune, municipality, h.body(network, municipality))
    h.agreement(comune, h.merchant_actor(make_user, member_shop), municipality, member_shop, ours)
    redeem_services.redeem(cashier_actor, ctx, amount=5_000, idempotency_key=new_key(),
                           code=qr(voucher))  # fmt: skip
    routing.disburse(comune, ours, 200)
    user = make_user("limena-sv@example.org", role=Role.MUNICIPALITY_ADMIN,
                     organization=other_municipality)  # fmt: skip
    limena = actor_for(user, Role.MUNICIPALITY_ADMIN, other_municipality)
    theirs = h.project(limena, other_municipality, h.body(network, other_municipality))
    return ours, theirs


def _table(response):
    return next((t for t in response.context["tables"] if t.slug == SLUG), None)


def test_a_comune_sees_its_projects_only(projects, staff_client, municipality,
                                         other_municipality):  # fmt: skip
    ours, theirs = projects
    client, _user, _m = staff_client(Role.MUNICIPALITY_ADMIN, municipality)
    response = client.get(URL, {"dal": "2000-01-01"})
    table = _table(response)
    assert table.rows == [[ours.title, municipality.name, 500, 200, ours.target_amount]]
    assert theirs.organization.name not in response.content.decode()
    assert client.get(URL, {"comune": other_municipality.pk}).status_code == 404
    assert (
        client.get(URL + f"tabelle/{SLUG}.csv", {"comune": other_municipality.pk}).status_code
        == 404
    )
    csv = client.get(URL + f"tabelle/{SLUG}.csv", {"dal": "2000-01-01"})
    text = csv.content.decode("utf-8-sig")
    assert text.splitlines()[0] == "Progetto;Comune o rete;Raccolto;Erogato;Obiettivo"
    assert f"{ours.title};{municipality.name};5,00;2,00;1000,00" in text
    # A period with nothing moved: the project is listed with zeros.
    response = client.get(URL, {"dal": "2000-01-01", "al": "2000-12-31"})
    assert _table(response).rows == [[ours.title, municipality.name, 0, 0, ours.target_amount]]


def test_the_network_sees_every_comunes_projects(projects, staff_client, network,
                                                 other_municipality):  # fmt: skip
    client, _user, _m = staff_client(Role.PLATFORM_ADMIN, network)
    rows = _table(client.get(URL, {"dal": "2000-01-01"})).rows
    assert sorted((r[1], r[2]) for r in rows) == sorted(
        [(projects[0].organization.name, 500), (other_municipality.name, 0)]
    )
    rows = _table(client.get(URL, {"dal": "2000-01-01", "comune": other_municipality.pk})).rows
    assert [r[1] for r in rows] == [other_municipality.name]


def test_a_merchant_sees_what_it_gave(projects, staff_client, member_shop, municipality):
    client, _user, _m = staff_client(Role.MERCHANT_STAFF, member_shop, email="sv-m@example.org")
    response = client.get(URL, {"dal": "2000-01-01"})
    assert _table(response).rows == [[projects[0].title, municipality.name, 500]]
    assert "<canvas" in response.content.decode()

"""Navigation: the header's organisation link leads to a page for every kind of organisation;
the Comune admin's shop counter counts the shops active in the Comune (issue 13)."""

import pytest
from django.urls import reverse

from benecomune.core.models import Role
from tests.vouchers.conftest import join_circuit

pytestmark = pytest.mark.django_db


def _header_org_link(page: str) -> str:
    start = page.index('<div class="it-brand-wrapper">')
    return page[start:].split('href="', 1)[1].split('"', 1)[0]


@pytest.mark.parametrize("kind", ["shop", "company", "municipality"])
def test_the_header_organisation_link_leads_to_a_page(
    kind, staff_client, shop, company, municipality
):
    role, org = {
        "shop": (Role.MERCHANT_STAFF, shop),
        "company": (Role.COMPANY_HR, company),
        "municipality": (Role.MUNICIPALITY_ADMIN, municipality),
    }[kind]
    client, _user, _m = staff_client(role, org)
    page = client.get(reverse("core:home")).content.decode()
    link = _header_org_link(page)
    assert client.get(link).status_code == 200, link
    if kind == "municipality":
        assert link == reverse("core:organization_home", args=[municipality.slug])


def test_comune_admin_counts_the_network_circuit_shops_seated_in_the_comune(
    staff_client, system_actor, shop, network, municipality, other_municipality
):
    join_circuit(system_actor, shop, network)  # the network's circuit; the shop is in Piazzola
    client, _user, _m = staff_client(Role.MUNICIPALITY_ADMIN, municipality)
    page = client.get(reverse("core:home")).content.decode()
    assert "negozio attivo nel Comune" in page
    other, _u, _m = staff_client(
        Role.MUNICIPALITY_ADMIN, other_municipality, email="admin.limena@example.org"
    )
    other_page = other.get(reverse("core:home")).content.decode()
    assert "negozi attivi nel Comune" in other_page  # 0 in Limena: the shop is elsewhere


def test_shared_css_gives_lifted_labels_room_above_the_first_field():
    from pathlib import Path

    css = Path(__file__).resolve().parents[2] / "src/benecomune/static/css/benecomune.css"
    assert ":not(.form-group) + .form-group { margin-top: 1.75rem; }" in css.read_text()

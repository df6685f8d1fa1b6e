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


def _entries(role):
    from benecomune.core.context_processors import EXTRA_NAV, NAV_BY_ROLE

    return [
        {"label": str(label), "url": name, "url_name": name, "active": False, "badge": 0}
        for label, name, *_badge in [*NAV_BY_ROLE.get(role, []), *EXTRA_NAV.get(role, [])]
    ]


def _every_role():
    from benecomune.core.context_processors import EXTRA_NAV, NAV_BY_ROLE

    return sorted(set(NAV_BY_ROLE) | set(EXTRA_NAV))


@pytest.mark.parametrize("role", _every_role())
def test_every_role_has_a_short_bar_and_every_entry_is_reachable(role):
    """A handful of items in the bar; an entry that would crowd it must join a menu in
    core/nav_groups.py. Nothing registered is lost by the folding."""
    from benecomune.core.nav_groups import MAX_TOP_LEVEL, fold

    entries = _entries(role)
    items = fold(role, entries)
    assert len(items) <= MAX_TOP_LEVEL, [item["label"] for item in items]
    shown = [c["url_name"] for item in items for c in item.get("children", [item])]
    assert sorted(shown) == sorted(entry["url_name"] for entry in entries)


def test_nav_groups_name_only_registered_entries():
    """A menu naming an entry no app registers for that role is a typo or a stale name."""
    from benecomune.core.nav_groups import NAV_GROUPS

    for role, groups in NAV_GROUPS.items():
        # Roles sharing one set of menus (the company's) may each miss some of its entries.
        registered = {entry["url_name"] for r in NAV_GROUPS for entry in _entries(r)}
        for label, names in groups:
            stale = set(names) - registered
            assert not stale, (role, str(label), stale)


def test_the_citizen_bar_folds_into_menus_that_mark_the_current_page(
    client, make_user, make_person, municipality
):
    from tests.helpers import login

    login(client, make_user("anna@example.org", person=make_person(municipality)))
    page = client.get(reverse("ledger:wallets")).content.decode()
    nav = page[page.index('aria-label="Navigazione principale"') :].split("</nav>", 1)[0]
    assert nav.count('class="nav-item dropdown"') == 3
    assert "Buoni e domande" in nav and "Profilo e privacy" in nav
    wallets = reverse("ledger:wallets")
    assert f'href="{wallets}" aria-current="page"' in nav
    # The menu holding the current page is marked too.
    assert 'class="nav-link dropdown-toggle active"' in nav

"""Log in through the real pages as each role, second factor included, and see the home."""

import pytest

from benecomune.core.models import Role
from tests.conftest import PASSWORD
from tests.e2e.helpers import (
    OVERFLOWING_ELEMENTS,
    PHONE,
    assert_fits,
    give_access_reason,
    log_in,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ROLES = [
    ("citizen", None, "Buongiorno"),
    (Role.DESK_OPERATOR, "municipality", "Cerca in anagrafe"),
    (Role.VALIDATOR, "municipality", "Nessuna domanda in attesa di decisione"),
    (Role.MUNICIPALITY_ADMIN, "municipality", "Personale del Comune"),
    (Role.MERCHANT_STAFF, "shop", "La cassa non è ancora attiva"),
    (Role.PROVIDER_STAFF, "shop", "Cruscotto del fornitore"),
    (Role.COMPANY_HR, "company", "Nessun piano welfare attivo"),
    (Role.PLATFORM_ADMIN, "network", "Visione d'insieme della rete"),
]


@pytest.mark.parametrize(("role", "org_fixture", "expected"), ROLES, ids=[str(r[0]) for r in ROLES])
def test_each_role_logs_in_and_sees_its_home(
    request,
    live_server,
    page_for,
    make_user,
    make_person,
    municipality,
    screenshot_dir,
    role,
    org_fixture,
    expected,
):
    if role == "citizen":
        user = make_user(
            "maria@example.org", person=make_person(municipality, first_name="Maria", sex="F")
        )
    else:
        organization = request.getfixturevalue(org_fixture)
        user = make_user(f"{role}@example.org", role=role, organization=organization)
    page = page_for()
    log_in(page, live_server.url, user)
    page.wait_for_url(f"{live_server.url}/")
    assert expected in page.content()
    if role != "citizen":
        assert page.get_by_test_id("active-role").is_visible()
    page.screenshot(path=screenshot_dir / f"home-{role}-desktop.png", full_page=True)

    phone = page_for(**PHONE)
    phone.context.add_cookies(page.context.cookies())
    phone.goto(f"{live_server.url}/")
    assert expected in phone.content()
    assert_fits(phone)
    phone.screenshot(path=screenshot_dir / f"home-{role}-phone.png", full_page=True)


def test_wrong_totp_code_keeps_staff_out(live_server, page_for, make_user, municipality):
    user = make_user("op@example.org", role=Role.DESK_OPERATOR, organization=municipality)
    page = page_for()
    page.goto(f"{live_server.url}/accedi/")
    page.get_by_label("E-mail").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Accedi").last.click()
    page.get_by_label("Codice di verifica (6 cifre)").fill("000000")
    page.get_by_role("button", name="Verifica").click()
    assert "Codice non valido" in page.content()
    page.goto(f"{live_server.url}/gestione/anagrafe/")
    assert "/verifica/" in page.url


# The main pages of each role, looked at on the narrowest phone (320 px, WCAG's reflow width)
# and on a desktop: axe finds nothing serious, and nothing needs sideways scrolling.
MAIN_PAGES = {
    "citizen": [
        "/",
        "/area-personale/buoni/",
        "/area-personale/borsellini/",
        "/area-personale/rimborsi/",
        "/area-personale/messaggi/",
        "/area-personale/profilo/",
        "/area-personale/app-collegate/",
    ],
    Role.DESK_OPERATOR: [
        "/",
        "/gestione/anagrafe/",
        "/gestione/anagrafe/persone/{person}/",
        "/gestione/sportello/domande/",
        "/gestione/domande/",
    ],
    Role.VALIDATOR: ["/", "/gestione/domande/"],
    Role.MUNICIPALITY_ADMIN: [
        "/",
        "/gestione/bandi/",
        "/gestione/fondi/",
        "/gestione/personale/",
        "/gestione/audit/",
        "/gestione/pagamenti/",
        "/gestione/pagamenti/distinte/",
        "/gestione/rimborsi/",
    ],
    Role.MERCHANT_STAFF: [
        "/",
        "/gestione/cassa/",
        "/gestione/cassa/scontrini/",
        "/gestione/liquidazione/",
    ],
    Role.PLATFORM_ADMIN: ["/", "/gestione/rete/organizzazioni/"],
}
REFLOW_WIDTH = 320


@pytest.mark.parametrize("role", list(MAIN_PAGES), ids=[str(r) for r in MAIN_PAGES])
def test_main_pages_of_each_role_pass_axe_at_phone_and_desktop_width(
    request, live_server, page_for, make_user, make_person, municipality, role
):
    from tests.e2e.accessibility import axe_check

    # A long address, as real ones are: it must wrap on the person's page, not widen it.
    email = "maria.rossi.anagrafe.sociale@servizi-sociali.comune.example.org"
    person = make_person(municipality, first_name="Maria", sex="F", email=email)
    if role == "citizen":
        user = make_user("maria@example.org", person=person)
    else:
        organization = request.getfixturevalue(ROLE_ORGANIZATION[role])
        user = make_user(f"{role}@example.org", role=role, organization=organization)
    desktop = page_for()
    log_in(desktop, live_server.url, user)
    desktop.wait_for_url(f"{live_server.url}/")
    phone = page_for(width=REFLOW_WIDTH, height=640, is_mobile=True, has_touch=True)
    phone.context.add_cookies(desktop.context.cookies())
    if role == Role.DESK_OPERATOR:
        # The registry file of a person outside the worklist asks a reason first.
        give_access_reason(desktop, live_server.url, person.pk)
    for path in MAIN_PAGES[role]:
        url = live_server.url + path.format(person=person.pk)
        for page in (desktop, phone):
            response = page.goto(url)
            assert response.status < 400, f"{path}: {response.status}"
            axe_check(page)
        wide = phone.evaluate(OVERFLOWING_ELEMENTS, REFLOW_WIDTH + 1)
        scroll_width = phone.evaluate("document.scrollingElement.scrollWidth")
        assert scroll_width <= REFLOW_WIDTH + 1, f"{path} a 320 px: {wide}"


ROLE_ORGANIZATION = {role: fixture for role, fixture, _ in ROLES if fixture}

"""Pages that used to be cut off on a phone, in Chromium (axe-core checks every page): the
staff page is a list below the md breakpoint and a table from md up, the citizen's claim and
the registry person reflow at 320 px (WCAG 1.4.10), and no form label sits on a heading or on
another field, on a phone or on a desktop."""

import datetime

import pytest
from django.utils import timezone

from benecomune.core.models import Role
from benecomune.core.services import staff
from benecomune.payouts.services.claims import submit_claim
from tests.e2e.helpers import OFF_SCREEN_IN, OVERFLOWING_ELEMENTS, give_access_reason, log_in
from tests.payouts import conftest as payouts_fixtures

# The payouts fixtures, made visible to this module (pytest finds fixtures by module name).
globals().update(
    {
        name: getattr(payouts_fixtures, name)
        for name in ("admin", "beneficiary", "fund", "make_reimbursement_call")
    }
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONES = [320, 390]
SCROLL_WIDTH = "document.scrollingElement.scrollWidth"
LONG_EMAIL = "maria.rossi.anagrafe.sociale@servizi-sociali.comune.example.org"


# Visible labels whose text overlaps the text of a heading or paragraph, or a field that is
# not their own. Text is measured by its glyph boxes (a Range), not by the element's box:
# Bootstrap Italia lifts an active label above its field, and its box's padding may touch
# what is above without hiding anything.
LABEL_OVERLAPS = """() => {
  const visible = e => e.getClientRects().length && getComputedStyle(e).visibility !== 'hidden';
  const textRects = e => { const r = document.createRange(); r.selectNodeContents(e);
    return Array.from(r.getClientRects()).filter(b => b.width && b.height); };
  const rects = e => ['INPUT', 'SELECT', 'TEXTAREA'].includes(e.tagName)
    ? [e.getBoundingClientRect()] : textRects(e);
  const meet = (a, b) => a.left < b.right - 1 && b.left < a.right - 1
    && a.top < b.bottom - 1 && b.top < a.bottom - 1;
  const main = document.querySelector('main') || document.body;
  const labels = Array.from(main.querySelectorAll('label')).filter(visible)
    .filter(l => !l.classList.contains('visually-hidden'));
  const others = Array.from(main.querySelectorAll(
    'h1, h2, h3, h4, h5, h6, legend, p, input, select, textarea')).filter(visible)
    .filter(e => !['hidden', 'checkbox', 'radio'].includes(e.type));
  const found = [];
  for (const label of labels) {
    for (const other of others) {
      if (other === label.control || other.contains(label) || label.contains(other)) continue;
      if (rects(label).some(a => rects(other).some(b => meet(a, b)))) {
        found.push(label.textContent.trim() + ' / ' + other.tagName + ' '
          + (other.id || other.textContent.trim().slice(0, 40)));
      }
    }
  }
  return found;
}"""


def phone_page(page_for, width, cookies_from):
    phone = page_for(width=width, height=740, is_mobile=True, has_touch=True)
    phone.context.add_cookies(cookies_from.context.cookies())
    return phone


def assert_reflows(page, width, what):
    wide = page.evaluate(OVERFLOWING_ELEMENTS, width + 1)
    assert page.evaluate(SCROLL_WIDTH) <= width + 1, f"{what} a {width} px: {wide}"


@pytest.fixture
def staff_scene(admin, make_user, municipality):
    """The Comune's admin, a desk operator with a long address, and a pending invitation."""
    make_user(LONG_EMAIL, role=Role.DESK_OPERATOR, organization=municipality)
    staff.invite(
        admin,
        municipality,
        email="giovanni.verdi.ufficio.ragioneria@comune.example.org",
        full_name="Giovanni Verdi",
        role=Role.VALIDATOR,
        base_url="http://testserver",
    )
    return admin.user


@pytest.mark.parametrize("width", PHONES)
def test_staff_page_is_a_list_on_a_phone(live_server, page_for, staff_scene, width, screenshot_dir):
    desktop = page_for()
    log_in(desktop, live_server.url, staff_scene)
    desktop.wait_for_url(f"{live_server.url}/")
    phone = phone_page(page_for, width, desktop)
    phone.goto(f"{live_server.url}/gestione/personale/")
    members = phone.get_by_test_id("staff-list")
    invitations = phone.get_by_test_id("invitations-list")
    assert members.is_visible() and invitations.is_visible()
    assert not phone.locator("#staff table").first.is_visible()
    assert LONG_EMAIL in members.inner_text()
    assert "Giovanni Verdi" in invitations.inner_text()
    # Every control of the section (role change, deactivation, revocation) is on screen.
    assert members.get_by_role("button", name="Cambia ruolo").is_visible()
    assert members.get_by_role("button", name="Disattiva").is_visible()
    assert invitations.get_by_role("button", name="Annulla l'invito").is_visible()
    assert phone.evaluate(OFF_SCREEN_IN, ["#staff", width]) == []
    assert_reflows(phone, width, "/gestione/personale/")
    assert phone.evaluate(LABEL_OVERLAPS) == []
    phone.screenshot(path=screenshot_dir / f"staff-{width}.png", full_page=True)


def test_staff_page_is_a_table_on_a_desktop(live_server, page_for, staff_scene, screenshot_dir):
    page = page_for()
    log_in(page, live_server.url, staff_scene)
    page.goto(f"{live_server.url}/gestione/personale/")
    tables = page.locator("#staff table")
    assert tables.count() == 2 and tables.first.is_visible() and tables.last.is_visible()
    assert not page.get_by_test_id("staff-list").is_visible()
    assert not page.get_by_test_id("invitations-list").is_visible()
    assert page.evaluate(LABEL_OVERLAPS) == []
    page.screenshot(path=screenshot_dir / "staff-desktop.png", full_page=True)


@pytest.fixture
def citizen_claim(make_reimbursement_call, beneficiary):
    """Giulia's claim, submitted from her personal area, with a long payee."""
    _call, (award,) = make_reimbursement_call(
        [beneficiary.user.person], title="Contributo per centri estivi e attività sportive 2026"
    )
    return submit_claim(
        beneficiary,
        award,
        category="summer_camp",
        amount=18_000,
        expense_date=timezone.localdate() - datetime.timedelta(days=3),
        payee="Associazione sportiva dilettantistica Polisportiva Piazzolese Centro Estivo",
        upload=payouts_fixtures.receipt(
            "ricevuta-centro-estivo-luglio-2026-settimane-prima-seconda-terza.pdf"
        ),
    )


@pytest.mark.parametrize("width", PHONES)
def test_citizen_claim_reflows(
    live_server, page_for, beneficiary, citizen_claim, width, screenshot_dir
):
    desktop = page_for()
    log_in(desktop, live_server.url, beneficiary.user)
    desktop.wait_for_url(f"{live_server.url}/")
    phone = phone_page(page_for, width, desktop)
    path = f"/area-personale/rimborsi/richieste/{citizen_claim.pk}/"
    phone.goto(live_server.url + path)
    assert "Presentata, in verifica" in phone.get_by_test_id("claim-state").inner_text()
    assert phone.evaluate(OFF_SCREEN_IN, ["main", width]) == []
    assert_reflows(phone, width, path)
    phone.screenshot(path=screenshot_dir / f"claim-{width}.png", full_page=True)


@pytest.mark.parametrize("width", PHONES)
def test_person_detail_reflows(
    live_server, page_for, make_user, make_person, municipality, admin, width, screenshot_dir
):
    from benecomune.core.scoping import all_tenants
    from benecomune.core.services.households import create_household
    from benecomune.core.services.people import set_payment_account

    person = make_person(municipality, first_name="Maria", sex="F", email=LONG_EMAIL)
    with all_tenants():
        create_household(admin, head=person, address="Via dei Vecchi Mulini di Presina 128/B")
        person = set_payment_account(
            admin, person, iban=payouts_fixtures.new_iban(), holder="Maria Rossi"
        )
    operator = make_user(
        "sportello@example.org", role=Role.DESK_OPERATOR, organization=municipality
    )
    desktop = page_for()
    log_in(desktop, live_server.url, operator)
    desktop.wait_for_url(f"{live_server.url}/")
    # The registry file of a person outside the worklist asks a reason first.
    give_access_reason(desktop, live_server.url, person.pk)
    phone = phone_page(page_for, width, desktop)
    path = f"/gestione/anagrafe/persone/{person.pk}/"
    phone.goto(live_server.url + path)
    assert LONG_EMAIL in phone.content() and person.iban[:4] in phone.content()
    assert_reflows(phone, width, path)
    # The history may scroll inside its own region (a table, WCAG's exception); the rest
    # of the page must not need it.
    assert phone.evaluate(OFF_SCREEN_IN, ["main dl", width]) == []
    assert phone.evaluate(OFF_SCREEN_IN, ["main .list-group", width]) == []
    phone.screenshot(path=screenshot_dir / f"person-{width}.png", full_page=True)


FORM_PAGES = {
    "citizen": ["/area-personale/profilo/"],
    Role.DESK_OPERATOR: [
        "/gestione/anagrafe/",
        "/gestione/anagrafe/persone/{person}/iban/",
        "/gestione/sportello/domande/",
    ],
    Role.MUNICIPALITY_ADMIN: ["/gestione/audit/"],
}


@pytest.mark.parametrize("role", list(FORM_PAGES), ids=[str(r) for r in FORM_PAGES])
def test_form_labels_do_not_overlap(
    live_server, page_for, make_user, make_person, municipality, role, screenshot_dir
):
    person = make_person(municipality, first_name="Maria", sex="F", email=LONG_EMAIL)
    if role == "citizen":
        user = make_user("maria@example.org", person=person)
    else:
        user = make_user(f"{role}@example.org", role=role, organization=municipality)
    desktop = page_for()
    log_in(desktop, live_server.url, user)
    desktop.wait_for_url(f"{live_server.url}/")
    phone = phone_page(page_for, 390, desktop)
    for path in FORM_PAGES[role]:
        url = live_server.url + path.format(person=person.pk)
        for page, width in ((desktop, 1280), (phone, 390)):
            response = page.goto(url)
            assert response.status < 400, f"{path}: {response.status}"
            name = path.strip("/").replace("/", "-").replace("{person}", "p")
            page.screenshot(path=screenshot_dir / f"form-{name}-{width}.png", full_page=True)
            overlaps = page.evaluate(LABEL_OVERLAPS)
            assert overlaps == [], f"{path} a {width} px: {overlaps}"
        assert_reflows(phone, 390, path)

"""Shared pieces of the end-to-end tests: logging in through the real pages, the phone's
screen and the check that nothing scrolls sideways, other folders' fixtures made visible."""

from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from tests.conftest import PASSWORD
from tests.vouchers import conftest as voucher_fixtures

PHONE = {"width": 390, "height": 844, "is_mobile": True, "has_touch": True}

# Elements that stick out to the right of the screen, to say what to fix when a test fails.
OVERFLOWING_ELEMENTS = """(width) => Array.from(document.querySelectorAll('body *'))
  .filter(e => e.getBoundingClientRect().right > width)
  .slice(0, 5).map(e => e.tagName + '.' + e.className)"""

# Elements of a region whose right edge is off the screen: inside a scrolling table they do
# not widen the page, yet the reader has to scroll the table sideways to reach them.
OFF_SCREEN_IN = """([selector, width]) => Array.from(document.querySelectorAll(selector + ' *'))
  .filter(e => e.getClientRects().length && e.getBoundingClientRect().right > width + 1)
  .slice(0, 5).map(e => e.tagName + '.' + e.className)"""

# What a voucher journey needs from tests/vouchers (and, through it, tests/ledger): a funded
# voucher, a shop in the circuit, fresh caches and the ledger's checks after the test.
VOUCHER_FIXTURES = (
    "citizen",
    "fresh_caches",
    "join",
    "ledger_stays_sound",
    "make_fund",
    "make_wallet",
    "member_shop",
    "voucher",
)


def current_code(user) -> str:
    """The user's second factor as their authenticator app shows it now."""
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def log_in(page, base_url, user):
    """E-mail, password and (when the user has one) the second factor, in the real pages."""
    page.goto(f"{base_url}/accedi/")
    page.get_by_label("E-mail").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Accedi").last.click()
    if "/verifica/" in page.url:
        page.get_by_label("Codice di verifica (6 cifre)").fill(current_code(user))
        page.get_by_role("button", name="Verifica").click()


def give_access_reason(page, base_url, person_pk, reason="Verifica della scheda"):
    """The reason asked before opening a person's registry file outside one's worklist
    (identity's access log): valid for that person for the rest of the day."""
    page.goto(f"{base_url}/gestione/privacy/motivo/?persona={person_pk}&next=/")
    page.get_by_label("Motivo dell'accesso").fill(reason)
    page.get_by_role("button", name="Apri la scheda").click()
    page.wait_for_url(f"{base_url}/")


def sign_in(page, base_url, user):
    """Logged in (log_in) and arrived on the home page."""
    log_in(page, base_url, user)
    page.wait_for_url(f"{base_url}/")


def assert_fits(page, width=390):
    """Nothing wider than the phone's screen: no sideways scrolling."""
    wide = page.evaluate(OVERFLOWING_ELEMENTS, width)
    assert page.evaluate("document.documentElement.scrollWidth") <= width, wide


def confirm(page, button_test_id: str) -> None:
    """The explicit confirmation under a summary: tick "Ho verificato il riepilogo", then the
    button. Bootstrap Italia draws the box on the label: the user clicks the label."""
    page.get_by_text("Ho verificato il riepilogo").click()
    expect(page.get_by_label("Ho verificato il riepilogo")).to_be_checked()
    page.get_by_test_id(button_test_id).click()


def use_fixtures(namespace: dict, module, *names: str) -> None:
    """Make fixtures of another folder's conftest `module` visible to the test module whose
    globals are `namespace`: pytest finds a fixture by the name it has in the module, and
    conftests only reach the tests below their own folder."""
    namespace.update({name: getattr(module, name) for name in names})


def use_voucher_fixtures(namespace: dict, *more: str) -> None:
    """The voucher journey's fixtures (VOUCHER_FIXTURES), plus `more` of tests/vouchers."""
    use_fixtures(namespace, voucher_fixtures, *VOUCHER_FIXTURES, *more)


def open_menu_entry(page, name):
    """Follow an entry of the main navigation: on a phone the bar is folded behind its
    button, and most entries sit in a menu (core/nav_groups.py) that opens first."""
    toggler = page.locator(".custom-navbar-toggler")
    if toggler.is_visible():
        toggler.click()
    nav = page.locator("#main-nav")
    link = nav.get_by_role("link", name=name, exact=True)
    if not link.is_visible():
        # A closed menu's links are hidden, so not in the accessibility tree: find by text.
        menu = nav.locator(".nav-item.dropdown", has=page.get_by_text(name, exact=True))
        menu.locator(".dropdown-toggle").click()
    link.click()

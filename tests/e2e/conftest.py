"""Playwright with Debian's Chromium (its own browser download does not work here)."""

import os
from pathlib import Path

import pytest

from tests.conftest import IN_CI
from tests.e2e.accessibility import AxeWatch

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make
# there are ordinary synchronous ones.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def playwright():
    """One Playwright per session: its sync API owns an event loop in the test thread, so a
    second one started by a test would fail; tests needing other browser flags launch here."""
    if not Path(CHROMIUM).exists():
        if IN_CI:
            pytest.fail(f"Chromium not found at {CHROMIUM} (required in CI)")
        pytest.skip(f"Chromium not found at {CHROMIUM}: end-to-end tests did not run")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as running:
        yield running


@pytest.fixture(scope="session")
def browser(playwright):
    browser = playwright.chromium.launch(
        executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
    )
    yield browser
    browser.close()


@pytest.fixture
def screenshot_dir(tmp_path):
    """Screenshots go to $E2E_SCREENSHOTS when set (to look at them), else a temp folder."""
    target = Path(os.environ.get("E2E_SCREENSHOTS", tmp_path))
    target.mkdir(parents=True, exist_ok=True)
    return target


def is_csp_violation(text: str) -> bool:
    """Chromium's console message for anything the Content-Security-Policy refused."""
    return "Content Security Policy" in text or "Content-Security-Policy" in text


@pytest.fixture
def page_for(browser):
    """New pages; the test fails if the Content-Security-Policy refused anything on them (an
    inline script, a style sheet or image from elsewhere): the policy would break that page.
    Every page they show is checked with axe-core, and a serious or critical violation fails the
    test too (tests/e2e/accessibility.py)."""
    contexts = []
    violations = []
    axe = AxeWatch()

    def make(width=1280, height=900, **kwargs):
        context = browser.new_context(
            viewport={"width": width, "height": height}, locale="it-IT", **kwargs
        )
        context.set_default_timeout(15000)
        context.on(
            "console",
            lambda message: (
                violations.append(f"{message.page.url if message.page else ''}: {message.text}")
                if is_csp_violation(message.text)
                else None
            ),
        )
        axe.watch(context)
        contexts.append(context)
        return context.new_page()

    yield make
    axe.check_open_pages(contexts)
    for context in contexts:
        context.close()
    if violations:
        pytest.fail("Violazioni della Content-Security-Policy:\n" + "\n".join(violations))
    if axe.failures:
        pytest.fail("Violazioni di accessibilità (axe-core):\n" + axe.report())

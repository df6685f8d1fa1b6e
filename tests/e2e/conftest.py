"""Playwright with Debian's Chromium (its own browser download does not work here)."""

import os
from pathlib import Path

import pytest

from tests.conftest import IN_CI

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
def browser():
    if not Path(CHROMIUM).exists():
        if IN_CI:
            pytest.fail(f"Chromium not found at {CHROMIUM} (required in CI)")
        pytest.skip(f"Chromium not found at {CHROMIUM}: end-to-end tests did not run")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
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


@pytest.fixture
def page_for(browser):
    contexts = []

    def make(width=1280, height=900, **kwargs):
        context = browser.new_context(
            viewport={"width": width, "height": height}, locale="it-IT", **kwargs
        )
        context.set_default_timeout(15000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()

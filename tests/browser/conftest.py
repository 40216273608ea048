"""Fixtures for the browser tests: Debian's Chromium driven by Playwright against pytest-django's live server.

Every test here is marked ``browser``. Without /usr/bin/chromium (or without Playwright) the tests are skipped with a
reason, except in CI (``CI=true``), where a missing browser is an error: a browser test that silently does not run is
a check that silently does not happen.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

from .paths import CHROMIUM, SCREENSHOTS

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page
    from pytest_django.live_server_helper import LiveServer

# Playwright's sync API runs an event loop in the test's thread; Django then refuses database access from that thread
# (SynchronousOnlyOperation) although the access is synchronous. The tests touch the database between browser steps
# (loading the demo, reading the outbox), so this is safe here.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _unavailable(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} Browser tests must run in CI (CI=true), so this is a failure, not a skip.")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        _unavailable(f"{CHROMIUM} is missing: install Debian's chromium package to run the browser tests.")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - playwright is in requirements-dev
        _unavailable("Playwright for Python is not installed (pip install -r requirements-dev.txt).")
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def site(transactional_db: None, live_server: LiveServer, settings: Any) -> str:
    """The live server with the demo region loaded; returns its base URL.

    The live server answers from another thread, so the data has to be committed: ``transactional_db`` instead of the
    root conftest's ``demo`` (which uses ``db``, a transaction the server thread cannot see).
    """
    from werkplaats.demo.services import load_demo

    load_demo(trajectories=False)
    # Links in e-mails (invitations, password reset) must point at this server, not at the development address.
    settings.WERKPLAATS_BASE_URL = live_server.url
    return live_server.url


def new_context(browser: Browser, base_url: str) -> BrowserContext:
    """A fresh visitor: own cookies, a Dutch browser (Dutch is the default language), a desktop window."""
    context = browser.new_context(base_url=base_url, locale="nl-NL", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    return context


@pytest.fixture
def context(browser: Browser, site: str) -> Iterator[BrowserContext]:
    context = new_context(browser, site)
    yield context
    context.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()


@pytest.fixture(scope="session", autouse=True)
def _screenshot_folder() -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

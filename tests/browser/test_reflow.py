"""WCAG 1.4.10 Reflow, which axe cannot see: at 320 CSS pixels wide nothing scrolls sideways (tables may, inside
their own container)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from .conftest import new_context
from .helpers import check_a11y, log_in, screenshot

pytestmark = pytest.mark.browser

PAGES = {
    "home": "/",
    "organisation-detail": "/organisations/gemeente-groningen/",
    "invite-form": "/organisations/gemeente-groningen/invite/",
    "mfa-index": "/accounts/2fa/",
    "password-change": "/accounts/password/change/",
}


def _assert_fits(page: Page, name: str) -> None:
    width = page.evaluate("() => document.documentElement.scrollWidth")
    too_wide = page.evaluate(
        """() => [...document.querySelectorAll("body *")]
            .filter((el) => !el.closest(".utrecht-table-container"))
            .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 1)
            .slice(0, 5)
            .map((el) => `${el.tagName.toLowerCase()}.${[...el.classList].join(".")}`)"""
    )
    assert width <= 320, f"{page.url} is {width}px wide at a 320px viewport; too wide: {too_wide}"
    screenshot(page, f"narrow-{name}")


def test_the_main_pages_fit_a_320_pixel_wide_screen(browser: Browser, site: str) -> None:
    context = new_context(browser, site)
    try:
        page = context.new_page()
        page.set_viewport_size({"width": 320, "height": 720})
        page.goto("/accounts/login/")
        check_a11y(page)
        _assert_fits(page, "login")
        log_in(page, "admin@demo.nl")
        expect(page.locator("h1")).to_contain_text("Welkom")
        for name, path in PAGES.items():
            page.goto(path)
            check_a11y(page)
            _assert_fits(page, name)
    finally:
        context.close()

"""Werkplaats works with the keyboard alone: a skip link first, a login without the mouse, a visible focus."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from .helpers import check_a11y, has_visible_focus, screenshot

pytestmark = pytest.mark.browser


def _focused(page: Page) -> dict[str, str]:
    return page.evaluate(
        """() => {
            const el = document.activeElement;
            return {
                tag: el.tagName.toLowerCase(),
                id: el.id,
                name: el.getAttribute("name") || "",
                text: (el.innerText || "").trim(),
                href: el.getAttribute("href") || "",
                cls: el.className || "",
            };
        }"""
    )


def _tab_until(page: Page, predicate: str, *, limit: int = 30) -> dict[str, str]:
    """Press Tab until the focused element matches ``predicate`` (a JS function of the element); every stop on the
    way must show where the focus is."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        assert has_visible_focus(page), f"no visible focus on {_focused(page)}"
        if page.evaluate(f"() => ({predicate})(document.activeElement)"):
            return _focused(page)
    raise AssertionError(f"{predicate} not reached with {limit} presses of Tab; focus is on {_focused(page)}")


def test_the_skip_link_comes_first_and_moves_focus_to_the_main_content(page: Page) -> None:
    page.goto("/accounts/login/")
    check_a11y(page)
    page.keyboard.press("Tab")

    focused = _focused(page)
    assert "utrecht-skip-link" in focused["cls"], f"the first Tab stop is {focused}, not the skip link"
    assert focused["href"] == "#main"
    expect(page.locator(".utrecht-skip-link")).to_be_in_viewport()
    assert has_visible_focus(page)
    screenshot(page, "keyboard-skip-link")

    page.keyboard.press("Enter")
    assert _focused(page)["id"] == "main"
    # The next Tab continues inside the main content: the first field of the form, not the header.
    page.keyboard.press("Tab")
    assert _focused(page)["id"] == "id_login"


def test_logging_in_and_reaching_the_menu_with_the_keyboard_only(page: Page) -> None:
    page.goto("/accounts/login/")
    check_a11y(page)

    _tab_until(page, "el => el.id === 'id_login'")
    page.keyboard.type("coordinator@demo.nl")
    page.keyboard.press("Tab")
    assert _focused(page)["id"] == "id_password"
    assert has_visible_focus(page)
    page.keyboard.type("werkplaats")
    page.keyboard.press("Enter")

    expect(page.locator("h1")).to_have_text("Welkom, Marieke")
    check_a11y(page)

    # From the top of the page: skip link, brand, language, logout, then the menu.
    page.locator("body").focus()
    page.evaluate("() => document.activeElement.blur()")
    focused = _tab_until(page, "el => el.closest('nav') !== null && el.tagName === 'A'")
    assert focused["text"] == "Start"
    screenshot(page, "keyboard-nav-focus")
    focused = _tab_until(page, "el => el.closest('nav') !== null && el.innerText.trim() === 'Organisaties'")
    page.keyboard.press("Enter")

    expect(page.locator("h1")).to_have_text("Organisaties")
    check_a11y(page)
    # The search form is reachable too, and so is each organisation's link.
    _tab_until(page, "el => el.tagName === 'INPUT' && el.type === 'search' || el.name === 'q'")
    _tab_until(page, "el => el.tagName === 'A' && el.closest('main') !== null && el.innerText.includes('Groningen')")
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_contain_text("Groningen")
    check_a11y(page)

"""The language buttons in the header switch the whole interface, and the choice stays while someone moves on."""

from __future__ import annotations

import pytest
from playwright.sync_api import Locator, Page, expect

from .helpers import check_a11y, log_in, screenshot

pytestmark = pytest.mark.browser


def _switch_to(page: Page, language: str) -> None:
    page.locator("header").get_by_role("button", name=language, exact=True).click()


def _nav(page: Page) -> Locator:
    return page.locator("header nav")


def test_switching_to_english_and_back_changes_the_page_and_sticks_across_pages(page: Page) -> None:
    log_in(page, "coordinator@demo.nl")
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    expect(page.locator("h1")).to_have_text("Welkom, Marieke")
    expect(_nav(page).get_by_role("link", name="Organisaties")).to_be_visible()

    _switch_to(page, "English")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_have_text("Welcome, Marieke")
    expect(_nav(page).get_by_role("link", name="Organisations")).to_be_visible()
    expect(page.locator("header").get_by_role("button", name="English")).to_have_attribute("aria-current", "true")
    check_a11y(page)
    screenshot(page, "home-coordinator-english")

    # The choice holds on the next page, and after a fresh load.
    _nav(page).get_by_role("link", name="Organisations").click()
    expect(page.locator("h1")).to_have_text("Organisations")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    check_a11y(page)
    screenshot(page, "organisations-english")
    page.reload()
    expect(page.locator("h1")).to_have_text("Organisations")

    # Switching back returns to the page one was on, in Dutch, and that holds too.
    _switch_to(page, "Nederlands")
    expect(page).to_have_url("/organisations/")
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    expect(page.locator("h1")).to_have_text("Organisaties")
    expect(page.locator("header").get_by_role("button", name="Nederlands")).to_have_attribute("aria-current", "true")
    check_a11y(page)
    _nav(page).get_by_role("link", name="Start").click()
    expect(page.locator("h1")).to_have_text("Welkom, Marieke")
    expect(_nav(page).get_by_role("link", name="Organisaties")).to_be_visible()
    check_a11y(page)


def test_a_visitor_who_is_not_logged_in_can_switch_the_login_page(page: Page) -> None:
    page.goto("/accounts/login/")
    expect(page.locator("h1")).to_have_text("Inloggen")
    check_a11y(page)

    _switch_to(page, "English")
    expect(page).to_have_url("/accounts/login/")
    expect(page.locator("h1")).to_have_text("Log in")
    expect(page.get_by_label("Password", exact=True)).to_be_visible()
    check_a11y(page)
    screenshot(page, "login-english")

    page.get_by_role("link", name="Forgot your password?").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    check_a11y(page)
    screenshot(page, "password-reset-english")
    _switch_to(page, "Nederlands")
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    expect(page.get_by_role("link", name="Wachtwoord vergeten?")).to_have_count(0)
    check_a11y(page)
    page.goto("/accounts/login/")
    expect(page.locator("h1")).to_have_text("Inloggen")
    check_a11y(page)

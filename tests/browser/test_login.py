"""Logging in through the real form: every demo account reaches its own start page, and a wrong password is said so."""

from __future__ import annotations

import pytest
from playwright.sync_api import Locator, Page, expect

from .helpers import check_a11y, log_in, screenshot

pytestmark = pytest.mark.browser

# e-mail: (organisation in the header, the id of the heading of the role's section on the start page, and the
# heading and text that section must show)
ACCOUNTS = {
    "coordinator@demo.nl": ("Gemeente Groningen", "home-coordinator", "Uw regio: Groningen", "organisaties"),
    "consultant@demo.nl": ("Gemeente Groningen", "home-consultant", "Uw caseload", "deelnemers"),
    "school@demo.nl": ("Noorderpoort", "home-school", "Trajecten bij uw school", "kwalificatie"),
    "trainer@demo.nl": ("Hilvers Bakkerij", "home-trainer", "Deelnemers bij uw bedrijf", "werkprocessen"),
    "learner@demo.nl": ("Gemeente Groningen", "home-learner", "Uw leertraject", "leerplan"),
    "member@demo.nl": (
        "Iederz",
        "home-member",
        "Uw samenwerkingsverbanden",
        "Praktijkleren Arbeidsmarktregio Groningen",
    ),
    "admin@demo.nl": ("Gemeente Groningen", "home-admin", "Mensen van uw organisatie", "5 personen"),
    "consultant2@demo.nl": ("Gemeente Emmen", "home-consultant", "Uw caseload", "deelnemers"),
    "trainer2@demo.nl": ("Bakkerij Zuidenveld", "home-trainer", "Deelnemers bij uw bedrijf", "werkprocessen"),
}
SECTIONS = ["home-coordinator", "home-consultant", "home-school", "home-trainer", "home-learner", "home-member"]
SECTIONS += ["home-admin", "home-platform"]
# Members of a demo partnership also see their partnerships, whatever their role.
IN_A_PARTNERSHIP = {"coordinator@demo.nl", "consultant@demo.nl", "school@demo.nl", "trainer@demo.nl"}


def _section(page: Page, heading_id: str) -> Locator:
    return page.locator(f"section[aria-labelledby='{heading_id}']")


@pytest.mark.parametrize("email", list(ACCOUNTS))
def test_each_demo_account_logs_in_and_sees_its_own_start_page(page: Page, site: str, email: str) -> None:
    organisation, heading_id, heading, text = ACCOUNTS[email]
    log_in(page, email)

    expect(page).to_have_url(f"{site}/")
    expect(page.locator("h1")).to_contain_text("Welkom")
    expect(page.locator(".werkplaats-header")).to_contain_text(organisation)
    # A learner takes part through the organisation; everyone else works for it.
    lead = "U neemt deel via" if email == "learner@demo.nl" else "U werkt namens"
    expect(page.locator("main")).to_contain_text(f"{lead} {organisation}")
    section = _section(page, heading_id)
    expect(section.get_by_role("heading", level=2)).to_have_text(heading)
    expect(section).to_contain_text(text)
    # Nobody sees another role's section.
    expected = {heading_id} | ({"home-platform"} if email == "admin@demo.nl" else set())
    expected |= {"home-member"} if email in IN_A_PARTNERSHIP else set()
    for other in SECTIONS:
        if other not in expected:
            expect(_section(page, other)).to_have_count(0)
    check_a11y(page)
    screenshot(page, f"home-{email.split('@')[0]}")


def test_the_admin_sees_organisation_administration_and_platform_management(page: Page) -> None:
    log_in(page, "admin@demo.nl")
    admin = _section(page, "home-admin")
    expect(admin.get_by_role("link", name="Nodig een collega uit")).to_be_visible()
    expect(admin.get_by_role("link", name="Leden en rollen beheren")).to_be_visible()
    expect(_section(page, "home-platform").get_by_role("link", name="Open de beheersite")).to_be_visible()
    expect(page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Auditlog")).to_be_visible()
    check_a11y(page)


def test_a_wrong_password_is_refused_with_a_clear_message(page: Page) -> None:
    log_in(page, "consultant@demo.nl", "not-the-password")

    expect(page).to_have_url("/accounts/login/")
    alert = page.locator("main .utrecht-alert--error")
    expect(alert).to_be_visible()
    expect(alert).to_have_attribute("role", "alert")
    expect(alert).to_contain_text("wachtwoord")
    # The e-mail address stays filled in; the password does not.
    expect(page.get_by_label("E-mailadres")).to_have_value("consultant@demo.nl")
    expect(page.get_by_label("Wachtwoord", exact=True)).to_have_value("")
    expect(page.locator(".werkplaats-header")).not_to_contain_text("Werkzaam voor")
    check_a11y(page)
    screenshot(page, "login-wrong-password")


def test_an_empty_login_form_names_the_missing_fields_next_to_them(page: Page) -> None:
    page.goto("/accounts/login/")
    check_a11y(page)
    page.locator("main").get_by_role("button", name="Inloggen").click()

    for field in ("login", "password"):
        control = page.locator(f"#id_{field}")
        error = page.locator(f"#id_{field}_error")
        expect(error).to_contain_text("verplicht")
        expect(control).to_have_attribute("aria-invalid", "true")
        expect(control).to_have_attribute("aria-describedby", f"id_{field}_error")
    check_a11y(page)
    screenshot(page, "login-empty")


def test_the_login_page_offers_no_sign_up_but_explains_invitations(page: Page) -> None:
    page.goto("/accounts/login/")
    check_a11y(page)
    screenshot(page, "login")
    expect(page.get_by_role("link", name="Wachtwoord vergeten?")).to_have_attribute("href", "/accounts/password/reset/")
    expect(page.locator("a[href*='signup']")).to_have_count(0)

    page.goto("/accounts/signup/")
    expect(page.locator("h1")).to_be_visible()
    expect(page.locator("main")).to_contain_text("beheerder van uw organisatie")
    expect(page.locator("form input[type=password]")).to_have_count(0)
    check_a11y(page)
    screenshot(page, "signup-closed")


def test_the_accessibility_check_does_find_a_violation(page: Page) -> None:
    """The axe helper is not vacuous: under our CSP it loads, runs and reports what it finds."""
    page.goto("/accounts/login/")
    page.evaluate("() => { const img = document.createElement('img'); img.src = '/x.png'; document.body.append(img); }")
    with pytest.raises(AssertionError) as failure:
        check_a11y(page)
    message = str(failure.value)
    assert "image-alt [critical]" in message
    assert 'at img: <img src="/x.png">' in message

"""allauth's pages in the Werkplaats style: password reset and change, logout, two-factor authentication."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from .helpers import check_a11y, log_in, log_out, screenshot, totp_code, visit

pytestmark = pytest.mark.browser


def test_the_password_reset_request_page_when_logged_in(page: Page) -> None:
    log_in(page, "consultant@demo.nl")
    visit(page, "/accounts/password/reset/", "password-reset-logged-in")
    expect(page.locator("main .utrecht-alert")).to_contain_text("ingelogd")
    expect(page.get_by_label("E-mail")).to_be_visible()


def test_resetting_a_forgotten_password_by_e_mail(page: Page, site: str) -> None:
    page.goto("/accounts/login/")
    check_a11y(page)
    page.get_by_role("link", name="Wachtwoord vergeten?").click()
    expect(page).to_have_url("/accounts/password/reset/")
    check_a11y(page)
    screenshot(page, "password-reset")

    # An invalid address is refused next to the field.
    page.get_by_label("E-mail").fill("geen-adres")
    page.locator("main").get_by_role("button").click()
    expect(page.locator("#id_email_error")).to_be_visible()
    expect(page.get_by_label("E-mail")).to_have_attribute("aria-describedby", re.compile(r"\bid_email_error\b"))
    check_a11y(page)
    screenshot(page, "password-reset-error")

    page.get_by_label("E-mail").fill("consultant@demo.nl")
    page.locator("main").get_by_role("button").click()
    expect(page).to_have_url("/accounts/password/reset/done/")
    check_a11y(page)
    screenshot(page, "password-reset-done")

    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+/accounts/password/reset/key/\S+", mail.outbox[0].body)
    assert link, mail.outbox[0].body
    page.goto(link.group(0))
    expect(page.get_by_label("Nieuw wachtwoord", exact=True)).to_be_visible()
    check_a11y(page)
    screenshot(page, "password-reset-from-key")

    page.get_by_label("Nieuw wachtwoord", exact=True).fill("een-nieuw-wachtwoord-7")
    page.get_by_label("Nieuw wachtwoord (bevestigen)").fill("een-nieuw-wachtwoord-7")
    page.locator("main").get_by_role("button", name="Wachtwoord wijzigen").click()
    expect(page).to_have_url("/accounts/password/reset/key/done/")
    check_a11y(page)
    screenshot(page, "password-reset-from-key-done")

    log_in(page, "consultant@demo.nl", "een-nieuw-wachtwoord-7")
    expect(page.locator("h1")).to_have_text("Welkom, Ahmed")


def test_changing_the_password(page: Page) -> None:
    log_in(page, "school@demo.nl")
    page.locator("header nav").get_by_role("link", name="Mijn account").click()
    expect(page.locator("h1")).to_have_text("Mijn account")
    check_a11y(page)
    screenshot(page, "account")
    page.locator("main").get_by_role("link", name="Wachtwoord wijzigen").click()
    check_a11y(page)
    screenshot(page, "password-change")

    page.get_by_label("Huidig wachtwoord").fill("fout")
    page.get_by_label("Nieuw wachtwoord", exact=True).fill("kort")
    page.get_by_label("Nieuw wachtwoord (bevestigen)").fill("anders")
    page.locator("main").get_by_role("button", name="Wachtwoord wijzigen").click()
    expect(page.locator("#id_oldpassword_error")).to_be_visible()
    expect(page.get_by_label("Huidig wachtwoord")).to_have_attribute("aria-invalid", "true")
    check_a11y(page)
    screenshot(page, "password-change-errors")

    page.get_by_label("Huidig wachtwoord").fill("werkplaats")
    page.get_by_label("Nieuw wachtwoord", exact=True).fill("een-nieuw-wachtwoord-7")
    page.get_by_label("Nieuw wachtwoord (bevestigen)").fill("een-nieuw-wachtwoord-7")
    page.locator("main").get_by_role("button", name="Wachtwoord wijzigen").click()
    expect(page.get_by_role("status")).to_be_visible()
    check_a11y(page)


def test_the_logout_confirmation_page(page: Page) -> None:
    log_in(page, "member@demo.nl")
    visit(page, "/accounts/logout/", "logout-confirm")
    expect(page.locator("h1")).to_have_text("Uitloggen")
    page.locator("main").get_by_role("button", name="Uitloggen").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/|/$"))
    expect(page.locator(".werkplaats-header")).not_to_contain_text("Werkzaam voor")
    check_a11y(page)


def test_two_factor_authentication_from_activation_to_logging_in_with_a_code(page: Page) -> None:
    log_in(page, "trainer@demo.nl")
    page.locator("header nav").get_by_role("link", name="Mijn account").click()
    page.locator("main").get_by_role("link", name="Tweestapsverificatie met een authenticator-app").click()
    expect(page).to_have_url("/accounts/2fa/")
    check_a11y(page)
    screenshot(page, "mfa-index")

    # Managing two-factor authentication asks for the password again first.
    page.locator("main").get_by_role("link", name="Activeer").click()
    expect(page).to_have_url(re.compile(r"/accounts/reauthenticate/"))
    check_a11y(page)
    screenshot(page, "reauthenticate")
    page.get_by_label("Wachtwoord", exact=True).fill("werkplaats")
    page.locator("main").get_by_role("button").click()

    expect(page).to_have_url("/accounts/2fa/totp/activate/")
    qr = page.locator("main img.werkplaats-qr")
    expect(qr).to_be_visible()
    expect(qr).to_have_attribute("src", re.compile(r"^data:image/svg\+xml;base64,"))
    # The data: URI is allowed by the CSP (img-src data:), so the image really rendered.
    assert page.evaluate("(img) => img.complete && img.naturalWidth > 0", qr.element_handle())
    secret = page.get_by_label("Authenticator geheim").input_value()
    assert re.fullmatch(r"[A-Z2-7]{32}", secret), secret
    expect(qr).to_have_attribute("alt", secret)
    check_a11y(page)
    screenshot(page, "mfa-totp-activate")

    # A wrong code is refused next to the code field.
    page.get_by_label("Authenticator code").fill("000000" if totp_code(secret) != "000000" else "111111")
    page.locator("main").get_by_role("button", name="Activeer").click()
    expect(page.locator("#id_code_error")).to_be_visible()
    expect(page.get_by_label("Authenticator code")).to_have_attribute("aria-describedby", re.compile(r"id_code_error"))
    check_a11y(page)
    screenshot(page, "mfa-totp-activate-error")

    page.get_by_label("Authenticator code").fill(totp_code(secret))
    page.locator("main").get_by_role("button", name="Activeer").click()
    expect(page.get_by_role("status")).to_be_visible()
    check_a11y(page)
    screenshot(page, "mfa-after-activation")

    page.goto("/accounts/2fa/")
    expect(page.locator("main")).to_contain_text("actief")
    check_a11y(page)
    screenshot(page, "mfa-index-active")
    visit(page, "/accounts/2fa/recovery-codes/", "mfa-recovery-codes")
    codes = page.get_by_label("Ongebruikte codes")
    expect(codes).to_have_attribute("readonly", "")
    visit(page, "/accounts/2fa/totp/deactivate/", "mfa-totp-deactivate")

    # Logging in now takes a code after the password.
    log_out(page)
    log_in(page, "trainer@demo.nl")
    expect(page).to_have_url("/accounts/2fa/authenticate/")
    check_a11y(page)
    screenshot(page, "mfa-authenticate")
    page.get_by_label("Code").fill("000000" if totp_code(secret) != "000000" else "111111")
    page.locator("main").get_by_role("button", name=re.compile("Aanmelden|Inloggen")).click()
    expect(page.locator("#id_code_error")).to_be_visible()
    check_a11y(page)
    screenshot(page, "mfa-authenticate-error")
    page.get_by_label("Code").fill(totp_code(secret))
    page.locator("main").get_by_role("button", name=re.compile("Aanmelden|Inloggen")).click()
    expect(page.locator("h1")).to_have_text("Welkom, Kees")
    check_a11y(page)

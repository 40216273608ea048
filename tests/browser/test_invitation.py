"""An organisation administrator invites a colleague; the colleague follows the e-mailed link and starts working."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from playwright.sync_api import Browser, Page, expect

from .conftest import new_context
from .helpers import check_a11y, log_in, screenshot

pytestmark = pytest.mark.browser

INVITEE = "nieuwe.collega@demo.nl"


def _open_invite_form(page: Page) -> None:
    """Home → Organisaties → Gemeente Groningen → Iemand uitnodigen, checking each page on the way."""
    page.locator("header nav").get_by_role("link", name="Organisaties").click()
    expect(page.locator("h1")).to_have_text("Organisaties")
    check_a11y(page)
    page.locator("main").get_by_role("link", name="Gemeente Groningen", exact=True).click()
    expect(page.locator("h1")).to_have_text("Gemeente Groningen")
    check_a11y(page)
    screenshot(page, "organisation-detail")
    page.get_by_role("link", name="Iemand uitnodigen").click()
    expect(page.locator("h1")).to_have_text("Iemand uitnodigen voor Gemeente Groningen")
    check_a11y(page)
    screenshot(page, "invite-form")


def test_bad_input_on_the_invite_form_is_explained_next_to_each_field(page: Page) -> None:
    log_in(page, "admin@demo.nl")
    _open_invite_form(page)

    page.get_by_label("E-mailadres").fill("geen-adres")
    page.get_by_role("button", name="Uitnodiging versturen").click()

    expect(page.locator("main .utrecht-alert--error")).to_contain_text("Verbeter de velden")
    email = page.get_by_label("E-mailadres")
    expect(page.locator("#id_email_error")).to_contain_text("geldig e-mailadres")
    expect(email).to_have_attribute("aria-invalid", "true")
    expect(email).to_have_attribute("aria-describedby", re.compile(r"\bid_email_error\b"))
    expect(email).to_have_value("geen-adres")
    roles = page.get_by_role("group", name="Rollen")
    expect(page.locator("#id_roles_error")).to_contain_text("Kies minstens één rol.")
    expect(roles).to_have_attribute("aria-describedby", re.compile(r"\bid_roles_error\b"))
    # The error sits inside the field it is about, not only in a summary at the top.
    expect(page.locator(".utrecht-form-field--invalid", has=page.locator("#id_email"))).to_contain_text("geldig")
    expect(page.locator(".utrecht-form-field--invalid", has=roles)).to_contain_text("Kies minstens één rol.")
    assert mail.outbox == []
    check_a11y(page)
    screenshot(page, "invite-form-errors")


def test_an_admin_invites_a_colleague_who_accepts_and_lands_on_their_start_page(
    page: Page, browser: Browser, site: str
) -> None:
    log_in(page, "admin@demo.nl")
    _open_invite_form(page)

    page.get_by_label("E-mailadres").fill(INVITEE)
    page.get_by_label("Naam").fill("Nadia Jansen")
    page.get_by_role("checkbox", name="consulent").check()
    page.get_by_role("button", name="Uitnodiging versturen").click()

    expect(page.locator("h1")).to_have_text("Gemeente Groningen")
    expect(page.get_by_role("status")).to_contain_text(f"Uitnodiging verstuurd naar {INVITEE}")
    expect(page.locator("main")).to_contain_text(f"{INVITEE} (consulent)")
    check_a11y(page)
    screenshot(page, "organisation-detail-invitation-sent")

    # The task that sends the e-mail ran at once (the immediate tasks backend under tests), in this process.
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [INVITEE]
    assert "Gemeente Groningen" in message.subject
    link = re.search(r"https?://\S+/invitations/\S+/", message.body)
    assert link, message.body
    assert link.group(0).startswith(site)

    # The invitee is someone else, in another browser.
    invitee = new_context(browser, site)
    try:
        other = invitee.new_page()
        other.goto(link.group(0))
        expect(other.locator("h1")).to_have_text("Word lid van Gemeente Groningen")
        expect(other.get_by_label("Uw naam")).to_have_value("Nadia Jansen")
        check_a11y(other)
        screenshot(other, "accept-invitation")

        # Two different passwords first: the error is next to the second one.
        other.get_by_label("Wachtwoord", exact=True).fill("een-lang-wachtwoord-42")
        other.get_by_label("Wachtwoord (nogmaals)").fill("iets-anders-42")
        other.get_by_role("button", name="Account aanmaken en lid worden").click()
        expect(other.locator("#id_password2_error")).to_be_visible()
        expect(other.get_by_label("Wachtwoord (nogmaals)")).to_have_attribute("aria-invalid", "true")
        check_a11y(other)
        screenshot(other, "accept-invitation-errors")

        other.get_by_label("Wachtwoord", exact=True).fill("een-lang-wachtwoord-42")
        other.get_by_label("Wachtwoord (nogmaals)").fill("een-lang-wachtwoord-42")
        other.get_by_role("button", name="Account aanmaken en lid worden").click()

        expect(other).to_have_url(f"{site}/")
        expect(other.locator("h1")).to_have_text("Welkom, Nadia")
        expect(other.get_by_role("status")).to_contain_text("Welkom bij Gemeente Groningen")
        expect(other.locator("section[aria-labelledby='home-consultant']")).to_be_visible()
        expect(other.locator(".werkplaats-header")).to_contain_text("Gemeente Groningen")
        check_a11y(other)
        screenshot(other, "home-new-colleague")

        # The link worked once.
        other.goto(link.group(0))
        expect(other.locator("h1")).to_have_text("Deze uitnodiging is niet geldig")
        check_a11y(other)
        screenshot(other, "invitation-invalid")
    finally:
        invitee.close()

    # The administrator sees the new colleague among the members.
    page.reload()
    expect(page.get_by_role("table")).to_contain_text("Nadia Jansen")
    expect(page.locator("main")).to_contain_text("Geen openstaande uitnodigingen.")
    check_a11y(page)

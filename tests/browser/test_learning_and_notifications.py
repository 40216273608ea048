"""Professional learning and communication in a real browser: a person chooses how notifications
reach them, a manager opens a conversation guide, an employer signs up for an information session
without an account, a manager appoints a new intervision facilitator. axe-core checks each page."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from .helpers import check_a11y, log_in, screenshot, visit

pytestmark = pytest.mark.browser

GRONINGEN = "/partnerships/praktijkleren-arbeidsmarktregio-groningen"
WERKPLAATS = "/partnerships/professionele-werkplaats-wijkgericht-werken"


def test_a_person_chooses_a_daily_digest(site: str, page: Page) -> None:
    from werkplaats.accounts.models import User
    from werkplaats.notifications.models import EmailFrequency
    from werkplaats.notifications.services import frequency_of

    log_in(page, "member@demo.nl")
    visit(page, "/notifications/", "notifications-list")
    page.locator("main a[href='/notifications/settings/']").click()
    check_a11y(page)
    page.get_by_label("Per e-mail, in één bericht per dag").check()
    page.locator("main form button[type='submit']").click()
    expect(page.locator("main")).to_contain_text("Uw instellingen voor meldingen zijn opgeslagen.")
    check_a11y(page)
    screenshot(page, "notification-settings")

    assert frequency_of(User.objects.get(email="member@demo.nl")) == EmailFrequency.DAILY


def test_a_member_opens_the_conversation_guide_of_professional_space(site: str, page: Page) -> None:
    from werkplaats.reflections.models import PromptSet

    prompt_set = PromptSet.objects.get(partnership__slug=WERKPLAATS.rsplit("/", 1)[1], name="Professionele ruimte")
    log_in(page, "hogeschool@demo.nl")
    visit(page, f"{WERKPLAATS}/reflections/prompts/", "prompt-sets")
    visit(page, f"{WERKPLAATS}/reflections/prompts/{prompt_set.pk}/guide/", "conversation-guide")
    expect(page.locator("main ol.reflections-guide__prompts > li").first).to_be_visible()
    assert page.locator("main ol.reflections-guide__prompts > li").count() == prompt_set.prompts.count()


def test_an_employer_signs_up_for_an_information_session_without_an_account(site: str, page: Page) -> None:
    from werkplaats.meetings.models import Event, GuestRegistration

    event = Event.objects.filter(guest_signup=True).first()
    assert event is not None
    before = GuestRegistration.objects.filter(event=event).count()
    visit(page, f"/events/{event.public_id}/", "guest-page")
    page.locator("#id_name").fill("Fatima el Amrani")
    page.locator("#id_email").fill("fatima@bakkerij-noord.example.nl")
    page.locator("#id_organisation").fill("Bakkerij Noord")
    page.locator("#id_consent").check()
    page.locator("main form button[type='submit']").click()
    expect(page.locator(".utrecht-alert, .werkplaats-messages, main").first).to_contain_text("fatima@bakkerij-noord")
    check_a11y(page)
    screenshot(page, "guest-signed-up")

    assert GuestRegistration.objects.filter(event=event).count() == before + 1
    assert GuestRegistration.objects.filter(event=event, email="fatima@bakkerij-noord.example.nl").exists()


def test_the_manager_opens_the_page_to_appoint_a_facilitator(site: str, page: Page) -> None:
    from werkplaats.intervision.models import IntervisionGroup

    group = IntervisionGroup.objects.get(partnership__slug=GRONINGEN.rsplit("/", 1)[1])
    log_in(page, "coordinator@demo.nl")
    visit(page, f"{GRONINGEN}/intervision/", "intervision-manager")
    visit(page, f"{GRONINGEN}/intervision/facilitators/{group.pk}/", "intervision-facilitator")
    expect(page.locator("main form")).to_be_visible()

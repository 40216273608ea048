"""The recognition register in a real browser: a coordinator keeps Hilvers Bakkerij's register."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import FilePayload, Page, expect

from .helpers import check_a11y, log_in, screenshot, visit

pytestmark = pytest.mark.browser

REGISTER = "/learning-companies/hilvers-bakkerij/recognitions/"


@pytest.fixture
def demo_recognitions(site: str) -> str:
    """The demo recognitions; ``load_demo`` will load them itself once it calls ``load_recognitions``
    (loading them twice changes nothing)."""
    from werkplaats.demo.recognitions import load_recognitions

    load_recognitions()
    return site


def test_a_coordinator_adds_a_recognition_to_an_employers_register(page: Page, demo_recognitions: str) -> None:
    log_in(page, "coordinator@demo.nl")
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))

    visit(page, REGISTER, "recognitions-register")
    register = page.locator("main table")
    expect(register).to_contain_text("25173")
    expect(register).to_contain_text("Uitvoerend bakker")

    page.locator(f'main a[href="{REGISTER}add/"]').click()
    expect(page).to_have_url(re.compile(r"/recognitions/add/$"))
    check_a11y(page)

    # First with an end date before the start date: the error appears next to the field.
    page.locator("#id_crebo").fill("25252")
    page.locator("#id_start_date").fill("2025-06-01")
    page.locator("#id_end_date").fill("2025-05-31")
    page.locator("#id_places_offered").fill("2")
    page.locator("main form button[type=submit]").click()
    error = page.locator("#id_end_date_error")
    expect(error).to_be_visible()
    expect(page.locator("#id_end_date")).to_have_attribute("aria-invalid", "true")
    check_a11y(page)
    screenshot(page, "recognitions-add-error")

    page.locator("#id_end_date").fill("")
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(re.escape(REGISTER) + "$"))
    row = page.locator("main table tr", has_text="25252")
    expect(row).to_contain_text("Assistent horeca, voeding of voedingsindustrie")
    check_a11y(page)
    screenshot(page, "recognitions-register-after-add")


def test_the_import_page_and_the_notifications_page_are_accessible(page: Page, demo_recognitions: str) -> None:
    from werkplaats.accounts.models import User
    from werkplaats.notifications.services import notify

    coordinator = User.objects.get(email="coordinator@demo.nl")
    notify(
        [coordinator], message="Hilvers Bakkerij is no longer recognised for crebo 25167", url=REGISTER, key="demo-1"
    )
    log_in(page, "coordinator@demo.nl")

    visit(page, "/recognitions/", "recognitions-index")
    page.goto("/recognitions/import/")
    page.locator("#id_file").set_input_files(
        files=[
            FilePayload(
                name="erkenningen.csv",
                mimeType="text/csv",
                buffer=b"kvk,crebo,start_date\n90000001,25173,31-02-2024\n99999999,99999,2024-01-01\n",
            )
        ]
    )
    page.locator("main form button[type=submit]").click()
    problems = page.locator(".werkplaats-problem-list")
    expect(problems).to_contain_text("31-02-2024")
    expect(problems).to_contain_text("99999999")
    check_a11y(page)
    screenshot(page, "recognitions-import-errors")

    visit(page, "/notifications/", "notifications")
    expect(page.locator("main")).to_contain_text("no longer recognised for crebo 25167")
    expect(page.locator(f'main a[href="{REGISTER}"]')).to_be_visible()

"""Privacy in a real browser: a coordinator reads everything linked to a learner, downloads it as
a PDF and erases it; the learner's praktijkverklaring then names the pseudonym and has no PDF; the
learner, before that, sees who looked at their data. axe-core checks every page on the way."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, expect
from pytest_django.live_server_helper import LiveServer

from .helpers import check_a11y, log_in, screenshot, visit

pytestmark = pytest.mark.browser


@pytest.fixture
def privacy_site(transactional_db: None, live_server: LiveServer, settings: Any) -> str:
    """The live server with the privacy tests' world (its own organisations, not the demo's)."""
    settings.WERKPLAATS_BASE_URL = live_server.url
    return live_server.url


@pytest.fixture
def context(browser: Browser, privacy_site: str) -> Iterator[BrowserContext]:
    context = browser.new_context(
        base_url=privacy_site, locale="nl-NL", viewport={"width": 1280, "height": 900}, accept_downloads=True
    )
    context.set_default_timeout(10_000)
    yield context
    context.close()


def test_a_coordinator_exports_and_erases_a_learner(browser: Browser, context: BrowserContext) -> None:
    from werkplaats.accounts.tests.factories import PASSWORD
    from werkplaats.certificates.models import Certificate
    from werkplaats.privacy.models import Erasure
    from werkplaats.privacy.tests.world import build

    world = build()
    learner, certificate = world.learner, world.certificate

    # The learner sees who looked at their data.
    page = context.new_page()
    log_in(page, world.learner_user.email, PASSWORD)
    visit(page, "/privacy/my-data/", "privacy-my-data")
    expect(page.locator("h1")).to_be_visible()
    context.clear_cookies()

    coordinator = context.new_page()
    log_in(coordinator, world.coordinator.email, PASSWORD)
    visit(coordinator, f"/privacy/learners/{learner.pk}/", "privacy-subject-access")
    expect(coordinator.locator("h1")).to_contain_text(learner.full_name)

    with coordinator.expect_download() as download:
        coordinator.get_by_role("link", name="Downloaden als PDF").click()
    assert download.value.suggested_filename == f"learner-{learner.pk}.pdf"
    assert download.value.path().read_bytes().startswith(b"%PDF-")

    # Erasing asks for a confirmation first.
    erase = coordinator.locator("form[action$='/erase/']")
    erase.locator("input[type='checkbox']").check()
    erase.locator("button[type='submit']").click()
    expect(coordinator.locator("main")).to_contain_text(f"#{learner.pk}")
    check_a11y(coordinator)
    assert Erasure.objects.filter(learner_id=learner.pk).exists()
    assert Certificate.objects.get(pk=certificate.pk).learner_last_name == f"#{learner.pk}"

    # The praktijkverklaring stays, under the pseudonym and without its PDF.
    context.clear_cookies()
    school = context.new_page()
    log_in(school, world.school_staff.email, PASSWORD)
    visit(school, f"/certificates/{certificate.number}/", "privacy-certificate-erased")
    expect(school.locator("main")).to_contain_text(f"Deelnemer #{learner.pk}")
    expect(school.get_by_role("link", name=re.compile("Download de PDF|Download the PDF"))).to_have_count(0)
    answer = school.goto(f"/certificates/{certificate.number}/pdf/")
    assert answer is not None and answer.status == 410
    check_a11y(school)
    screenshot(school, "privacy-certificate-pdf-gone")

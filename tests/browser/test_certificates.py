"""A praktijkverklaring from issue to verification in a real browser: the school issues one for a
demo learner in the assessment phase, downloads the PDF, and a visitor without an account checks
it on the public verification page. axe-core checks every page on the way."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from .conftest import new_context
from .helpers import check_a11y, log_in, screenshot, visit

pytestmark = pytest.mark.browser


@pytest.fixture
def ready(site: str, settings: Any, tmp_path: Path) -> int:
    """The demo trajectories; returns the one of Esther Vos, in the assessment phase at ESKA with
    two work processes assessed as mastered and confirmed by Noorderpoort."""
    settings.WERKPLAATS_PRIVATE_DIR = tmp_path / "private"  # the PDFs stay out of the repository
    settings.WERKPLAATS_VERIFY_MIN_SECONDS = 0.05
    from werkplaats.demo.trajectories import load_trajectories
    from werkplaats.trajectories.models import Status, Trajectory

    load_trajectories()
    trajectory = Trajectory.objects.get(learner__first_name="Esther", learner__last_name="Vos")
    assert trajectory.status == Status.ASSESSMENT
    return trajectory.pk


def test_the_school_issues_a_certificate_and_anyone_can_verify_it(
    browser: Browser, site: str, page: Page, ready: int, tmp_path: Path
) -> None:
    from pypdf import PdfReader

    from werkplaats.certificates.models import Certificate, Milestone
    from werkplaats.trajectories.models import Status, Trajectory

    log_in(page, "school@demo.nl")
    visit(page, f"/trajectories/{ready}/", "certificate-trajectory-in-assessment")
    panel = page.locator("section[aria-labelledby='certificate-heading']")
    expect(panel).to_be_visible()
    panel.locator(f"a[href='/trajectories/{ready}/certificate/']").click()

    # What the certificate will state, then issue it.
    expect(page.locator("h1")).to_contain_text("Esther Vos")
    expect(page.locator("main")).to_contain_text("25499")
    check_a11y(page)
    screenshot(page, "certificate-issue")
    # With the keyboard alone: from the language to the button, and Enter.
    page.locator("#id_language").focus()
    page.keyboard.press("Tab")
    expect(page.locator("main form button[type='submit']")).to_be_focused()
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"/certificates/PV-\d{4}-\d{6}/$"))
    certificate = Certificate.objects.get(trajectory_id=ready)
    assert Trajectory.objects.get(pk=ready).status == Status.COMPLETED
    expect(page.locator("h1")).to_contain_text(certificate.number)
    expect(page.locator(".werkplaats-status--valid")).to_be_visible()
    check_a11y(page)
    screenshot(page, "certificate-detail")

    # The PDF: downloaded as a file, with the number and the mastered work processes in it.
    with page.expect_download() as download_info:
        page.locator(f"main a[href='/certificates/{certificate.number}/pdf/']").first.click()
    download = download_info.value
    assert download.suggested_filename == f"{certificate.number}.pdf"
    saved = tmp_path / "downloaded.pdf"
    download.save_as(saved)
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(saved.read_bytes())).pages)
    assert certificate.number in text
    for code in certificate.work_process_codes:
        assert code in text

    # It is the region's tenth valid praktijkverklaring: a success for the coordinators.
    assert Milestone.objects.filter(region_id=certificate.region_id, count=10, certificate=certificate).exists()

    # Anyone holding the paper checks it, without an account.
    anonymous = new_context(browser, site).new_page()
    visit(anonymous, certificate.verify_path, "certificate-verify-valid")
    expect(anonymous.locator(".certificates-verdict--valid")).to_be_visible()
    main = anonymous.locator("main")
    expect(main).to_contain_text(certificate.number)
    expect(main).to_contain_text("E. Vos")
    expect(main).not_to_contain_text("Esther")
    for code in certificate.work_process_codes:
        expect(main).to_contain_text(code)

    # A mistyped code: a plain "not found", typed in through the form.
    visit(anonymous, "/verify/", "certificate-verify-form")
    anonymous.locator("#id_code").fill("AAAA-BBBB-CCCC-DDDD")
    anonymous.locator("main form button[type='submit']").click()
    expect(anonymous.locator(".certificates-verdict--unknown")).to_be_visible()
    check_a11y(anonymous)
    anonymous.context.close()

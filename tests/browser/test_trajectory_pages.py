"""Learner and trajectory pages in a real browser: a consultant registers a learner (with the
keyboard alone), starts a praktijkleren trajectory for crebo 25499 at ESKA with Noorderpoort, and
does the intake and starts looking for a workplace. axe checks every page on the way."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from .helpers import check_a11y, has_visible_focus, log_in, screenshot, visit

pytestmark = pytest.mark.browser


def _tab_to(page: Page, selector: str, *, limit: int = 60) -> None:
    """Press Tab until the element matching ``selector`` has the focus."""
    for _ in range(limit):
        if page.evaluate("(s) => document.activeElement === document.querySelector(s)", selector):
            assert has_visible_focus(page), f"{selector} has no visible focus indicator"
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {selector}")


def test_a_consultant_registers_a_learner_and_starts_a_trajectory(page: Page, site: str) -> None:
    log_in(page, "consultant@demo.nl")
    visit(page, "/caseload/", "trajectory-caseload-before")

    page.locator('main a[href="/learners/new/"]').click()
    expect(page).to_have_url(re.compile(r"/learners/new/$"))
    check_a11y(page)

    # The registration form with the keyboard alone.
    _tab_to(page, "#id_first_name")
    page.keyboard.type("Noor")
    page.keyboard.press("Tab")
    page.keyboard.type("Jansen")
    page.keyboard.press("Tab")
    page.keyboard.type("01051990")  # the date segments in the order of the browser's locale
    _tab_to(page, "#id_target_group")
    page.keyboard.press("p")  # Participatiewet
    _tab_to(page, "#id_support_needs")
    page.keyboard.type("Korte instructies werken het best.")
    _tab_to(page, "main form button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"/learners/\d+/$"))
    expect(page.locator("h1")).to_have_text("Noor Jansen")
    expect(page.locator("main")).to_contain_text("Korte instructies werken het best.")
    expect(page.locator("main")).to_contain_text("1990")
    check_a11y(page)
    screenshot(page, "trajectory-learner")

    page.locator('main a[href$="/trajectories/new/"]').click()
    expect(page).to_have_url(re.compile(r"/trajectories/new/$"))
    check_a11y(page)
    page.locator("#id_route").select_option("praktijkleren")
    page.locator("#id_intended_outcome").select_option("praktijkverklaring")
    page.locator("#id_crebo").fill("25499")
    page.locator("#id_school").select_option(label="Noorderpoort")
    page.locator("#id_employer").select_option(label="ESKA")
    page.locator("#id_planned_start").fill("2026-01-05")
    page.locator("#id_funding-0-kind").select_option("municipality")
    page.locator("#id_funding-0-amount").fill("2500")
    page.locator("main form button[type=submit]:not([name])").click()

    expect(page).to_have_url(re.compile(r"/trajectories/\d+/$"))
    main = page.locator("main")
    expect(main).to_contain_text("ESKA")
    expect(main).to_contain_text("Noorderpoort")
    expect(main).to_contain_text("25499")
    check_a11y(page)

    # Intake: a button of its own, pressed with the keyboard.
    intake = page.locator('main form[action$="/transition/intake/"] button[type=submit]')
    intake.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator('main form[action$="/transition/zoeken/"]')).to_be_visible()
    expect(page.locator("main .traj-timeline")).to_contain_text("intake")
    check_a11y(page)

    page.locator('main form[action$="/transition/zoeken/"] button[type=submit]').click()
    expect(page.locator('main form[action$="/transition/geplaatst/"]')).to_be_visible()
    # Placement still lacks the trainer and an agreed plan: the page says so before anyone tries.
    expect(page.locator("main .traj-action__missing").first).to_be_visible()
    check_a11y(page)
    screenshot(page, "trajectory-detail")

    visit(page, "/caseload/", "trajectory-caseload")
    row = page.locator("main table tbody tr", has_text="Noor Jansen")
    expect(row).to_contain_text("ESKA")
    expect(row).to_contain_text("25499")

"""The qualification catalogue in a real browser: a coordinator searches "bakker" and opens Uitvoerend bakker
(crebo 25173); a platform administrator imports a qualification file. axe-core checks every page."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from .helpers import check_a11y, log_in, screenshot, visit

pytestmark = pytest.mark.browser

CATALOGUE = "/qualifications/"
DATA = Path(__file__).resolve().parents[2] / "werkplaats" / "qualifications" / "data"


def _page_of(crebo: str) -> str:
    from werkplaats.qualifications.models import Qualification

    return Qualification.objects.current().get(crebo=crebo).get_absolute_url()


def _search(page: Page, text: str) -> None:
    form = page.locator("main form[role=search]")
    form.locator("#id_q").fill(text)
    form.locator("button[type=submit]").click()


def test_a_coordinator_searches_bakker_and_opens_uitvoerend_bakker(page: Page, site: str) -> None:
    from werkplaats.qualifications.models import Qualification

    expected = Qualification.objects.current().filter(name__icontains="bakker").count()
    log_in(page, "coordinator@demo.nl")
    visit(page, CATALOGUE, "catalogue-list")
    # Set a mark on the window: it survives an htmx swap, not a page load.
    page.evaluate("() => { window.catalogueMark = true; }")

    _search(page, "bakker")

    expect(page).to_have_url(re.compile(r"/qualifications/\?q=bakker"))
    results = page.locator("#catalogue-results")
    link = results.get_by_role("link", name="Uitvoerend bakker", exact=True)
    expect(link).to_be_visible()
    assert results.locator("tbody tr").count() >= expected >= 3
    assert page.evaluate("() => window.catalogueMark === true"), "the results were not swapped in by htmx"
    check_a11y(page)
    screenshot(page, "catalogue-search-bakker")

    link.click()

    expect(page).to_have_url(re.compile(re.escape(_page_of("25173")) + "$"))
    expect(page.locator("h1")).to_contain_text("Uitvoerend bakker")
    expect(page.locator("h1")).to_contain_text("25173")
    facts = page.locator("main dl").first
    expect(facts).to_contain_text("Horeca en bakkerij")
    expect(facts).to_contain_text("basisberoepsopleiding")
    expect(facts).to_contain_text("BOL/BBL")
    expect(page.locator("#no-work-processes")).to_be_visible()
    check_a11y(page)
    screenshot(page, "catalogue-uitvoerend-bakker")


def test_the_search_works_without_javascript(browser: Browser, site: str) -> None:
    context = browser.new_context(base_url=site, locale="nl-NL", java_script_enabled=False)
    page = context.new_page()
    page.goto("/accounts/login/")
    page.locator("input[name=login]").fill("coordinator@demo.nl")
    page.locator("input[name=password]").fill("werkplaats")
    with page.expect_navigation():
        page.locator("main button[type=submit]").click()
    page.goto(CATALOGUE)

    with page.expect_navigation():
        _search(page, "25173")

    expect(page).to_have_url(re.compile(r"q=25173"))
    expect(page.locator("#catalogue-results tbody tr")).to_have_count(1)
    expect(page.locator("#catalogue-results")).to_contain_text("Uitvoerend bakker")
    context.close()


def test_a_qualification_page_shows_its_core_tasks_and_work_processes(page: Page, site: str) -> None:
    log_in(page, "coordinator@demo.nl")
    visit(page, _page_of("25499"), "catalogue-medewerker-facilitaire-dienstverlening")

    main = page.locator("main")
    expect(main.locator("h1")).to_contain_text("Medewerker facilitaire dienstverlening")
    codes = {c.strip() for c in main.locator("section .werkplaats-code").all_inner_texts()}
    assert {"B1-K1", "B1-K1-W1", "B1-K1-W9", "P1-K1", "P1-K1-W1", "P1-K1-W3"} <= codes
    assert not any(code.startswith("P2") for code in codes)
    details = main.locator("details").first
    description = details.locator(".werkplaats-details__body")
    expect(description).to_be_hidden()

    details.locator("summary").click()

    expect(description).to_be_visible()
    check_a11y(page)


def test_a_coordinator_sees_which_demo_employers_are_recognised_for_uitvoerend_bakker(page: Page, site: str) -> None:
    recognitions = pytest.importorskip("werkplaats.recognitions.models", reason="the recognition register is not built")
    try:
        from werkplaats.demo.recognitions import load_recognitions
    except ImportError:  # until the demo loads its own recognitions: the bakeries of the demo region
        from werkplaats.organisations.models import Organisation

        for slug in ("hilvers-bakkerij", "bakkerij-zuidenveld"):
            recognitions.Recognition.objects.get_or_create(
                employer=Organisation.objects.get(slug=slug),
                crebo="25173",
                start_date=datetime.date(2020, 1, 1),
                defaults={"source": recognitions.RecognitionSource.SBB},
            )
    else:
        load_recognitions()
    today = datetime.date.today()
    expected = sorted(
        recognitions.Recognition.objects.filter(crebo="25173")
        .valid_on(today)
        .values_list("employer__name", flat=True)
        .distinct()
    )
    assert expected, "the demo has no employer recognised for 25173"
    log_in(page, "coordinator@demo.nl")

    page.goto(_page_of("25173"))

    section = page.locator("#recognised-employers")
    expect(section).to_be_visible()
    names = section.locator("tbody tr td:first-child").all_inner_texts()
    assert sorted(n.strip() for n in names) == expected
    check_a11y(page)
    screenshot(page, "catalogue-uitvoerend-bakker-recognised")


def test_a_platform_administrator_imports_a_qualification_file(page: Page, site: str) -> None:
    log_in(page, "admin@demo.nl")
    visit(page, "/qualifications/import/", "catalogue-import-form")

    page.locator("input[type=file]").set_input_files(str(DATA / "sbb-kd-xml-2016" / "2755_Dienstverlening.xml"))
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()

    expect(page).to_have_url(re.compile(r"/qualifications/imports/\d+/$"))
    summary = page.locator("#import-summary")
    expect(summary).to_be_visible()
    # The demo has this file already: importing it again changes nothing.
    expect(summary.locator(".utrecht-data-list__item").nth(2)).to_contain_text("3")
    expect(page.locator("#import-status")).not_to_have_attribute("hx-trigger", re.compile("."))
    check_a11y(page)
    screenshot(page, "catalogue-import-done")

    visit(page, "/qualifications/imports/", "catalogue-imports")
    expect(page.locator("main tbody tr")).to_have_count(1)


def test_a_rejected_import_shows_its_problems(page: Page, site: str, tmp_path: Path) -> None:
    broken = tmp_path / "kapot.xml"
    broken.write_bytes((DATA / "sbb-kd-xml-2016" / "2755_Dienstverlening.xml").read_bytes()[:20_000])
    log_in(page, "admin@demo.nl")
    page.goto("/qualifications/import/")

    page.locator("input[type=file]").set_input_files(str(broken))
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()

    problems = page.locator("#import-problems")
    expect(problems).to_contain_text("kapot.xml")
    expect(page.locator("main .utrecht-alert--error")).to_be_visible()
    check_a11y(page)
    screenshot(page, "catalogue-import-rejected")

"""The regional dashboard in a real browser, on the demo region with its trajectories: the coordinator opens it from
the main menu, reads the key figures and the funnel (chart and table), chooses other periods, puts another region
beside it, and downloads every table as one Excel workbook that holds the numbers of the page. axe-core checks the
dashboard alone and comparing in a test of its own, so that what the page shows and how accessible it is fail apart.
A learner may not see the dashboard."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from playwright.sync_api import Locator, Page, expect

from .helpers import check_a11y, log_in, log_out, screenshot, visit

if TYPE_CHECKING:
    from werkplaats.organisations.models import Region

pytestmark = pytest.mark.browser

DASHBOARD = "/insights/"
HIDDEN = re.compile(r"^<\s*5$")  # a small number outside one's own region
PERCENT = re.compile(r"^(\d+)\s*%$")


def _period_text(start: datetime.date, end: datetime.date, language: str) -> str:
    """The period as the page writes it: both dates with the month abbreviated, in the page's language."""
    from django.utils import translation
    from django.utils.formats import date_format

    with translation.override(language):
        return f"{date_format(start, 'j M Y')} \u2013 {date_format(end, 'j M Y')}"


def _section(page: Page, key: str) -> Locator:
    return page.locator(f"main section[aria-labelledby='t-{key}']")


def _rows(section: Locator) -> list[list[str]]:
    """The body of a section's table: per row its label, then the text of every value cell."""
    rows = []
    for row in section.locator("table tbody tr").all():
        label = row.locator("th[scope=row]").inner_text().strip()
        rows.append([label, *(text.strip() for text in row.locator("td").all_inner_texts())])
    return rows


def _show(page: Page) -> None:
    with page.expect_navigation():
        page.locator("main form[role=search]").get_by_role("button", name=re.compile(r"^(Tonen|Show)$")).click()
    expect(page.locator("main .insights-cards")).to_be_visible()


def _matches(shown: str, exported: Any) -> bool:
    """Whether a cell of the workbook holds what the page shows: the same count, the same hidden "< 5", the same
    share (the page rounds to a whole percent) or nothing at all (shown as a dash)."""
    if shown == "\u2013":
        return exported in (None, "")
    if HIDDEN.match(shown):
        return isinstance(exported, str) and bool(HIDDEN.match(exported))
    if shown.isdigit():
        if isinstance(exported, float):  # days: the page rounds to whole days, the workbook to tenths
            return abs(exported - int(shown)) <= 0.5
        return exported == int(shown)
    percent = PERCENT.match(shown)
    if percent:
        return isinstance(exported, int | float) and round(exported * 100) == int(percent.group(1))
    return False


def _sheet_rows(sheet: Any) -> list[list[Any]]:
    return [list(row) for row in sheet.iter_rows(min_row=2, values_only=True)]


@dataclass(frozen=True)
class Regions:
    """The demo's two regions with trajectories, and how many trajectories each holds."""

    groningen: Region
    drenthe: Region
    in_groningen: int
    in_drenthe: int


@pytest.fixture
def regions(site: str) -> Regions:
    """The demo trajectories on top of the demo region: many in Groningen, one in Drenthe."""
    from werkplaats.demo.trajectories import load_trajectories
    from werkplaats.organisations.models import Organisation
    from werkplaats.trajectories.models import Trajectory

    load_trajectories()
    groningen = Organisation.objects.get(slug="gemeente-groningen").region
    drenthe = Organisation.objects.get(slug="gemeente-emmen").region
    assert groningen is not None and drenthe is not None and groningen != drenthe
    in_groningen = Trajectory.objects.filter(learner__organisation__region=groningen).count()
    in_drenthe = Trajectory.objects.filter(learner__organisation__region=drenthe).count()
    assert in_groningen >= 5 and 0 < in_drenthe < 5
    return Regions(groningen, drenthe, in_groningen, in_drenthe)


def test_the_coordinator_reads_compares_and_downloads_the_dashboard(
    regions: Regions, page: Page, tmp_path: Path
) -> None:
    """What the dashboard shows and holds; axe's verdict on it is the next test's."""
    from django.utils import timezone
    from openpyxl import load_workbook

    groningen, drenthe, in_groningen = regions.groningen, regions.drenthe, regions.in_groningen
    today = timezone.localdate()

    # From the home page through the main menu.
    log_in(page, "coordinator@demo.nl")
    page.goto("/")
    menu_item = page.locator(f"header nav a[href='{DASHBOARD}']")
    expect(menu_item).to_be_visible()
    menu_item.click()
    expect(page).to_have_url(re.compile(r"/insights/$"))
    expect(page.locator(f"header nav a[href='{DASHBOARD}']")).to_have_attribute("aria-current", "page")
    screenshot(page, "insights-dashboard")
    language = page.locator("html").get_attribute("lang") or "nl"

    # This year up to today, for the coordinator's own region: one column of exact figures.
    scope_line = page.locator("main .insights-scope")
    expect(scope_line).to_have_text(f"{groningen}, {_period_text(today.replace(month=1, day=1), today, language)}")
    cards = page.locator("main .insights-cards > li")
    expect(cards).to_have_count(1)
    expect(cards.first.locator(".insights-card__number")).to_have_text(re.compile(r"^\d+$"))
    expect(page.locator("main .insights-small-note")).to_have_count(0)

    # The funnel: a chart with a title, one bar per state carrying the number of the table below it.
    funnel = _section(page, "funnel")
    chart = funnel.locator("svg[role=img]")
    expect(chart).to_have_count(1)
    title = chart.locator("title")
    expect(title).not_to_be_empty()
    expect(chart).to_have_accessible_name(re.compile(re.escape((title.text_content() or "").strip())))
    expect(funnel.locator("table")).to_be_visible()
    funnel_rows = _rows(funnel)
    assert len(funnel_rows) == 7, funnel_rows  # referred up to completed
    assert chart.locator("text.insights-bars__value").all_text_contents() == [row[1] for row in funnel_rows]

    # A period before the demo's trajectories: the period on the page changes, and every count is zero.
    old_from, old_to = datetime.date(today.year - 4, 1, 1), datetime.date(today.year - 3, 12, 31)
    page.locator("#id_date_from").fill(old_from.isoformat())
    page.locator("#id_date_to").fill(old_to.isoformat())
    _show(page)
    expect(page).to_have_url(re.compile(rf"date_from={old_from.isoformat()}"))
    expect(scope_line).to_have_text(f"{groningen}, {_period_text(old_from, old_to, language)}")
    expect(page.locator("#id_date_from")).to_have_value(old_from.isoformat())
    assert [row[1] for row in _rows(_section(page, "funnel"))] == ["0"] * 7

    # Two years up to today: every demo trajectory of the region was registered in it.
    since = datetime.date(today.year - 2, 1, 1)
    page.locator("#id_date_from").fill(since.isoformat())
    page.locator("#id_date_to").fill(today.isoformat())
    _show(page)
    expect(scope_line).to_have_text(f"{groningen}, {_period_text(since, today, language)}")
    funnel_rows = _rows(_section(page, "funnel"))
    assert funnel_rows[0][1] == str(in_groningen), funnel_rows
    expect(cards.first.locator(".insights-card__sub")).to_contain_text(str(in_groningen))
    screenshot(page, "insights-dashboard-period")

    # Beside it, the Drenthe region over the same period: two columns, small numbers hidden there.
    page.locator("#id_compare_scope").select_option(value=f"r{drenthe.pk}")
    _show(page)
    expect(cards).to_have_count(2)
    expect(cards.nth(1).locator(".insights-card__group")).to_contain_text(str(drenthe))
    expect(scope_line).to_contain_text(str(groningen))
    expect(scope_line).to_contain_text(str(drenthe))
    expect(page.locator("main .insights-small-note")).to_be_visible()
    funnel = _section(page, "funnel")
    groups = funnel.locator("table thead th[scope=colgroup]")
    expect(groups).to_have_count(2)
    expect(groups.nth(0)).to_contain_text(str(groningen))
    expect(groups.nth(1)).to_contain_text(str(drenthe))
    expect(funnel.locator("svg[role=img]")).to_have_count(2)
    compared = _rows(funnel)
    assert compared[0][1] == str(in_groningen), compared
    per_group = len(compared[0][1:]) // 2
    assert HIDDEN.match(compared[0][1 + per_group]), compared  # one trajectory in Drenthe: "< 5"
    expect(_section(page, "summary").locator("table thead th[scope=colgroup]")).to_have_count(2)
    screenshot(page, "insights-dashboard-compared")

    # Every table in one workbook: a sheet per table on the page, in the same order, with the same numbers.
    headings = page.locator("main h2.insights-table-title").all_inner_texts()
    summary_rows = _rows(_section(page, "summary"))
    download_link = page.locator("main a[href*='dashboard.xlsx']:not([href*='table='])")
    expect(download_link).to_have_count(1)
    with page.expect_download() as download_info:
        download_link.click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    workbook = load_workbook(saved, read_only=True)
    assert len(workbook.sheetnames) == len(headings), (workbook.sheetnames, headings)
    for name, heading in zip(workbook.sheetnames, headings, strict=True):
        # Excel allows 31 characters in a sheet's name and none of []:*?/\ .
        cleaned = re.sub(r"[\[\]:*?/\\]", " ", heading.strip())
        assert cleaned.startswith(name.strip()), (name, heading)

    for sheet_name, shown_rows in ((workbook.sheetnames[0], summary_rows), (workbook.sheetnames[1], compared)):
        sheet = workbook[sheet_name]
        header = next(sheet.iter_rows(max_row=1, values_only=True))
        assert str(drenthe) in " ".join(str(value) for value in header)  # both columns, labelled
        exported_rows = _sheet_rows(sheet)
        assert [row[0] for row in exported_rows] == [row[0] for row in shown_rows]
        for shown, exported in zip(shown_rows, exported_rows, strict=True):
            assert len(shown) == len(exported), (shown, exported)
            for shown_value, exported_value in zip(shown[1:], exported[1:], strict=True):
                assert _matches(shown_value, exported_value), (sheet_name, shown, exported)
    funnel_sheet = _sheet_rows(workbook[workbook.sheetnames[1]])
    assert funnel_sheet[0][1] == in_groningen
    workbook.close()

    # The same figures on their own again: back to one column.
    page.locator("#id_compare_scope").select_option(value="")
    _show(page)
    expect(cards).to_have_count(1)
    expect(_section(page, "funnel").locator("table thead th[scope=colgroup]")).to_have_count(0)


def test_the_dashboard_passes_axe_alone_and_comparing(regions: Regions, page: Page) -> None:
    """axe-core on the dashboard as the coordinator sees it: this year, a chosen period, and beside another region."""
    from django.utils import timezone

    log_in(page, "coordinator@demo.nl")
    visit(page, DASHBOARD, "insights-dashboard-axe")
    expect(page.locator("main .insights-cards > li")).to_have_count(1)

    since = datetime.date(timezone.localdate().year - 2, 1, 1)
    page.locator("#id_date_from").fill(since.isoformat())
    _show(page)
    check_a11y(page)

    page.locator("#id_compare_scope").select_option(value=f"r{regions.drenthe.pk}")
    _show(page)
    expect(page.locator("main .insights-cards > li")).to_have_count(2)
    screenshot(page, "insights-dashboard-compared-axe")
    check_a11y(page)
    log_out(page)


def test_a_learner_may_not_see_the_dashboard(site: str, page: Page) -> None:
    log_in(page, "learner@demo.nl")
    expect(page.locator(f"header nav a[href='{DASHBOARD}']")).to_have_count(0)
    response = page.goto(DASHBOARD)
    assert response is not None and response.status == 403
    expect(page.locator("main h1")).to_be_visible()
    expect(page.locator("main .insights-cards")).to_have_count(0)
    expect(page.locator("main form[role=search]")).to_have_count(0)
    check_a11y(page)
    screenshot(page, "insights-dashboard-forbidden")

    # The download is refused as well.
    download = page.request.get("/insights/dashboard.xlsx")
    assert download.status == 403

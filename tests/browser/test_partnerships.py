"""A partnership steering itself, in a real browser: a member answers the health scan, the
manager closes the round and reads the radar with its table; the steering group records a
decision on a progress report. axe-core checks every page on the way, and each section of both
demo partnerships is opened and checked."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from werkplaats.partnerships.sections import SECTIONS

from .helpers import check_a11y, log_in, log_out, screenshot, visit

pytestmark = pytest.mark.browser

GRONINGEN = "/partnerships/praktijkleren-arbeidsmarktregio-groningen"
WERKPLAATS = "/partnerships/professionele-werkplaats-wijkgericht-werken"


def _open_round() -> int:
    from werkplaats.scans.models import RoundStatus
    from werkplaats.scans.models import ScanRound as Round

    return Round.objects.get(partnership__slug=WERKPLAATS.rsplit("/", 1)[1], status=RoundStatus.OPEN).pk


def test_a_member_answers_the_scan_and_the_manager_closes_it_and_reads_the_results(site: str, page: Page) -> None:
    from werkplaats.scans.models import RoundStatus
    from werkplaats.scans.models import ScanResponse as Response
    from werkplaats.scans.models import ScanRound as Round

    round_pk = _open_round()
    answered_before = Response.objects.filter(round_id=round_pk).count()
    assert answered_before == 2  # two members answered in the demo; a third makes the results showable

    # A member (the region's coordinator, an ordinary member here) answers from the overview.
    log_in(page, "coordinator@demo.nl")
    visit(page, f"{WERKPLAATS}/", "partnership-overview-werkplaats")
    page.locator(f"a[href='{WERKPLAATS}/scans/{round_pk}/']").first.click()
    expect(page.locator("h1")).to_contain_text("November 2026")
    check_a11y(page)
    statements = page.locator("fieldset.scans-element fieldset")
    count = statements.count()
    assert count >= 18  # six elements, at least three statements each
    for i in range(count):
        # 4 ("eens") everywhere, except "weet niet" for the first statement: it counts as no score.
        value = "dk" if i == 0 else "4"
        statements.nth(i).locator(f"input[type='radio'][value='{value}']").check()
    page.locator("textarea").first.fill("We leren veel van elkaar in de wijk.")
    screenshot(page, "scan-answer-filled")
    page.locator("main form.scans-answer-form button[type='submit']").click()
    expect(page.locator(".werkplaats-messages, [role='status'], .utrecht-alert").first).to_be_visible()
    check_a11y(page)
    assert Response.objects.filter(round_id=round_pk).count() == 3
    log_out(page)

    # The manager closes the round and sees the radar chart beside the same figures as a table.
    log_in(page, "hogeschool@demo.nl")
    visit(page, f"{WERKPLAATS}/scans/", "scan-list-open-round")
    page.locator(f"form[action='{WERKPLAATS}/scans/{round_pk}/close/'] button").first.click()
    assert Round.objects.get(pk=round_pk).status == RoundStatus.CLOSED
    page.goto(f"{WERKPLAATS}/scans/{round_pk}/results/")
    radar = page.locator("svg[role='img']").first
    expect(radar).to_be_visible()
    expect(radar.locator("polygon, path").first).to_be_attached()
    table = page.locator("main table").first
    expect(table).to_be_visible()
    for code in ("LOS", "GOC", "LEA", "SRI", "VMM", "VOR"):
        expect(table).to_contain_text(code)
    expect(page.locator("main")).to_contain_text("We leren veel van elkaar in de wijk.")
    check_a11y(page)
    screenshot(page, "scan-results-radar")


def test_the_steering_group_records_a_decision_on_a_progress_report(site: str, page: Page) -> None:
    from werkplaats.partnerships.models import Action, ActionOrigin, ProgressReport, ReportStatus

    report = ProgressReport.objects.get(
        group__partnership__slug=GRONINGEN.rsplit("/", 1)[1], status=ReportStatus.SUBMITTED
    )

    log_in(page, "stuurgroep@demo.nl")
    visit(page, f"{GRONINGEN}/reports/", "steering-reports")
    page.locator(f"main a[href='{GRONINGEN}/reports/{report.pk}/']").first.click()
    check_a11y(page)
    page.locator(f"main a[href='{GRONINGEN}/reports/{report.pk}/decision/']").click()
    check_a11y(page)

    # Sending it empty shows what is missing at the field, and writes nothing.
    page.locator("main form button[type='submit']").click()
    expect(page.locator("#id_decision_error")).to_be_visible()
    check_a11y(page)
    assert ProgressReport.objects.get(pk=report.pk).decided_at is None

    page.locator("#id_decision").fill(
        "Akkoord met de aanpak. Werf in het voorjaar tien extra leerbedrijven in de zorg."
    )
    page.locator("#id_actions-0-title").fill("Werkgeversontbijt zorg organiseren")
    page.locator("#id_actions-0-owner").select_option(label="Jan Bakker")
    page.locator("#id_actions-0-due_on").fill("2027-03-01")
    screenshot(page, "steering-decision-filled")
    page.locator("main form button[type='submit']").click()
    expect(page.locator("main")).to_contain_text("Akkoord met de aanpak.")
    check_a11y(page)
    screenshot(page, "steering-decision-recorded")

    report.refresh_from_db()
    assert report.status == ReportStatus.ANSWERED and report.decided_by is not None
    action = Action.objects.get(
        origin=ActionOrigin.PROGRESS_REPORT, origin_id=report.pk, title__startswith="Werkgevers"
    )
    assert (action.owner.email, str(action.due_on)) == ("stuurgroep@demo.nl", "2027-03-01")


@pytest.mark.parametrize(("email", "base"), [("coordinator@demo.nl", GRONINGEN), ("hogeschool@demo.nl", WERKPLAATS)])
def test_every_section_of_a_demo_partnership_passes_axe(site: str, page: Page, email: str, base: str) -> None:
    log_in(page, email)
    page.goto(f"{base}/")
    links = page.locator("nav.werkplaats-subnav a")
    paths = [links.nth(i).get_attribute("href") for i in range(links.count())]
    assert len(paths) == len(SECTIONS)
    for path in paths:
        assert path is not None
        visit(page, path, "partnership" + path.replace("/", "-").rstrip("-"))


def test_a_member_starts_a_thread_another_replies_and_the_first_is_notified(site: str, page: Page) -> None:
    from werkplaats.forum.models import Thread
    from werkplaats.notifications.models import Notification

    # Yvonne Smit starts a thread in the forum of the Groningen partnership.
    log_in(page, "member@demo.nl")
    visit(page, f"{GRONINGEN}/forum/", "forum-list")
    page.locator(f"main a[href='{GRONINGEN}/forum/new/']").first.click()
    check_a11y(page)
    page.locator("#id_title").fill("Wie heeft ervaring met leerplekken in de zorg?")
    page.locator("#id_body").fill("We zoeken **twee** werkgevers in de zorg. <script>alert(1)</script>")
    page.locator("main form button[type='submit']").click()
    thread = Thread.objects.get(title="Wie heeft ervaring met leerplekken in de zorg?")
    expect(page).to_have_url(f"{site}{GRONINGEN}/forum/threads/{thread.pk}/")
    expect(page.locator("main strong").filter(has_text="twee")).to_be_visible()
    assert page.locator("main script").count() == 0  # the script tag is not active content
    check_a11y(page)
    log_out(page)

    # Jan Bakker replies on the thread page.
    log_in(page, "stuurgroep@demo.nl")
    page.goto(f"{GRONINGEN}/forum/threads/{thread.pk}/")
    page.locator("#id_body").fill("Ja, bij het Alfa-college kennen we er drie. Ik stuur de namen.")
    page.locator("main form button[type='submit']").last.click()
    expect(page.locator("main")).to_contain_text("Ik stuur de namen.")
    check_a11y(page)
    screenshot(page, "forum-thread-with-reply")
    log_out(page)

    # Yvonne sees the notification and follows it to the reply.
    notification = Notification.objects.get(
        recipient__email="member@demo.nl", key__startswith="forum-reply:", url__contains=f"/threads/{thread.pk}/"
    )
    log_in(page, "member@demo.nl")
    expect(page.locator("header .werkplaats-count")).to_be_visible()
    visit(page, "/notifications/", "forum-notification")
    page.locator(f"main a[href='{notification.url}']").first.click()
    expect(page.locator("main")).to_contain_text("Ik stuur de namen.")
    check_a11y(page)

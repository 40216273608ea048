"""The whole praktijkleren journey in a real browser, each step by the person who does it: the
consultant registers a learner and does the intake, the coordinator finds a recognised employer,
the three parties approve the learning plan, the consultant places the learner, the trainer logs
hours and assesses a work process, the school confirms it and starts the assessment. axe-core
checks every page on the way."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from .conftest import new_context
from .helpers import check_a11y, log_in, screenshot, visit

pytestmark = pytest.mark.browser


@pytest.fixture
def eska_trainer(site: str, settings: Any, tmp_path: Any) -> int:
    """Kees (trainer@demo.nl) trains at Hilvers Bakkerij in the demo; here he also trains at ESKA."""
    settings.WERKPLAATS_PRIVATE_DIR = tmp_path / "private"
    from werkplaats.accounts.models import User
    from werkplaats.organisations.models import Membership, MembershipRole, Organisation, Role

    trainer = User.objects.get(email="trainer@demo.nl")
    membership, _created = Membership.objects.get_or_create(
        user=trainer, organisation=Organisation.objects.get(slug="eska")
    )
    MembershipRole.objects.get_or_create(membership=membership, role=Role.WORKPLACE_TRAINER)
    return trainer.pk


def _submit(page: Page) -> None:
    with page.expect_navigation():
        page.locator("main form button[type=submit]:not([name])").first.click()
    check_a11y(page)


def _press(page: Page, to: str) -> None:
    with page.expect_navigation():
        page.locator(f'main form[action$="/transition/{to}/"] button[type=submit]').first.click()
    check_a11y(page)


def test_from_referral_to_assessment_with_every_party(browser: Browser, site: str, eska_trainer: int) -> None:
    from werkplaats.trajectories.models import Status, Trajectory

    # The consultant registers the learner and starts the trajectory.
    consultant = new_context(browser, site).new_page()
    log_in(consultant, "consultant@demo.nl")
    visit(consultant, "/learners/new/", "journey-register")
    consultant.locator("#id_first_name").fill("Mila")
    consultant.locator("#id_last_name").fill("de Groot")
    consultant.locator("#id_date_of_birth").fill("1995-03-14")
    consultant.locator("#id_target_group").select_option("participatiewet")
    _submit(consultant)
    expect(consultant.locator("h1")).to_have_text("Mila de Groot")
    consultant.locator('main a[href$="/trajectories/new/"]').click()
    check_a11y(consultant)
    consultant.locator("#id_route").select_option("praktijkleren")
    consultant.locator("#id_intended_outcome").select_option("praktijkverklaring")
    consultant.locator("#id_crebo").fill("25499")
    consultant.locator("#id_school").select_option(label="Noorderpoort")
    _submit(consultant)
    expect(consultant).to_have_url(re.compile(r"/trajectories/\d+/$"))
    base = consultant.url.split(site, 1)[-1].rstrip("/")
    _press(consultant, "intake")
    _press(consultant, "zoeken")
    screenshot(consultant, "journey-searching")

    # The coordinator looks for a company recognised for 25499 and finds ESKA.
    coordinator = new_context(browser, site).new_page()
    log_in(coordinator, "coordinator@demo.nl")
    visit(coordinator, "/learning-companies/?q=25499", "journey-search")
    expect(coordinator.locator("main table")).to_contain_text("ESKA")

    # The consultant names ESKA, the trainer and the start date.
    visit(consultant, f"{base}/edit/", "journey-edit")
    consultant.locator("#id_employer").select_option(label="ESKA")
    consultant.locator("#id_workplace_trainer").select_option(str(eska_trainer))
    from werkplaats.accounts.models import User

    consultant.locator("#id_school_coach").select_option(str(User.objects.get(email="school@demo.nl").pk))
    consultant.locator("#id_planned_start").fill((datetime.date.today() - datetime.timedelta(days=21)).isoformat())
    _submit(consultant)

    # The consultant writes the learning plan; the three parties approve it.
    visit(consultant, f"{base}/plan/edit/", "journey-plan-edit")
    consultant.locator("textarea[name=learner_goals]").fill("Ik wil zelfstandig de facilitaire ronde doen.")
    consultant.locator("input[name=work_processes]").first.check()
    consultant.locator("input[name=hours_per_week]").fill("16")
    _submit(consultant)
    pages: dict[str, Page] = {"consultant@demo.nl": consultant}
    for email in ("consultant@demo.nl", "school@demo.nl", "trainer@demo.nl"):
        page = pages.get(email)
        if page is None:
            page = pages[email] = new_context(browser, site).new_page()
            log_in(page, email)
        visit(page, f"{base}/plan/", f"journey-plan-{email.split('@')[0]}")
        with page.expect_navigation():
            page.locator(f'main form[action="{base}/plan/1/approve/"] button').click()
        check_a11y(page)

    # Placed, and learning at work.
    visit(consultant, f"{base}/", "journey-before-placement")
    _press(consultant, "geplaatst")
    _press(consultant, "in_uitvoering")

    # The trainer logs last week's hours, approves them and assesses the first work process.
    trainer = pages["trainer@demo.nl"]
    visit(trainer, f"{base}/hours/log/", "journey-hours")
    today = datetime.date.today()
    trainer.locator("input[name=week_start]").fill((today - datetime.timedelta(days=today.weekday() + 7)).isoformat())
    trainer.locator("input[name=hours]").fill("16")
    _submit(trainer)
    with trainer.expect_navigation():
        trainer.locator("main table form button").click()
    check_a11y(trainer)
    visit(trainer, f"{base}/assessments/", "journey-assessments")
    with trainer.expect_navigation():
        trainer.locator('main a[href*="/assessments/work-process/"]').first.click()
    check_a11y(trainer)
    trainer.locator("input[name=level][value=mastered]").check()
    trainer.locator("textarea[name=evidence_note]").fill("Drie weken de ronde zelfstandig gedaan.")
    _submit(trainer)

    # The school confirms it and starts the assessment.
    school = pages["school@demo.nl"]
    visit(school, f"{base}/assessments/", "journey-confirm")
    with school.expect_navigation():
        school.locator('main form[action$="/confirm/"] button').click()
    check_a11y(school)
    visit(school, f"{base}/", "journey-school-trajectory")
    _press(school, "beoordeling")
    screenshot(school, "journey-assessment")

    trajectory = Trajectory.objects.get(pk=int(base.rsplit("/", 1)[-1]))
    assert trajectory.status == Status.ASSESSMENT
    assert [e.to_status for e in trajectory.events.order_by("at", "id")] == [
        "aangemeld",
        "intake",
        "zoeken",
        "geplaatst",
        "in_uitvoering",
        "beoordeling",
    ]
    for page in pages.values():
        page.context.close()
    coordinator.context.close()

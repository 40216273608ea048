"""The work along a trajectory in a real browser: the three parties agree the learning plan,
each in their own browser, then the trainer logs hours and assesses a work process and the
school confirms it. axe-core checks every page on the way."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from .conftest import new_context
from .helpers import check_a11y, log_in, screenshot, visit

pytestmark = pytest.mark.browser


@dataclass(frozen=True)
class Placed:
    trajectory_id: int
    work_process_id: int


@pytest.fixture
def trajectory(site: str, settings: Any, tmp_path: Path) -> Placed:
    """Noor at ESKA for crebo 25499 with school Noorderpoort, referred by the municipality of
    Groningen, looking for a workplace; the consultant wrote the first version of the plan."""
    settings.WERKPLAATS_PRIVATE_DIR = tmp_path / "private"  # evidence files stay out of the repository
    from django.utils import timezone

    from werkplaats.accounts.models import User
    from werkplaats.demo.recognitions import load_recognitions
    from werkplaats.organisations.models import Membership, MembershipRole, Organisation, Role
    from werkplaats.qualifications.models import Qualification
    from werkplaats.trajectories import services
    from werkplaats.trajectories.models import IntendedOutcome, Route, Status, TargetGroup

    load_recognitions()
    consultant = User.objects.get(email="consultant@demo.nl")
    school_user = User.objects.get(email="school@demo.nl")
    trainer = User.objects.get(email="trainer@demo.nl")
    eska = Organisation.objects.get(slug="eska")
    # In the demo Kees trains at Hilvers Bakkerij; here he also trains at ESKA.
    membership, _created = Membership.objects.get_or_create(user=trainer, organisation=eska)
    MembershipRole.objects.get_or_create(membership=membership, role=Role.WORKPLACE_TRAINER)

    learner = services.register_learner(
        Organisation.objects.get(slug="gemeente-groningen"),
        by=consultant,
        first_name="Noor",
        last_name="Jansen",
        date_of_birth=datetime.date(1990, 5, 1),
        target_group=TargetGroup.PARTICIPATIEWET,
    )
    qualification = Qualification.objects.current().get(crebo="25499")
    today = timezone.localdate()
    trajectory = services.create_trajectory(
        learner,
        by=consultant,
        route=Route.PRAKTIJKLEREN,
        intended_outcome=IntendedOutcome.PRACTICE_CERTIFICATE,
        qualification=qualification,
        school=Organisation.objects.get(slug="noorderpoort"),
        employer=eska,
        workplace_trainer=trainer,
        school_coach=school_user,
        consultant=consultant,
        planned_start=today - datetime.timedelta(days=14),
        planned_end=today + datetime.timedelta(weeks=20),
    )
    trajectory = services.transition(trajectory, Status.INTAKE, by=consultant)
    trajectory = services.transition(trajectory, Status.SEARCHING, by=consultant)
    work_process = qualification.work_processes().order_by("core_task__part", "core_task__position", "position")[0]
    services.propose_plan(
        trajectory,
        by=consultant,
        based_on=None,
        learner_goals="Ik wil zelfstandig leren werken in de facilitaire dienst.",
        school_goals="Praktijkverklaring voor de eerste kerntaak.",
        work_processes=[work_process],
        hours_per_week=16,
        start_date=today - datetime.timedelta(days=14),
        end_date=today + datetime.timedelta(weeks=20),
    )
    return Placed(trajectory_id=trajectory.pk, work_process_id=work_process.pk)


def _submit(page: Page) -> None:
    with page.expect_navigation():
        page.locator("main form button[type=submit]").first.click()
    check_a11y(page)


def test_three_parties_agree_the_plan_then_hours_and_an_assessment_are_recorded(
    browser: Browser, site: str, trajectory: Placed
) -> None:
    from werkplaats.accounts.models import User
    from werkplaats.trajectories import services
    from werkplaats.trajectories.models import LearningPlanVersion, Level, PracticeHours, Status, Trajectory

    base = f"/trajectories/{trajectory.trajectory_id}"

    # The trainer adds the workplace's goals: version 2, which the diff shows.
    trainer_context = new_context(browser, site)
    trainer_page = trainer_context.new_page()
    log_in(trainer_page, "trainer@demo.nl")
    visit(trainer_page, f"{base}/plan/", "work-plan-v1")
    visit(trainer_page, f"{base}/plan/edit/", "work-plan-edit")
    trainer_page.locator("textarea[name=workplace_goals]").fill("Noor doet na drie maanden de ochtendronde alleen.")
    _submit(trainer_page)
    expect(trainer_page).to_have_url(re.compile(r"/plan/$"))
    visit(trainer_page, f"{base}/plan/2/", "work-plan-diff")
    expect(trainer_page.locator("main table").first).to_contain_text("ochtendronde")

    # Each party approves version 2 in their own browser.
    for email in ("consultant@demo.nl", "school@demo.nl", "trainer@demo.nl"):
        if email == "trainer@demo.nl":
            context, page = trainer_context, trainer_page
        else:
            context = new_context(browser, site)
            page = context.new_page()
            log_in(page, email)
        visit(page, f"{base}/plan/", f"work-plan-before-{email.split('@')[0]}")
        with page.expect_navigation():
            page.locator(f'main form[action="{base}/plan/2/approve/"] button').click()
        check_a11y(page)
        if context is not trainer_context:
            context.close()

    version = LearningPlanVersion.objects.get(trajectory_id=trajectory.trajectory_id, number=2)
    assert version.is_agreed
    assert {a.party: a.on_behalf_of_learner for a in version.approvals.all()} == {
        "learner": True,
        "workplace": False,
        "school": False,
    }
    visit(trainer_page, f"{base}/plan/", "work-plan-agreed")

    # Placed and at work (the trajectory pages do this; here through the services).
    consultant = User.objects.get(email="consultant@demo.nl")
    placed = services.transition(Trajectory.objects.get(pk=trajectory.trajectory_id), Status.PLACED, by=consultant)
    services.transition(placed, Status.IN_PROGRESS, by=consultant)

    # The trainer logs last week's hours and approves them.
    visit(trainer_page, f"{base}/hours/log/", "work-hours-log")
    today = datetime.date.today()
    last_monday = today - datetime.timedelta(days=today.weekday() + 7)
    trainer_page.locator("input[name=week_start]").fill(last_monday.isoformat())
    trainer_page.locator("input[name=hours]").fill("16")
    _submit(trainer_page)
    expect(trainer_page).to_have_url(re.compile(r"/hours/$"))
    with trainer_page.expect_navigation():
        trainer_page.locator("main table form button").click()
    check_a11y(trainer_page)
    screenshot(trainer_page, "work-hours")
    assert PracticeHours.objects.get(trajectory_id=trajectory.trajectory_id).approved_at is not None

    # ... and assesses the work process as mastered, with a photo as evidence.
    visit(trainer_page, f"{base}/assessments/work-process/{trajectory.work_process_id}/", "work-assessment-form")
    trainer_page.locator("input[name=level][value=mastered]").check()
    trainer_page.locator("textarea[name=evidence_note]").fill("Drie weken zelfstandig de ronde gedaan.")
    trainer_page.locator("input[name=file]").set_input_files(
        {"name": "ronde.png", "mimeType": "image/png", "buffer": b"\x89PNG\r\n\x1a\n" + b"\x00" * 64}
    )
    _submit(trainer_page)
    expect(trainer_page).to_have_url(re.compile(r"/assessments/$"))
    trainer_context.close()

    # The school confirms it.
    school_context = new_context(browser, site)
    school_page = school_context.new_page()
    log_in(school_page, "school@demo.nl")
    visit(school_page, f"{base}/assessments/", "work-assessments-before-confirm")
    expect(school_page.locator("main")).to_contain_text("ronde.png")
    with school_page.expect_navigation():
        school_page.locator('main form[action$="/confirm/"] button').click()
    check_a11y(school_page)
    screenshot(school_page, "work-assessments")
    for path, name in (
        (f"{base}/reviews/", "work-reviews"),
        (f"{base}/log/", "work-log"),
        (f"{base}/", "work-trajectory-sections"),
    ):
        visit(school_page, path, name)
    school_context.close()

    assessment = Trajectory.objects.get(pk=trajectory.trajectory_id).assessments.get()
    assert assessment.level == Level.MASTERED
    assert assessment.confirmed_at is not None
    assert assessment.files.count() == 1

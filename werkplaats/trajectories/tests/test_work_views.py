"""Progress reviews, practice hours, work-process assessments with evidence files, and the log,
through their pages: what is saved, the field errors for bad input, and query counts that do
not grow with the rows."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from werkplaats.accounts.models import User
from werkplaats.qualifications.tests.factories import QualificationFactory
from werkplaats.trajectories import services, work
from werkplaats.trajectories.files import MAX_BYTES
from werkplaats.trajectories.models import EvidenceFile, Level, PracticeHours, Trajectory, WorkProcessAssessment

from . import work_world
from .work_world import WorkWorld


@pytest.fixture
def world(db: None, settings: Any, tmp_path: Path) -> WorkWorld:
    settings.WERKPLAATS_PRIVATE_DIR = tmp_path / "private"
    return work_world.build()


def _client(user: User) -> Client:
    User.objects.filter(pk=user.pk).update(language="en")  # read the pages in the source language
    client = Client()
    client.force_login(user)
    return client


def _url(world: WorkWorld, name: str, *args: int) -> str:
    return reverse(f"trajectories:{name}", args=[world.trajectory.pk, *args])


def _monday(weeks_ago: int = 1) -> datetime.date:
    today = timezone.localdate()
    return today - datetime.timedelta(days=today.weekday(), weeks=weeks_ago)


def _queries(client: Client, url: str) -> int:
    client.get(url)  # warm the session and access caches
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


# --- Progress reviews ---------------------------------------------------------------------


def test_a_review_without_a_next_date_is_next_due_one_interval_later(world: WorkWorld) -> None:
    held = timezone.localdate() - datetime.timedelta(days=2)

    response = _client(world.school_staff).post(
        _url(world, "review-add"),
        {"held_on": held.isoformat(), "attendees": "Noor, Kees, Petra", "progress": "Goed op weg", "agreements": ""},
    )

    assert response.status_code == 302
    review = world.trajectory.reviews.get()
    assert review.next_review_on == held + datetime.timedelta(weeks=world.trajectory.review_interval_weeks)
    page = _client(world.trainer).get(_url(world, "reviews")).content.decode()
    assert "Goed op weg" in page
    assert "Overdue" not in page
    assert "every 6 weeks" in page


def test_an_overdue_review_is_clearly_marked(world: WorkWorld) -> None:
    services.record_review(
        world.trajectory,
        by=world.consultant,
        held_on=timezone.localdate() - datetime.timedelta(weeks=8),
        attendees="Noor",
    )

    page = _client(world.consultant).get(_url(world, "reviews")).content.decode()

    assert "Overdue" in page
    assert "14 days ago" in page


def test_a_review_in_the_future_or_without_attendees_gets_field_errors(world: WorkWorld) -> None:
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)

    response = _client(world.trainer).post(_url(world, "review-add"), {"held_on": tomorrow.isoformat()})

    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"held_on", "attendees"}
    assert not world.trajectory.reviews.exists()


def test_a_next_review_before_the_review_is_a_field_error(world: WorkWorld) -> None:
    today = timezone.localdate()

    response = _client(world.trainer).post(
        _url(world, "review-add"),
        {
            "held_on": today.isoformat(),
            "attendees": "Noor",
            "next_review_on": (today - datetime.timedelta(1)).isoformat(),
        },
    )

    assert response.status_code == 200
    assert "next_review_on" in response.context["form"].errors


# --- Practice hours -----------------------------------------------------------------------


def test_the_learner_logs_hours_and_the_trainer_approves_them(world: WorkWorld) -> None:
    services.propose_plan(world.trajectory, by=world.consultant, based_on=None, hours_per_week=Decimal(16))
    week = _monday()

    logged = _client(world.learner_user).post(
        _url(world, "hours-log"), {"week_start": week.isoformat(), "hours": "15.5"}
    )
    assert logged.status_code == 302
    entry = PracticeHours.objects.get(trajectory=world.trajectory)
    assert entry.hours == Decimal("15.5") and entry.approved_at is None

    assert _client(world.trainer).post(_url(world, "hours-approve", entry.pk)).status_code == 302
    entry.refresh_from_db()
    assert entry.approved_by == world.trainer

    page = _client(world.consultant).get(_url(world, "hours"))
    overview = page.context["overview"]
    assert overview.logged == overview.approved == Decimal("15.5")
    assert overview.hours_per_week == Decimal(16)
    assert overview.weeks_so_far == 9  # started 8 weeks ago: that week up to this one
    assert overview.agreed_so_far == Decimal(144)
    assert "15.5" in page.content.decode()


@pytest.mark.parametrize(
    ("week_start", "hours", "field", "message"),
    [
        (lambda: _monday() + datetime.timedelta(days=1), "8", "week_start", "Choose the Monday of the week."),
        (lambda: _monday(weeks_ago=-1), "8", "week_start", "Hours cannot be logged for a week in the future."),
        (lambda: _monday(), "81", "hours", "Ensure this value is less than or equal to 80."),
        (lambda: _monday(), "-1", "hours", "Ensure this value is greater than or equal to 0."),
        (lambda: _monday(), "veel", "hours", "Enter a number."),
    ],
    ids=["tuesday", "future-week", "too-many", "negative", "not-a-number"],
)
def test_bad_hours_get_a_field_error(
    world: WorkWorld, week_start: Callable[[], datetime.date], hours: str, field: str, message: str
) -> None:
    response = _client(world.trainer).post(
        _url(world, "hours-log"), {"week_start": week_start().isoformat(), "hours": hours}
    )

    assert response.status_code == 200
    assert message in response.context["form"].errors[field]
    assert not PracticeHours.objects.exists()


def test_approved_hours_cannot_be_logged_again(world: WorkWorld) -> None:
    entry = services.log_hours(world.trajectory, by=world.trainer, week_start=_monday(), hours=Decimal(8))
    services.approve_hours(entry, by=world.trainer)

    response = _client(world.learner_user).post(
        _url(world, "hours-log"), {"week_start": _monday().isoformat(), "hours": "30"}
    )

    assert response.status_code == 200
    assert "approved already" in str(response.context["form"].non_field_errors())
    entry.refresh_from_db()
    assert entry.hours == Decimal(8)


def test_the_hours_page_query_count_does_not_grow_with_weeks(world: WorkWorld) -> None:
    client = _client(world.consultant)
    services.propose_plan(world.trajectory, by=world.consultant, based_on=None, hours_per_week=Decimal(16))

    def grow(weeks: range) -> int:
        for n in weeks:
            entry = services.log_hours(world.trajectory, by=world.trainer, week_start=_monday(n), hours=Decimal(8))
            services.approve_hours(entry, by=world.trainer)
        return _queries(client, _url(world, "hours"))

    assert grow(range(1, 3)) == grow(range(3, 9))


def test_the_trajectory_page_query_count_does_not_grow_with_weeks_of_hours(world: WorkWorld) -> None:
    client = _client(world.consultant)
    services.propose_plan(world.trajectory, by=world.consultant, based_on=None, hours_per_week=Decimal(16))
    page = reverse("trajectories:detail", args=[world.trajectory.pk])

    def grow(weeks: range) -> int:
        for n in weeks:
            entry = services.log_hours(world.trajectory, by=world.trainer, week_start=_monday(n), hours=Decimal(8))
            services.approve_hours(entry, by=world.trainer)
        return _queries(client, page)

    assert grow(range(1, 3)) == grow(range(3, 9))


# --- Work-process assessments -------------------------------------------------------------


def _work_process_pk(world: WorkWorld, code: str) -> int:
    return world.work_processes().get(code=code).pk


def test_the_trainer_assesses_with_an_evidence_file_and_the_school_confirms(world: WorkWorld) -> None:
    wp = _work_process_pk(world, "P1-K1-W1")

    response = _client(world.trainer).post(
        _url(world, "assessment-edit", wp),
        {
            "level": Level.MASTERED,
            "assessed_on": timezone.localdate().isoformat(),
            "evidence_note": "Zelfstandig geëvalueerd",
            "file": work_world.upload("foto.jpg", b"\xff\xd8\xff\xe0" + b"0" * 100, "image/jpeg"),
        },
    )

    assert response.status_code == 302
    assessment = WorkProcessAssessment.objects.get(trajectory=world.trajectory)
    evidence = assessment.files.get()
    assert evidence.content_type == "image/jpeg" and evidence.original_name == "foto.jpg"
    assert Path(evidence.file.path).is_relative_to(Path(settings.WERKPLAATS_PRIVATE_DIR))

    assert _client(world.school_staff).post(_url(world, "assessment-confirm", assessment.pk)).status_code == 302
    assessment.refresh_from_db()
    assert assessment.confirmed_by == world.school_staff

    page = _client(world.learner_user).get(_url(world, "assessments")).content.decode()
    assert "Confirmed" in page and "foto.jpg" in page
    assert "1 of 3 mastered (1 confirmed by the school), 0 developing." in page


def test_a_qualification_without_work_processes_in_the_catalogue_says_so_instead_of_0_of_0(world: WorkWorld) -> None:
    Trajectory.objects.filter(pk=world.trajectory.pk).update(qualification=QualificationFactory())
    client = _client(world.consultant)
    catalogue = "The work processes of this qualification are not in the catalogue yet"

    for page in (_url(world, "assessments"), reverse("trajectories:detail", args=[world.trajectory.pk])):
        html = client.get(page).content.decode()
        assert catalogue in html
        assert "0 of 0 mastered" not in html and "has no qualification" not in html


def test_evidence_is_downloaded_as_an_attachment_with_its_real_type(world: WorkWorld) -> None:
    wp = world.work_processes().get(code="B1-K1-W1")
    assessment = services.assess_work_process(
        world.trajectory, wp, by=world.trainer, level=Level.DEVELOPING, on=timezone.localdate()
    )
    # The browser said text/html; the first bytes say PDF, and PDF is what is stored and served.
    evidence = services.add_evidence_file(
        assessment, by=world.trainer, upload=work_world.upload("verslag.pdf", work_world.PDF, "text/html")
    )

    response = _client(world.school_staff).get(_url(world, "evidence-download", evidence.pk))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="verslag.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert _client(world.outsider).get(_url(world, "evidence-download", evidence.pk)).status_code == 404
    assert _client(world.bystander).get(_url(world, "evidence-download", evidence.pk)).status_code == 200


@pytest.mark.parametrize(
    ("content", "content_type", "message"),
    [
        (b"GIF89a" + b"0" * 20, "image/gif", "Upload a PDF, PNG or JPEG file."),
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "image/png", "Upload a PDF, PNG or JPEG file."),
        (work_world.PDF + b"0" * MAX_BYTES, "application/pdf", "the limit is 10.0"),
    ],
    ids=["gif", "svg-posing-as-png", "too-large"],
)
def test_a_wrong_evidence_file_is_a_field_error_and_nothing_is_saved(
    world: WorkWorld, content: bytes, content_type: str, message: str
) -> None:
    response = _client(world.trainer).post(
        _url(world, "assessment-edit", _work_process_pk(world, "B1-K1-W1")),
        {
            "level": Level.MASTERED,
            "assessed_on": timezone.localdate().isoformat(),
            "file": work_world.upload("bewijs", content, content_type),
        },
    )

    assert response.status_code == 200
    assert any(message in error for error in response.context["form"].errors["file"])
    assert not WorkProcessAssessment.objects.exists()
    assert not EvidenceFile.objects.exists()


def test_an_assessment_in_the_future_or_without_a_level_gets_field_errors(world: WorkWorld) -> None:
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)

    response = _client(world.trainer).post(
        _url(world, "assessment-edit", _work_process_pk(world, "B1-K1-W1")),
        {"level": "perfect", "assessed_on": tomorrow.isoformat()},
    )

    assert response.status_code == 200
    assert "level" in response.context["form"].errors
    response = _client(world.trainer).post(
        _url(world, "assessment-edit", _work_process_pk(world, "B1-K1-W1")),
        {"level": Level.MASTERED, "assessed_on": tomorrow.isoformat()},
    )
    assert "assessed_on" in response.context["form"].errors
    assert not WorkProcessAssessment.objects.exists()


def test_a_work_process_of_another_qualification_is_a_404(world: WorkWorld) -> None:
    other = work_world.qualification(crebo="25487")
    foreign = other.work_processes().get(core_task__qualification=other)

    response = _client(world.trainer).get(_url(world, "assessment-edit", foreign.pk))

    assert response.status_code == 404


def test_a_developing_assessment_cannot_be_confirmed(world: WorkWorld) -> None:
    wp = world.work_processes().get(code="B1-K1-W1")
    assessment = services.assess_work_process(
        world.trajectory, wp, by=world.trainer, level=Level.DEVELOPING, on=timezone.localdate()
    )

    response = _client(world.school_staff).post(_url(world, "assessment-confirm", assessment.pk), follow=True)

    assert "Only a work process assessed as mastered can be confirmed." in response.content.decode()
    assessment.refresh_from_db()
    assert assessment.confirmed_at is None


def test_the_assessments_page_query_count_does_not_grow_with_work_processes(world: WorkWorld) -> None:
    client = _client(world.school_staff)
    today = timezone.localdate()

    def assess_all() -> int:
        for wp in world.work_processes():
            assessment = services.assess_work_process(
                world.trajectory, wp, by=world.trainer, level=Level.MASTERED, on=today
            )
            services.add_evidence_file(assessment, by=world.trainer, upload=work_world.upload())
        return _queries(client, _url(world, "assessments"))

    small = assess_all()
    from werkplaats.qualifications.models import WorkProcess

    core_task = world.qualification.profile_core_tasks.get()
    for n in range(6):
        WorkProcess.objects.create(core_task=core_task, code=f"P1-K1-W{n + 2}", title=f"Extra {n}", position=n + 2)
    assert assess_all() == small


# --- The log ------------------------------------------------------------------------------


def test_the_learner_writes_a_log_entry_linked_to_a_work_process(world: WorkWorld) -> None:
    wp = _work_process_pk(world, "B1-K1-W2")

    response = _client(world.learner_user).post(
        _url(world, "log-add"), {"text": "Vandaag zelf een spel begeleid.", "work_process": str(wp), "goal": "Plannen"}
    )

    assert response.status_code == 302
    entry = world.trajectory.log_entries.get()
    assert entry.author == world.learner_user and entry.work_process_id == wp and entry.goal == "Plannen"
    for user in (world.trainer, world.school_staff, world.consultant):
        assert "Vandaag zelf een spel begeleid." in _client(user).get(_url(world, "log")).content.decode()


def test_an_empty_log_entry_is_a_field_error(world: WorkWorld) -> None:
    response = _client(world.trainer).post(_url(world, "log-add"), {"text": "   "})

    assert response.status_code == 200
    assert "text" in response.context["form"].errors
    assert not world.trajectory.log_entries.exists()


def test_the_sections_for_the_trajectory_page_summarise_the_work(world: WorkWorld) -> None:
    from django.template import Context, Template

    plan = services.propose_plan(world.trajectory, by=world.consultant, based_on=None, hours_per_week=Decimal(16))
    services.approve_plan(plan, by=world.consultant)
    services.log_hours(world.trajectory, by=world.trainer, week_start=_monday(), hours=Decimal(12))
    services.add_log_entry(world.trajectory, by=world.learner_user, text="Eerste week")

    with CaptureQueriesContext(connection) as queries:
        html = Template('{% include "trajectories/work/_sections.html" %}').render(
            Context({"trajectory": world.trajectory, "work": work.sections(world.trajectory), "request": None})
        )

    assert "Eerste week" in html
    assert reverse("trajectories:plan", args=[world.trajectory.pk]) in html
    assert len(queries) <= 12


def test_a_review_due_later_is_neither_overdue_nor_due_today(world: WorkWorld) -> None:
    today = timezone.localdate()
    services.record_review(world.trajectory, by=world.consultant, held_on=today, attendees="Noor")

    page = _client(world.consultant).get(_url(world, "reviews")).content.decode()

    assert "Overdue" not in page and "Due today" not in page
    due = today + datetime.timedelta(weeks=6)
    assert f"The next progress review is due on {due.day} " in page


def test_weeks_without_hours_are_counted(world: WorkWorld) -> None:
    # Started 8 weeks ago: 9 weeks up to this one, of which 2 have hours.
    for weeks_ago in (1, 3):
        services.log_hours(world.trajectory, by=world.trainer, week_start=_monday(weeks_ago), hours=Decimal(8))

    overview = _client(world.consultant).get(_url(world, "hours")).context["overview"]

    assert overview.weeks_so_far == 9
    assert overview.weeks_without_hours == 7

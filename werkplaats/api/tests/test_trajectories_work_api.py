"""The work along a trajectory through the API: learning-plan versions, work-process assessments
and progress reviews — who may record them, the forms' and services' messages, and query counts
that do not grow with the rows."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from werkplaats.audit.models import Action, AuditLogEntry
from werkplaats.trajectories import services
from werkplaats.trajectories.models import Level, Party, PlanApproval, ProgressReview, Status, WorkProcessAssessment
from werkplaats.trajectories.tests.factories import agreed_plan, assessed, set_state
from werkplaats.trajectories.tests.work_world import WorkWorld

from .test_trajectories_api import (
    Tokens,
    api,
    count_queries,
    field_errors,
    messages,
    service_refusal,
    tokens,
    trajectory_url,
    world,
)

__all__ = ["tokens", "world"]  # the fixtures


def _days_ago(days: int) -> str:
    return (timezone.localdate() - datetime.timedelta(days=days)).isoformat()


# --- Learning-plan versions -------------------------------------------------------------------


def test_the_plan_versions_are_listed_newest_first_with_work_processes_and_approvals(
    world: WorkWorld, tokens: Tokens
) -> None:
    first = agreed_plan(world.trajectory, by=world.consultant)
    second = services.propose_plan(
        world.trajectory,
        by=world.consultant,
        based_on=first.number,
        work_processes=list(world.work_processes().order_by("-code")[:2]),
        learner_goals="Zelfstandig werken",
    )
    PlanApproval.objects.create(version=second, party=Party.SCHOOL, approved_by=world.school_staff)

    body = api(tokens.trainer).get(trajectory_url(world, "/learning-plan-versions")).json()

    assert [item["number"] for item in body["items"]] == [2, 1]
    newest = body["items"][0]
    assert newest["learner_goals"] == "Zelfstandig werken"
    assert [wp["code"] for wp in newest["work_processes"]] == ["B1-K1-W2", "P1-K1-W1"]
    assert [a["party"] for a in newest["approvals"]] == ["school"]
    assert newest["approvals"][0]["approved_by"]["email"] == world.school_staff.email
    assert newest["agreed_at"] is None
    assert body["items"][1]["agreed_at"] is not None
    assert body["items"][1]["has_signed_copy"] is False

    one = api(tokens.trainer).get(trajectory_url(world, "/learning-plan-versions/1"))
    assert one.status_code == 200
    assert one.json()["number"] == 1
    assert api(tokens.trainer).get(trajectory_url(world, "/learning-plan-versions/3")).status_code == 404


def test_the_plan_versions_of_another_trajectory_are_not_found_through_this_one(
    world: WorkWorld, tokens: Tokens
) -> None:
    agreed_plan(world.trajectory, by=world.consultant)
    other = services.create_trajectory(
        world.trajectory.learner, by=world.consultant, route="werkplekleren", intended_outcome="eigen_doelen"
    )

    assert api(tokens.consultant).get(f"/api/v1/trajectories/{other.pk}/learning-plan-versions/1").status_code == 404


# --- Work-process assessments -----------------------------------------------------------------


def test_the_trainer_assesses_a_work_process_and_changing_it_needs_the_school_again(
    world: WorkWorld, tokens: Tokens
) -> None:
    url = trajectory_url(world, "/work-process-assessments")
    body = {"work_process": "B1-K1-W1", "level": "mastered", "assessed_on": _days_ago(1), "evidence_note": "Goed"}

    created = api(tokens.trainer).post(url, body)

    assert created.status_code == 201, created.content
    assessment = WorkProcessAssessment.objects.get(trajectory=world.trajectory)
    assert (assessment.level, assessment.assessed_by, assessment.evidence_note) == ("mastered", world.trainer, "Goed")
    assert created.json()["work_process"]["code"] == "B1-K1-W1"
    assert AuditLogEntry.objects.filter(
        action=Action.CREATE, content_type__model="workprocessassessment", object_id=str(assessment.pk)
    ).exists()

    confirmed = api(tokens.school).post(f"{url}/{assessment.pk}/confirmation")
    assert confirmed.status_code == 200, confirmed.content
    assert confirmed.json()["confirmed_by"]["email"] == world.school_staff.email

    changed = api(tokens.trainer).post(url, {**body, "level": "developing"})
    assert changed.status_code == 200
    assert changed.json()["level"] == "developing"
    assert changed.json()["confirmed_at"] is None
    assert WorkProcessAssessment.objects.filter(trajectory=world.trajectory).count() == 1


def test_assessing_checks_the_form_and_names_the_fields(world: WorkWorld, tokens: Tokens) -> None:
    url = trajectory_url(world, "/work-process-assessments")
    client = api(tokens.trainer)

    unknown = client.post(url, {"work_process": "X9-K9-W9", "level": "mastered", "assessed_on": _days_ago(1)})
    assert field_errors(unknown) == {
        "work_process": ["This work process is not part of the trajectory's qualification."]
    }
    future = client.post(url, {"work_process": "B1-K1-W1", "level": "mastered", "assessed_on": _days_ago(-1)})
    assert field_errors(future) == {"assessed_on": ["The date cannot be in the future."]}
    wrong_level = client.post(url, {"work_process": "B1-K1-W1", "level": "expert", "assessed_on": _days_ago(1)})
    assert set(field_errors(wrong_level)) == {"level"}
    assert not WorkProcessAssessment.objects.exists()


def test_assessing_before_placement_is_refused_with_the_services_message(world: WorkWorld, tokens: Tokens) -> None:
    trajectory = set_state(world.trajectory, Status.SEARCHING)
    process = world.work_processes().get(code="B1-K1-W1")
    expected = service_refusal(
        lambda: services.assess_work_process(
            trajectory, process, by=world.trainer, level=Level.DEVELOPING, on=timezone.localdate()
        )
    )

    refused = api(tokens.trainer).post(
        trajectory_url(world, "/work-process-assessments"),
        {"work_process": "B1-K1-W1", "level": "developing", "assessed_on": _days_ago(0)},
    )

    assert refused.status_code == 409
    assert messages(refused) == expected == ["Work processes are assessed while the learner is placed."]
    assert not WorkProcessAssessment.objects.exists()


def test_only_the_workplace_assesses_and_only_the_school_confirms(world: WorkWorld, tokens: Tokens) -> None:
    url = trajectory_url(world, "/work-process-assessments")
    body = {"work_process": "B1-K1-W1", "level": "developing", "assessed_on": _days_ago(1)}

    for secret in (tokens.consultant, tokens.school, tokens.learner):
        assert api(secret).post(url, body).status_code == 403
    assessment = assessed(world.trajectory, world.work_processes().get(code="B1-K1-W1"), by=world.trainer)
    assert api(tokens.trainer).post(f"{url}/{assessment.pk}/confirmation").status_code == 403
    refused = api(tokens.school).post(f"{url}/{assessment.pk}/confirmation")
    assert refused.status_code == 409
    assert messages(refused) == ["Only a work process assessed as mastered can be confirmed."]
    assessment.refresh_from_db()
    assert assessment.confirmed_at is None


# --- Progress reviews -------------------------------------------------------------------------


def test_a_review_is_recorded_and_next_due_one_interval_later(world: WorkWorld, tokens: Tokens) -> None:
    held = timezone.localdate() - datetime.timedelta(days=2)

    response = api(tokens.school).post(
        trajectory_url(world, "/progress-reviews"),
        {"held_on": held.isoformat(), "attendees": "Noor, Kees, Petra", "progress": "Goed op weg"},
    )

    assert response.status_code == 201, response.content
    review = ProgressReview.objects.get(trajectory=world.trajectory)
    assert review.created_by == world.school_staff
    assert review.next_review_on == held + datetime.timedelta(weeks=world.trajectory.review_interval_weeks)
    assert response.json()["next_review_on"] == review.next_review_on.isoformat()
    listed = api(tokens.trainer).get(trajectory_url(world, "/progress-reviews")).json()
    assert [item["progress"] for item in listed["items"]] == ["Goed op weg"]


def test_a_review_checks_the_form_and_the_service_and_names_the_fields(world: WorkWorld, tokens: Tokens) -> None:
    url = trajectory_url(world, "/progress-reviews")
    client = api(tokens.consultant)

    future = client.post(url, {"held_on": _days_ago(-1), "attendees": "Noor"})
    assert field_errors(future) == {"held_on": ["Record a review once it has been held."]}
    empty = client.post(url, {"held_on": _days_ago(1), "attendees": ""})
    assert field_errors(empty) == {"attendees": ["This field is required."]}
    backwards = client.post(url, {"held_on": _days_ago(1), "attendees": "Noor", "next_review_on": _days_ago(3)})
    assert field_errors(backwards) == {"next_review_on": ["The next review comes after this one."]}
    assert not ProgressReview.objects.exists()


def test_the_learner_reads_the_reviews_but_does_not_record_them(world: WorkWorld, tokens: Tokens) -> None:
    assert api(tokens.learner).get(trajectory_url(world, "/progress-reviews")).status_code == 200
    response = api(tokens.learner).post(
        trajectory_url(world, "/progress-reviews"), {"held_on": _days_ago(1), "attendees": "Noor"}
    )

    assert response.status_code == 403
    assert not ProgressReview.objects.exists()


# --- Query counts -----------------------------------------------------------------------------


def _add_rows(world: WorkWorld, count: int) -> None:
    """``count`` more plan versions (with work processes and approvals), reviews and assessments."""
    trajectory = world.trajectory
    latest = trajectory.plan_versions.order_by("-number").first()
    processes = list(world.work_processes())
    for number in range(count):
        version = services.propose_plan(
            trajectory,
            by=world.consultant,
            based_on=latest.number if latest else None,
            work_processes=processes,
            learner_goals=f"Doel {number}",
        )
        PlanApproval.objects.create(version=version, party=Party.SCHOOL, approved_by=world.school_staff)
        latest = version
        ProgressReview.objects.create(
            trajectory=trajectory,
            held_on=timezone.localdate() - datetime.timedelta(days=number + 1),
            attendees="Noor",
            created_by=world.consultant,
        )
    done = set(trajectory.assessments.values_list("work_process_id", flat=True))
    for process in [p for p in processes if p.pk not in done][:count]:
        assessed(trajectory, process, by=world.trainer)


@pytest.mark.parametrize("tail", ["/learning-plan-versions", "/work-process-assessments", "/progress-reviews"])
def test_the_lists_take_the_same_number_of_queries_for_more_rows(world: WorkWorld, tokens: Tokens, tail: str) -> None:
    client = api(tokens.consultant)
    path = trajectory_url(world, tail)
    _add_rows(world, 1)
    few = count_queries(client, path)
    _add_rows(world, 2)
    many = count_queries(client, path)

    assert client.get(path).json()["count"] == 3
    assert many == few

"""How trajectories take part in the recognition register: a withdrawal warns the people of the
open trajectories that depend on it, and placed trajectories take places in the search."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from werkplaats.accounts.models import User
from werkplaats.notifications.models import Notification
from werkplaats.organisations.models import Organisation
from werkplaats.recognitions.models import Recognition
from werkplaats.recognitions.search import running_placements, search_learning_companies
from werkplaats.recognitions.services import withdraw_recognition
from werkplaats.trajectories.models import IntendedOutcome, Route, Status, Trajectory

from .factories import LearnerFactory, TrajectoryFactory, employer_in, set_state

pytestmark = pytest.mark.usefixtures("english")

LAST_DAY = datetime.date(2025, 6, 30)


def withdraw(recognition: Recognition, by: User) -> list[object]:
    return list(withdraw_recognition(recognition, end_date=LAST_DAY, reason="SBB trok de erkenning in", by=by))


def sibling(trajectory: Trajectory, **fields: object) -> Trajectory:
    """Another trajectory like ``trajectory`` (same employer, qualification and people)."""
    values: dict[str, Any] = {
        "learner": LearnerFactory.create(organisation=trajectory.learner.organisation),
        "qualification": trajectory.qualification,
        "employer": trajectory.employer,
        "school": trajectory.school,
        "consultant": trajectory.consultant,
        "workplace_trainer": trajectory.workplace_trainer,
        "school_coach": trajectory.school_coach,
        "status": Status.IN_PROGRESS,
    }
    values.update(fields)
    created: Trajectory = TrajectoryFactory.create(**values)
    return created


@pytest.mark.parametrize("status", [Status.SEARCHING, Status.PLACED, Status.IN_PROGRESS, Status.ASSESSMENT])
def test_withdrawing_a_recognition_notifies_consultant_trainer_and_coach_once(
    trajectory: Trajectory,
    recognition: Recognition,
    coordinator: User,
    consultant: User,
    trainer: User,
    coach: User,
    status: str,
) -> None:
    set_state(trajectory, status)

    dependents = withdraw(recognition, coordinator)
    withdraw(recognition, coordinator)  # saying it twice warns nobody twice

    assert len(dependents) == 1
    for person in (consultant, trainer, coach):
        notes = Notification.objects.filter(recipient=person)
        assert notes.count() == 1
        assert notes.get().url == trajectory.get_absolute_url()
        assert "Noor Jansen" in notes.get().message
    assert Notification.objects.count() == 3


def test_a_paused_trajectory_depends_on_the_recognition_too(
    trajectory: Trajectory, recognition: Recognition, coordinator: User
) -> None:
    set_state(trajectory, Status.PAUSED, paused_from=Status.IN_PROGRESS)

    assert len(withdraw(recognition, coordinator)) == 1


@pytest.mark.parametrize("status", [Status.REFERRED, Status.INTAKE, Status.COMPLETED, Status.STOPPED])
def test_trajectories_before_the_search_or_after_the_end_do_not_depend_on_it(
    trajectory: Trajectory, recognition: Recognition, coordinator: User, status: str
) -> None:
    set_state(trajectory, status)

    assert withdraw(recognition, coordinator) == []
    assert not Notification.objects.exists()


def test_trajectories_elsewhere_or_for_another_qualification_or_outside_mbo_do_not_depend_on_it(
    trajectory: Trajectory, recognition: Recognition, coordinator: User, employer: Organisation
) -> None:
    from .factories import qualification_with_work_processes

    Trajectory.objects.filter(pk=trajectory.pk).update(employer=employer_in(employer), status=Status.IN_PROGRESS)
    sibling(trajectory, employer=employer, qualification=qualification_with_work_processes("25498"))
    sibling(trajectory, employer=employer, route=Route.WORKPLACE_LEARNING, intended_outcome=IntendedOutcome.OWN_GOALS)

    assert withdraw(recognition, coordinator) == []


def test_each_dependent_trajectory_is_named_once(
    trajectory: Trajectory, recognition: Recognition, coordinator: User, trainer: User
) -> None:
    set_state(trajectory, Status.IN_PROGRESS)
    sibling(trajectory)

    assert len(withdraw(recognition, coordinator)) == 2
    assert Notification.objects.filter(recipient=trainer).count() == 2


@pytest.mark.parametrize(
    ("status", "taken"),
    [
        (Status.SEARCHING, 0),
        (Status.PLACED, 1),
        (Status.IN_PROGRESS, 1),
        (Status.ASSESSMENT, 1),
        (Status.PAUSED, 0),
        (Status.COMPLETED, 0),
        (Status.STOPPED, 0),
    ],
)
def test_placed_learning_and_assessed_trajectories_take_a_place(
    trajectory: Trajectory, employer: Organisation, status: str, taken: int
) -> None:
    set_state(trajectory, status, paused_from=Status.IN_PROGRESS)

    counted = running_placements([employer.pk], ["25499"], datetime.date(2025, 4, 1))

    assert counted.get((employer.pk, "25499"), 0) == taken


def test_the_search_shows_the_places_taken_and_free(
    trajectory: Trajectory, recognition: Recognition, employer: Organisation
) -> None:
    set_state(trajectory, Status.IN_PROGRESS)
    sibling(trajectory, status=Status.PLACED)
    sibling(trajectory, status=Status.SEARCHING)
    Recognition.objects.filter(pk=recognition.pk).update(places_offered=3)

    result = search_learning_companies(["25499"], day=datetime.date(2025, 4, 1))

    row = next(company for company in result if company.employer_id == employer.pk)
    assert (row.places_offered, row.places_taken, row.free_places) == (3, 2, 1)

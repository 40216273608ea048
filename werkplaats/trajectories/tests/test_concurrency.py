"""Two people acting on the same trajectory at the same moment, each on a connection of their
own (threads), on PostgreSQL: the row lock serialises them and the version check turns the
later one into a clear conflict instead of a lost update."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.db import connection

from werkplaats.accounts.models import User
from werkplaats.core.tests.threads import run_together
from werkplaats.trajectories import services
from werkplaats.trajectories.models import Status, Trajectory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("english"),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: SQLite has no row locks and serialises all writers on one file lock",
    ),
]


@pytest.fixture
def slow_guards(monkeypatch: pytest.MonkeyPatch) -> None:
    """Hold the lock a little longer, so that the others are certainly waiting for it (and would
    all pass the version check, were there no lock)."""
    original = services.guard_problems

    def slow(*args: Any, **kwargs: Any) -> list[str]:
        time.sleep(0.2)
        return original(*args, **kwargs)

    monkeypatch.setattr(services, "guard_problems", slow)


@pytest.mark.usefixtures("slow_guards")
def test_of_two_simultaneous_transitions_with_the_same_version_exactly_one_succeeds(
    trajectory: Trajectory, consultant: User, coordinator: User
) -> None:
    seen = trajectory.version
    people = [consultant.pk, coordinator.pk]

    def move(index: int) -> Trajectory:
        by = User.objects.get(pk=people[index])
        return services.transition(Trajectory(pk=trajectory.pk), Status.INTAKE, by=by, expected_version=seen)

    results = run_together(2, move)

    succeeded = [r for r in results if isinstance(r, Trajectory)]
    conflicts = [r for r in results if isinstance(r, services.Conflict)]
    assert (len(succeeded), len(conflicts)) == (1, 1), results
    assert conflicts[0].messages == [
        "Someone else changed this trajectory a moment ago (it is now: intake). Look again and retry."
    ]
    trajectory.refresh_from_db()
    assert (trajectory.status, trajectory.version) == (Status.INTAKE, seen + 1)
    assert trajectory.events.filter(to_status=Status.INTAKE).count() == 1


@pytest.mark.usefixtures("slow_guards")
def test_of_fifty_simultaneous_transitions_one_succeeds_and_the_others_conflict(
    trajectory: Trajectory, consultant: User
) -> None:
    seen = trajectory.version
    events = trajectory.events.count()

    def move(index: int) -> Trajectory:
        by = User.objects.get(pk=consultant.pk)
        to = Status.INTAKE if index % 2 else Status.PAUSED
        return services.transition(
            Trajectory(pk=trajectory.pk), to, by=by, expected_version=seen, reason=f"poging {index}"
        )

    results = run_together(50, move)

    assert sum(isinstance(r, Trajectory) for r in results) == 1, results
    assert sum(isinstance(r, services.Conflict) for r in results) == 49, results
    trajectory.refresh_from_db()
    assert trajectory.version == seen + 1
    assert trajectory.events.count() == events + 1


def test_two_parties_saving_the_plan_from_the_same_version_do_not_overwrite_each_other(
    trajectory: Trajectory, consultant: User, coach: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = services.propose_plan(trajectory, by=consultant, based_on=None, learner_goals="Begin")
    original = services.is_party

    def slow(*args: Any) -> bool:
        time.sleep(0.2)
        return original(*args)

    monkeypatch.setattr(services, "is_party", slow)
    people = [consultant.pk, coach.pk]

    def save(index: int) -> Any:
        by = User.objects.get(pk=people[index])
        return services.propose_plan(
            Trajectory(pk=trajectory.pk), by=by, based_on=first.number, school_goals=f"Doel van partij {index}"
        )

    results = run_together(2, save)

    conflicts = [r for r in results if isinstance(r, services.Conflict)]
    saved = [r for r in results if not isinstance(r, Exception)]
    assert (len(saved), len(conflicts)) == (1, 1), results
    assert conflicts[0].messages == [
        "Someone saved version 2 of the learning plan while you were editing. Look at it and make your change again."
    ]
    versions = list(trajectory.plan_versions.order_by("number").values_list("number", "school_goals"))
    assert versions == [(1, ""), (2, saved[0].school_goals)]


def test_a_plan_saved_on_an_old_version_is_a_conflict(trajectory: Trajectory, consultant: User, coach: User) -> None:
    services.propose_plan(trajectory, by=consultant, based_on=None, learner_goals="Begin")
    services.propose_plan(trajectory, by=coach, based_on=1, school_goals="School")

    with pytest.raises(services.Conflict):
        services.propose_plan(trajectory, by=consultant, based_on=1, learner_goals="Ander begin")
    assert trajectory.plan_versions.count() == 2

"""Two people acting on the same trajectory at the same moment, each on a connection of their
own (threads), on PostgreSQL: the row lock serialises them and the version check turns the
later one into a clear conflict instead of a lost update."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.utils import translation

from werkplaats.accounts.models import User
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


def run_together(count: int, work: Callable[[int], Any]) -> list[Any]:
    """Run ``work(i)`` in ``count`` threads that start at the same moment; return what each
    returned or raised."""
    barrier = threading.Barrier(count, timeout=30)
    results: list[Any] = [None] * count

    def attempt(index: int) -> None:
        try:
            barrier.wait()
            with translation.override("en"):  # the language is per thread
                results[index] = work(index)
        except Exception as exc:  # the result is the exception
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    return results


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

"""Many people acting on one record at the same moment, on PostgreSQL (SQLite serialises every
write, so it cannot show a race): each thread has its own database connection, and all of them
start together at a barrier.

- 50 transitions on one trajectory, all made from the same version the users saw: exactly one
  goes through, the 49 others get the conflict message, and the event log holds that one
  change (README, trajectories: "two people acting at once get a clear conflict instead of a
  lost update").
- 50 transitions without a version (the API without ``expected_version``): the row lock makes
  them wait for each other, so each one sees the state the previous one left, never a lost
  update: the events form one unbroken chain and the version counts them.
- 20 issues of one trajectory's praktijkverklaring: exactly one certificate; 20 issues for 20
  trajectories: 20 certificates with 20 different, consecutive numbers.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from test_url_access import World, _trajectory
from test_url_access import world as world  # the fixture, found by its name

from werkplaats.certificates import services as certificate_services
from werkplaats.certificates.models import Certificate
from werkplaats.certificates.tests.world import another_ready_trajectory, build
from werkplaats.trajectories import services
from werkplaats.trajectories.models import Status, Trajectory, TrajectoryEvent

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="races need PostgreSQL's row locks; SQLite serialises all writes (DATABASE_URL=postgres://…)",
    ),
    pytest.mark.django_db(transaction=True),
]


def _together(count: int, action: Callable[[int], Any]) -> list[Any]:
    """Run ``action(i)`` in ``count`` threads that start at the same moment; returns what each
    returned or raised."""
    barrier = threading.Barrier(count)
    outcomes: list[Any] = [None] * count

    def run(i: int) -> None:
        try:
            barrier.wait(timeout=30)
            outcomes[i] = action(i)
        except Exception as exc:
            outcomes[i] = exc
        finally:
            connection.close()  # this thread's own connection

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not any(thread.is_alive() for thread in threads), "a thread hung"
    return outcomes


def _conflict(exc: BaseException) -> bool:
    """The conflict of ``_locked``: someone else changed the trajectory since the user saw it."""
    return isinstance(exc, services.Conflict) and exc.error_list[0].code == "conflict"


def test_fifty_transitions_from_one_version_give_one_change_and_49_conflicts(world: World) -> None:
    trajectory = _trajectory(world)
    seen = trajectory.version
    targets = [Status.INTAKE, Status.PAUSED]

    def act(i: int) -> Trajectory:
        fresh = Trajectory.objects.get(pk=trajectory.pk)
        return services.transition(
            fresh, targets[i % 2], by=world.consultant, reason=f"Gebruiker {i}", expected_version=seen
        )

    outcomes = _together(50, act)

    done = [o for o in outcomes if isinstance(o, Trajectory)]
    refused = [o for o in outcomes if not isinstance(o, Trajectory)]
    assert len(done) == 1, Counter(type(o).__name__ for o in outcomes)
    assert len(refused) == 49 and all(_conflict(o) for o in refused), {repr(o) for o in refused}
    trajectory.refresh_from_db()
    assert trajectory.version == seen + 1
    assert trajectory.status == done[0].status
    changes = list(TrajectoryEvent.objects.filter(trajectory=trajectory).exclude(from_status="").order_by("at", "pk"))
    assert [(e.from_status, e.to_status) for e in changes] == [(Status.REFERRED, trajectory.status)]


def test_fifty_transitions_without_a_version_wait_for_each_other(world: World) -> None:
    trajectory = _trajectory(world)
    seen = trajectory.version
    # Back and forth between referred and paused: whatever a thread finds, one of the two moves
    # is allowed, and the guard refuses the other (a repeat of the move just made).

    def act(i: int) -> Trajectory:
        fresh = Trajectory.objects.get(pk=trajectory.pk)
        return services.transition(
            fresh, Status.PAUSED if i % 2 else Status.REFERRED, by=world.consultant, reason=f"Gebruiker {i}"
        )

    outcomes = _together(50, act)

    done = [o for o in outcomes if isinstance(o, Trajectory)]
    refused = [o for o in outcomes if not isinstance(o, Trajectory)]
    assert all(isinstance(o, ValidationError) for o in refused), {repr(o) for o in refused}
    assert done
    trajectory.refresh_from_db()
    assert trajectory.version == seen + len(done)
    changes = list(TrajectoryEvent.objects.filter(trajectory=trajectory).exclude(from_status="").order_by("at", "pk"))
    assert len(changes) == len(done)
    # One unbroken chain: each change starts where the one before ended.
    state = Status.REFERRED
    for event in changes:
        assert event.from_status == state, [(e.from_status, e.to_status) for e in changes]
        state = event.to_status
    assert state == trajectory.status


def test_twenty_issues_of_one_trajectory_give_one_certificate() -> None:
    certificate_world = build()
    trajectory, staff = certificate_world.trajectory, certificate_world.school_staff

    outcomes = _together(20, lambda i: certificate_services.issue(Trajectory.objects.get(pk=trajectory.pk), by=staff))

    issued = [o for o in outcomes if isinstance(o, Certificate)]
    refused = [o for o in outcomes if not isinstance(o, Certificate)]
    assert len(issued) == 1
    assert all(isinstance(o, ValidationError) for o in refused), {repr(o) for o in refused}
    assert Certificate.objects.filter(trajectory=trajectory).count() == 1
    assert Trajectory.objects.get(pk=trajectory.pk).status == Status.COMPLETED
    assert TrajectoryEvent.objects.filter(trajectory=trajectory, to_status=Status.COMPLETED).count() == 1


def test_twenty_issues_at_once_get_twenty_different_numbers() -> None:
    certificate_world = build()
    trajectories = [certificate_world.trajectory] + [
        another_ready_trajectory(certificate_world, f"Leerling{i}") for i in range(19)
    ]
    staff = certificate_world.school_staff
    before = set(Certificate.objects.values_list("number", flat=True))

    outcomes = _together(
        20, lambda i: certificate_services.issue(Trajectory.objects.get(pk=trajectories[i].pk), by=staff)
    )

    assert all(isinstance(o, Certificate) for o in outcomes), {repr(o) for o in outcomes}
    new = Certificate.objects.exclude(number__in=before)
    numbers = sorted(new.values_list("sequence", flat=True))
    assert len(set(new.values_list("number", flat=True))) == 20
    assert numbers == list(range(numbers[0], numbers[0] + 20))

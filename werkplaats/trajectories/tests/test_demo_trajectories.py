"""The demo trajectories: every state, events over the past year, placements only at recognised
employers, and loading them twice adds nothing."""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

from werkplaats.accounts.models import User
from werkplaats.demo.trajectories import SPECS, load_trajectories
from werkplaats.recognitions.services import is_recognised
from werkplaats.trajectories import services
from werkplaats.trajectories.hooks import HOLDING_A_PLACE
from werkplaats.trajectories.models import (
    EventKind,
    IntendedOutcome,
    Learner,
    Status,
    Trajectory,
    TrajectoryEvent,
)

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture(scope="module")
def _loaded_once(django_db_setup: None, django_db_blocker: Any) -> Iterator[int]:
    """The demo region and its trajectories, loaded once for the module (loading takes seconds),
    in a transaction rolled back after its last test; each test runs in a savepoint inside it."""
    from werkplaats.demo.services import load_demo

    with django_db_blocker.unblock():
        block = transaction.atomic()
        block.__enter__()
        try:
            load_demo(trajectories=False)
            yield load_trajectories()
        finally:
            transaction.set_rollback(True)
            block.__exit__(None, None, None)


@pytest.fixture
def loaded(_loaded_once: int, db: None) -> int:
    return _loaded_once


def test_the_demo_has_about_forty_trajectories_in_every_state(loaded: int) -> None:
    counts = Counter(Trajectory.objects.values_list("status", flat=True))

    assert loaded == len(SPECS) == Trajectory.objects.count()
    assert 45 <= loaded <= 55
    assert set(counts) == set(Status.values)
    assert counts == {
        Status.REFERRED: 4,
        Status.INTAKE: 4,
        Status.SEARCHING: 5,
        Status.PLACED: 4,
        Status.IN_PROGRESS: 9,
        Status.ASSESSMENT: 4,
        Status.COMPLETED: 13,
        Status.PAUSED: 3,
        Status.STOPPED: 4,
    }


def test_loading_the_demo_trajectories_twice_adds_nothing(loaded: int) -> None:
    before = (Learner.objects.count(), Trajectory.objects.count(), TrajectoryEvent.objects.count())

    assert load_trajectories() == 0
    assert (Learner.objects.count(), Trajectory.objects.count(), TrajectoryEvent.objects.count()) == before


def test_every_placed_trajectory_is_at_an_employer_recognised_on_its_start_date(loaded: int) -> None:
    placed = Trajectory.objects.filter(status__in=[*HOLDING_A_PLACE, Status.COMPLETED, Status.PAUSED]).exclude(
        employer=None
    )

    assert placed.count() >= 20
    for trajectory in placed.select_related("employer", "qualification"):
        assert trajectory.planned_start is not None
        assert trajectory.workplace_trainer is not None
        plan = services.current_plan(trajectory)
        assert plan is not None and plan.is_agreed
        if trajectory.needs_recognition:
            assert trajectory.qualification is not None and trajectory.employer is not None
            assert is_recognised(trajectory.employer, trajectory.qualification, on=trajectory.planned_start), trajectory


def test_completed_praktijkverklaring_trajectories_have_a_valid_certificate(loaded: int) -> None:
    from werkplaats.certificates.models import Certificate, Milestone

    completed = Trajectory.objects.filter(status=Status.COMPLETED)
    with_certificate = completed.filter(intended_outcome=IntendedOutcome.PRACTICE_CERTIFICATE)

    assert completed.exclude(outcome_at_completion="").count() == completed.count()
    assert with_certificate.count() == 9
    for trajectory in with_certificate:
        assert trajectory.certificates.filter(revocation__isnull=True).count() == 1, trajectory
    # One was revoked for a mistake and issued again; nine valid ones, short of the first milestone.
    assert Certificate.objects.filter(revocation__isnull=False).count() == 1
    assert Certificate.objects.valid().count() == 9
    assert not Milestone.objects.exists()


def test_the_events_spread_over_the_past_year_and_follow_the_allowed_transitions(loaded: int) -> None:
    now = timezone.now()
    events = TrajectoryEvent.objects.all()

    assert events.filter(at__gt=now).count() == 0
    assert events.filter(at__lt=now - datetime.timedelta(days=366)).count() == 0
    assert events.filter(at__lt=now - datetime.timedelta(days=270)).exists()
    assert events.filter(at__gt=now - datetime.timedelta(days=14)).exists()
    for trajectory in Trajectory.objects.all():
        rows = list(trajectory.events.order_by("at", "id"))
        assert rows[0].kind == EventKind.CREATED
        assert rows[0].at == trajectory.created_at
        assert rows[-1].to_status == trajectory.status
        assert [r.from_status for r in rows[1:]] == [r.to_status for r in rows[:-1]]
        assert trajectory.status_changed_at == rows[-1].at


def test_lead_times_and_norms_come_out_varied(loaded: int) -> None:
    norms = Counter(services.timing(t).norm for t in Trajectory.objects.all())

    assert norms["on_track"] and norms["at_risk"] + norms["late"]


def test_the_demo_has_hours_assessments_and_some_overdue_reviews(loaded: int) -> None:
    today = timezone.localdate()
    learning = Trajectory.objects.filter(status__in=HOLDING_A_PLACE)

    assert Trajectory.objects.filter(hours__approved_at__isnull=False).distinct().count() >= 5
    assert Trajectory.objects.filter(assessments__confirmed_at__isnull=False).distinct().count() >= 4
    due = [services.next_review_due(t) for t in learning if t.reviews.exists()]
    assert any(d is not None and d < today for d in due)
    assert any(d is not None and d >= today for d in due)


def test_learner_demo_user_sees_their_own_trajectory(loaded: int) -> None:
    learner_user = User.objects.get(email="learner@demo.nl")

    mine = Trajectory.objects.visible_to(learner_user)

    assert mine.count() == 1
    assert mine.get().learner.full_name == "Sanne Mulder"
    assert mine.get().employer.slug == "hilvers-bakkerij"  # type: ignore[union-attr]


def test_trainer2_in_drenthe_does_not_see_a_trajectory_at_hilvers_bakkerij(loaded: int) -> None:
    at_hilvers = Trajectory.objects.filter(employer__slug="hilvers-bakkerij")
    trainer, trainer2 = User.objects.get(email="trainer@demo.nl"), User.objects.get(email="trainer2@demo.nl")

    assert at_hilvers.count() >= 3
    assert set(Trajectory.objects.visible_to(trainer)) == set(at_hilvers)
    assert not Trajectory.objects.visible_to(trainer2).filter(employer__slug="hilvers-bakkerij").exists()
    assert list(Trajectory.objects.visible_to(trainer2).values_list("employer__slug", flat=True)) == [
        "bakkerij-zuidenveld"
    ]


def test_the_drenthe_consultant_sees_only_the_drenthe_trajectory(loaded: int) -> None:
    consultant2 = User.objects.get(email="consultant2@demo.nl")
    consultant = User.objects.get(email="consultant@demo.nl")

    assert Trajectory.objects.visible_to(consultant2).count() == 1
    assert Trajectory.objects.visible_to(consultant).count() == len(SPECS) - 1


def test_demo_learners_are_fictional_adults_of_various_groups(loaded: int) -> None:
    learners = Learner.objects.all()

    assert all(
        datetime.date(1965, 1, 1) <= learner.date_of_birth <= datetime.date(2006, 12, 31) for learner in learners
    )
    assert len({learner.target_group for learner in learners}) >= 6
    assert len({learner.full_name for learner in learners}) == learners.count()

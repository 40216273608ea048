"""Every change of state in ALLOWED_TRANSITIONS succeeds and is recorded once; every other one is
refused with a message that names both states."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from werkplaats.accounts.models import User
from werkplaats.trajectories import services
from werkplaats.trajectories.models import (
    ALLOWED_TRANSITIONS,
    FINAL_STATES,
    EventKind,
    Status,
    StopReason,
    Trajectory,
    TrajectoryEvent,
)

from .factories import agreed_plan, assessed, set_state, work_process

pytestmark = pytest.mark.usefixtures("english")

AT = datetime.datetime(2025, 4, 1, 9, 30, tzinfo=datetime.UTC)

ALLOWED = sorted((frm, to) for frm, targets in ALLOWED_TRANSITIONS.items() for to in targets)
REFUSED = sorted(
    (frm, to) for frm in Status for to in Status if frm != Status.PAUSED and to not in ALLOWED_TRANSITIONS[frm]
)


def ready(trajectory: Trajectory, status: str, trainer: User, *, paused_from: str = "") -> Trajectory:
    """``trajectory`` in ``status``, with what every next state asks for already in place."""
    agreed_plan(trajectory)
    assessed(trajectory, work_process(trajectory), by=trainer)
    return set_state(trajectory, status, paused_from=paused_from)


def arguments(to: str) -> dict[str, Any]:
    if to == Status.STOPPED:
        return {"stop_reason": StopReason.FOUND_WORK, "reason": "Vast contract bij een ander bedrijf"}
    return {"reason": "Besproken met de deelnemer"}


@pytest.mark.parametrize(("frm", "to"), ALLOWED)
def test_an_allowed_transition_changes_the_state_and_writes_one_event(
    trajectory: Trajectory, consultant: User, trainer: User, frm: str, to: str
) -> None:
    paused_from = to if frm == Status.PAUSED and to != Status.STOPPED else Status.INTAKE
    trajectory = ready(trajectory, frm, trainer, paused_from=paused_from)
    before = set(trajectory.events.values_list("pk", flat=True))

    changed = services.transition(trajectory, to, by=consultant, at=AT, **arguments(to))

    assert changed.status == to
    assert changed.status_changed_at == AT
    new = trajectory.events.exclude(pk__in=before)
    assert new.count() == 1
    written = new.get()
    assert (written.kind, written.actor, written.from_status, written.to_status, written.at) == (
        EventKind.TRANSITION,
        consultant,
        frm,
        to,
        AT,
    )
    assert written.reason == arguments(to)["reason"]


@pytest.mark.parametrize(("frm", "to"), REFUSED)
def test_a_transition_outside_the_map_is_refused_and_names_both_states(
    trajectory: Trajectory, consultant: User, trainer: User, frm: str, to: str
) -> None:
    trajectory = ready(trajectory, frm, trainer)
    events = trajectory.events.count()

    with pytest.raises(ValidationError) as refused:
        services.transition(trajectory, to, by=consultant, **arguments(to))

    assert f"A trajectory cannot go from {Status(frm).label} to {Status(to).label}." in refused.value.messages
    trajectory.refresh_from_db()
    assert trajectory.status == frm
    assert trajectory.events.count() == events


@pytest.mark.parametrize("final", sorted(FINAL_STATES))
def test_a_completed_or_stopped_trajectory_cannot_change_any_more(
    trajectory: Trajectory, consultant: User, trainer: User, final: str
) -> None:
    trajectory = ready(trajectory, final, trainer)

    for to in Status:
        with pytest.raises(ValidationError):
            services.transition(trajectory, to, by=consultant, **arguments(to))
    with pytest.raises(ValidationError) as refused:
        services.update_trajectory(trajectory, by=consultant, expected_version=None, review_interval_weeks=4)
    assert refused.value.messages == ["A completed or stopped trajectory cannot be changed."]


def test_the_version_goes_up_by_one_with_every_transition(trajectory: Trajectory, consultant: User) -> None:
    version = trajectory.version

    trajectory = services.transition(trajectory, Status.INTAKE, by=consultant)
    trajectory = services.transition(trajectory, Status.SEARCHING, by=consultant)

    assert trajectory.version == version + 2


def test_registering_a_trajectory_writes_the_created_event_at_the_registration_time(
    trajectory: Trajectory, consultant: User
) -> None:
    event = trajectory.events.get()

    assert (event.kind, event.from_status, event.to_status, event.actor) == (
        EventKind.CREATED,
        "",
        Status.REFERRED,
        consultant,
    )
    assert event.at == trajectory.created_at


def test_a_backdated_registration_is_referred_since_then(
    learner: object, consultant: User, qualification: object
) -> None:
    registered = AT - datetime.timedelta(days=40)

    trajectory = services.create_trajectory(
        learner,  # type: ignore[arg-type]
        by=consultant,
        route="bbl",
        intended_outcome="diploma",
        qualification=qualification,
        created_at=registered,
    )

    assert trajectory.status_changed_at == registered == trajectory.events.get().at


def test_events_cannot_be_changed_after_they_are_written(trajectory: Trajectory) -> None:
    event = trajectory.events.get()
    event.reason = "rewritten"

    with pytest.raises(ValueError, match="append-only"):
        event.save()
    assert TrajectoryEvent.objects.get(pk=event.pk).reason == ""


def test_a_transition_without_a_time_is_recorded_now(trajectory: Trajectory, consultant: User) -> None:
    before = timezone.now()

    services.transition(trajectory, Status.INTAKE, by=consultant)

    assert before <= trajectory.events.latest("at").at <= timezone.now()

"""Lead time and time per state come from the events alone, with fixed event times."""

from __future__ import annotations

import datetime

import pytest

from werkplaats.accounts.models import User
from werkplaats.organisations.models import Organisation, Role
from werkplaats.organisations.tests.factories import member_of
from werkplaats.trajectories import leadtime, services
from werkplaats.trajectories.leadtime import AT_RISK_FROM, NORM_MAX, LeadTime, Step
from werkplaats.trajectories.models import EventKind, Status, StopReason, Trajectory

from .factories import RecognitionFactory, agreed_plan, employer_in, event

DAY = datetime.timedelta(days=1)
SECOND = datetime.timedelta(seconds=1)


def at(month: int, day: int) -> datetime.datetime:
    return datetime.datetime(2025, month, day, 9, 0, tzinfo=datetime.UTC)


NOW = at(4, 1)


@pytest.fixture
def paused_and_resumed(trajectory: Trajectory, consultant: User) -> Trajectory:
    """Referred 1 Jan; intake 11 Jan; searching 21 Jan; paused 1 Feb; resumed 3 Mar (30 days
    later); placed 13 Mar; learning at work from 20 Mar."""
    Trajectory.objects.filter(pk=trajectory.pk).update(created_at=at(1, 1))
    trajectory.events.update(at=at(1, 1))
    agreed_plan(trajectory)
    steps = [
        (Status.INTAKE, at(1, 11), ""),
        (Status.SEARCHING, at(1, 21), ""),
        (Status.PAUSED, at(2, 1), "Operatie en herstel"),
        (Status.SEARCHING, at(3, 3), ""),
        (Status.PLACED, at(3, 13), ""),
        (Status.IN_PROGRESS, at(3, 20), ""),
    ]
    for to, when, reason in steps:
        trajectory = services.transition(trajectory, to, by=consultant, at=when, reason=reason)
    return trajectory


def test_a_paused_and_resumed_trajectory_has_the_right_total_paused_and_active_time(
    paused_and_resumed: Trajectory,
) -> None:
    lead_time = services.timing(paused_and_resumed, now=NOW).lead_time

    assert lead_time.started_at == at(1, 1)
    assert lead_time.ended_at is None
    assert lead_time.total == 90 * DAY
    assert lead_time.paused == 30 * DAY
    assert lead_time.active == 60 * DAY


def test_a_paused_and_resumed_trajectory_has_the_right_time_in_every_state(
    paused_and_resumed: Trajectory,
) -> None:
    per_state = services.timing(paused_and_resumed, now=NOW).lead_time.per_state

    assert per_state == {
        Status.REFERRED: 10 * DAY,
        Status.INTAKE: 10 * DAY,
        Status.SEARCHING: 11 * DAY + 10 * DAY,
        Status.PAUSED: 30 * DAY,
        Status.PLACED: 7 * DAY,
        Status.IN_PROGRESS: 12 * DAY,
    }
    assert sum(per_state.values(), datetime.timedelta(0)) == 90 * DAY


def test_days_in_state_count_from_the_last_change(paused_and_resumed: Trajectory) -> None:
    assert services.timing(paused_and_resumed, now=NOW).days_in_state == 12


def test_a_change_of_employer_does_not_split_the_state(
    paused_and_resumed: Trajectory, consultant: User, employer: Organisation
) -> None:
    other = employer_in(employer)
    RecognitionFactory.create(employer=other, crebo="25499")
    services.change_employer(
        paused_and_resumed,
        employer=other,
        workplace_trainer=member_of(other, Role.WORKPLACE_TRAINER),
        by=consultant,
        reason="Nieuwe werkplek",
        on=datetime.date(2025, 3, 25),
    )
    # change_employer writes the event now; put it between 20 March and NOW, as it happened.
    paused_and_resumed.events.filter(kind=EventKind.EMPLOYER_CHANGE).update(at=at(3, 25))

    timing = services.timing(paused_and_resumed, now=NOW)
    everything = services.timing(paused_and_resumed, now=NOW, events=list(paused_and_resumed.events.all()))

    assert timing.lead_time.per_state[Status.IN_PROGRESS] == 12 * DAY
    assert everything.lead_time == timing.lead_time
    assert timing.days_in_state == 12


def test_a_completed_trajectory_is_judged_on_its_final_lead_time(
    paused_and_resumed: Trajectory, consultant: User, trainer: User
) -> None:
    from .factories import assessed, work_process

    assessed(paused_and_resumed, work_process(paused_and_resumed), by=trainer)
    trajectory = services.transition(paused_and_resumed, Status.ASSESSMENT, by=consultant, at=at(3, 25))
    trajectory = services.transition(trajectory, Status.COMPLETED, by=consultant, at=at(3, 31))

    much_later = services.timing(trajectory, now=NOW + 400 * DAY)

    assert much_later.lead_time.ended_at == at(3, 31)
    assert much_later.lead_time.total == 89 * DAY
    assert much_later.lead_time.active == 59 * DAY
    assert Status.COMPLETED not in much_later.lead_time.per_state
    assert much_later.norm == "on_track"


def test_a_stopped_trajectory_ends_its_lead_time_at_the_stop(paused_and_resumed: Trajectory, consultant: User) -> None:
    trajectory = services.transition(
        paused_and_resumed,
        Status.STOPPED,
        by=consultant,
        at=at(3, 22),
        stop_reason=StopReason.HEALTH,
        reason="Kan het werk niet aan",
    )

    lead_time = services.timing(trajectory, now=NOW + 100 * DAY).lead_time

    assert (lead_time.ended_at, lead_time.total) == (at(3, 22), 80 * DAY)


def test_the_lead_time_comes_from_the_events_not_the_editable_fields(paused_and_resumed: Trajectory) -> None:
    Trajectory.objects.filter(pk=paused_and_resumed.pk).update(created_at=at(3, 1), status_changed_at=at(3, 30))
    paused_and_resumed.refresh_from_db()

    assert services.timing(paused_and_resumed, now=NOW).lead_time.total == 90 * DAY


def test_events_are_read_in_time_order_whatever_order_they_come_in() -> None:
    steps = [Step(at(1, 21), Status.SEARCHING), Step(at(1, 1), Status.REFERRED), Step(at(1, 11), Status.INTAKE)]

    lead_time = leadtime.compute(steps, NOW)

    assert lead_time.per_state[Status.REFERRED] == 10 * DAY
    assert lead_time.per_state[Status.SEARCHING] == NOW - at(1, 21)


def test_no_events_means_no_lead_time() -> None:
    lead_time = leadtime.compute([], NOW)

    assert (lead_time.started_at, lead_time.total, lead_time.per_state) == (None, datetime.timedelta(0), {})
    assert leadtime.norm_status(lead_time) == "on_track"


# --- The 3-to-6-month norm --------------------------------------------------------------------


def running(active: datetime.timedelta, paused: datetime.timedelta = datetime.timedelta(0)) -> LeadTime:
    return LeadTime(at(1, 1), None, active + paused, paused, {})


def finished(active: datetime.timedelta) -> LeadTime:
    return LeadTime(at(1, 1), at(1, 1) + active, active, datetime.timedelta(0), {})


@pytest.mark.parametrize(
    ("active", "norm"),
    [
        (datetime.timedelta(0), "on_track"),
        (AT_RISK_FROM - SECOND, "on_track"),
        (AT_RISK_FROM, "at_risk"),
        (NORM_MAX, "at_risk"),
        (NORM_MAX + SECOND, "late"),
        (400 * DAY, "late"),
    ],
)
def test_an_open_trajectory_is_on_track_at_risk_or_late_at_the_boundaries(
    active: datetime.timedelta, norm: str
) -> None:
    assert leadtime.norm_status(running(active)) == norm


def test_time_spent_paused_does_not_count_against_the_norm() -> None:
    assert leadtime.norm_status(running(AT_RISK_FROM - SECOND, paused=100 * DAY)) == "on_track"


@pytest.mark.parametrize(
    ("active", "norm"),
    [(AT_RISK_FROM, "on_track"), (NORM_MAX, "on_track"), (NORM_MAX + SECOND, "late")],
)
def test_a_finished_trajectory_is_never_at_risk_only_on_time_or_late(active: datetime.timedelta, norm: str) -> None:
    assert leadtime.norm_status(finished(active)) == norm


def test_the_norm_of_a_trajectory_follows_its_events(trajectory: Trajectory) -> None:
    Trajectory.objects.filter(pk=trajectory.pk).update(created_at=at(1, 1))
    trajectory.events.update(at=at(1, 1))

    assert services.timing(trajectory, now=at(1, 1) + AT_RISK_FROM - SECOND).norm == "on_track"
    assert services.timing(trajectory, now=at(1, 1) + AT_RISK_FROM).norm == "at_risk"
    assert services.timing(trajectory, now=at(1, 1) + NORM_MAX + SECOND).norm == "late"


def test_a_pause_written_as_events_keeps_an_old_trajectory_on_track(trajectory: Trajectory) -> None:
    trajectory.events.update(at=at(1, 1))
    event(trajectory, Status.PAUSED, frm=Status.REFERRED, at=at(1, 2), reason="Zwangerschapsverlof")
    event(trajectory, Status.REFERRED, frm=Status.PAUSED, at=at(1, 2) + 120 * DAY)

    timing = services.timing(trajectory, now=at(1, 1) + 200 * DAY)

    assert timing.lead_time.paused == 120 * DAY
    assert timing.norm == "on_track"

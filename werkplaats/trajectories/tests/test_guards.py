"""The guards on the way: each refuses with a message saying what is missing, and lets the
trajectory through once it is there. Also who may move a trajectory at all."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from werkplaats.accounts.models import User
from werkplaats.organisations.models import Organisation, Role
from werkplaats.organisations.tests.factories import member_of
from werkplaats.recognitions.models import Recognition
from werkplaats.trajectories import services
from werkplaats.trajectories.models import IntendedOutcome, Level, Route, Status, StopReason, Trajectory

from .conftest import START
from .factories import RecognitionFactory, agreed_plan, assessed, employer_in, set_state, work_process

pytestmark = pytest.mark.usefixtures("english")

NOT_RECOGNISED = "Facilitair Test is not a recognised learning company for Qualification 25499 (25499) on 03-03-2025."


def searching(trajectory: Trajectory, *, plan: bool = True) -> Trajectory:
    if plan:
        agreed_plan(trajectory)
    return set_state(trajectory, Status.SEARCHING)


def refusal(trajectory: Trajectory, to: str, by: User, **kwargs: Any) -> list[str]:
    with pytest.raises(ValidationError) as refused:
        services.transition(trajectory, to, by=by, **kwargs)
    trajectory.refresh_from_db()
    assert trajectory.status != to
    return refused.value.messages


# --- Placement ----------------------------------------------------------------------------------


def test_placement_goes_through_when_everything_is_in_place(trajectory: Trajectory, consultant: User) -> None:
    trajectory = searching(trajectory)

    assert services.transition(trajectory, Status.PLACED, by=consultant).status == Status.PLACED


def test_placement_needs_an_employer(trajectory: Trajectory, consultant: User) -> None:
    trajectory = searching(trajectory)
    Trajectory.objects.filter(pk=trajectory.pk).update(employer=None)

    assert "Choose the employer where the learner will learn." in refusal(trajectory, Status.PLACED, consultant)


def test_placement_needs_a_named_workplace_trainer(trajectory: Trajectory, consultant: User) -> None:
    trajectory = searching(trajectory)
    Trajectory.objects.filter(pk=trajectory.pk).update(workplace_trainer=None)

    assert refusal(trajectory, Status.PLACED, consultant) == ["Name the workplace trainer."]


def test_placement_needs_a_planned_start(trajectory: Trajectory, consultant: User) -> None:
    trajectory = searching(trajectory)
    Trajectory.objects.filter(pk=trajectory.pk).update(planned_start=None)

    assert refusal(trajectory, Status.PLACED, consultant) == ["Fill in the planned start date."]


def test_placement_needs_a_learning_plan(trajectory: Trajectory, consultant: User) -> None:
    trajectory = searching(trajectory, plan=False)

    assert refusal(trajectory, Status.PLACED, consultant) == [
        "The learning plan has to be agreed by the learner, the workplace and the school."
    ]


def test_placement_needs_the_newest_plan_version_to_be_agreed(trajectory: Trajectory, consultant: User) -> None:
    trajectory = searching(trajectory)
    services.propose_plan(trajectory, by=consultant, based_on=1, learner_goals="Iets anders")

    assert refusal(trajectory, Status.PLACED, consultant) == [
        "The learning plan has to be agreed by the learner, the workplace and the school."
    ]


def test_placement_names_everything_that_is_missing_at_once(trajectory: Trajectory, consultant: User) -> None:
    trajectory = searching(trajectory, plan=False)
    Trajectory.objects.filter(pk=trajectory.pk).update(workplace_trainer=None, planned_start=None)

    assert len(refusal(trajectory, Status.PLACED, consultant)) == 3


def test_placement_is_refused_at_an_employer_without_recognition_for_the_qualification(
    trajectory: Trajectory, consultant: User, recognition: Recognition
) -> None:
    recognition.delete()
    trajectory = searching(trajectory)

    assert refusal(trajectory, Status.PLACED, consultant) == [NOT_RECOGNISED]


def test_placement_is_refused_when_the_recognition_ended_the_day_before_the_start_date(
    trajectory: Trajectory, consultant: User, recognition: Recognition
) -> None:
    recognition.end_date = START - datetime.timedelta(days=1)
    recognition.save()
    trajectory = searching(trajectory)

    assert refusal(trajectory, Status.PLACED, consultant) == [NOT_RECOGNISED]


def test_placement_is_allowed_when_the_recognition_ends_on_the_start_date(
    trajectory: Trajectory, consultant: User, recognition: Recognition
) -> None:
    recognition.end_date = START
    recognition.save()
    trajectory = searching(trajectory)

    assert services.transition(trajectory, Status.PLACED, by=consultant).status == Status.PLACED


def test_placement_is_refused_when_the_recognition_starts_after_the_start_date(
    trajectory: Trajectory, consultant: User, recognition: Recognition
) -> None:
    recognition.start_date = START + datetime.timedelta(days=1)
    recognition.save()
    trajectory = searching(trajectory)

    assert refusal(trajectory, Status.PLACED, consultant) == [NOT_RECOGNISED]


def test_a_recognition_for_another_qualification_does_not_count(
    trajectory: Trajectory, consultant: User, recognition: Recognition
) -> None:
    recognition.crebo = "25173"
    recognition.save()
    trajectory = searching(trajectory)

    assert refusal(trajectory, Status.PLACED, consultant) == [NOT_RECOGNISED]


def test_an_mbo_placement_needs_a_qualification(trajectory: Trajectory, consultant: User) -> None:
    trajectory = searching(trajectory)
    Trajectory.objects.filter(pk=trajectory.pk).update(
        qualification=None, route=Route.BBL, intended_outcome=IntendedOutcome.DIPLOMA
    )

    assert refusal(trajectory, Status.PLACED, consultant) == ["Choose the qualification."]


@pytest.mark.parametrize("route", [Route.WORKPLACE_LEARNING, Route.STAFF_DEVELOPMENT])
def test_routes_outside_mbo_are_placed_without_recognition_or_qualification(
    trajectory: Trajectory, consultant: User, recognition: Recognition, route: str
) -> None:
    recognition.delete()
    Trajectory.objects.filter(pk=trajectory.pk).update(
        route=route, qualification=None, intended_outcome=IntendedOutcome.OWN_GOALS
    )
    trajectory = searching(trajectory)

    assert services.transition(trajectory, Status.PLACED, by=consultant).status == Status.PLACED


@pytest.mark.parametrize("route", [Route.WORKPLACE_LEARNING, Route.STAFF_DEVELOPMENT])
def test_routes_outside_mbo_without_a_qualification_go_to_assessment_without_work_processes(
    trajectory: Trajectory, consultant: User, route: str
) -> None:
    Trajectory.objects.filter(pk=trajectory.pk).update(
        route=route, qualification=None, intended_outcome=IntendedOutcome.OWN_GOALS
    )
    trajectory = set_state(trajectory, Status.IN_PROGRESS)

    assert services.transition(trajectory, Status.ASSESSMENT, by=consultant).status == Status.ASSESSMENT


def test_a_praktijkverklaring_needs_a_qualification_from_the_start(
    learner: object, consultant: User, organisation: Organisation
) -> None:
    with pytest.raises(ValidationError) as refused:
        services.create_trajectory(
            learner,  # type: ignore[arg-type]
            by=consultant,
            route=Route.PRAKTIJKLEREN,
            intended_outcome=IntendedOutcome.PRACTICE_CERTIFICATE,
        )
    assert refused.value.message_dict == {
        "qualification": ["A praktijkverklaring is earned for a qualification: choose one."]
    }


# --- Assessment, stopping, pausing, completing -----------------------------------------------------


def test_assessment_needs_a_work_process_that_was_assessed(
    trajectory: Trajectory, consultant: User, trainer: User
) -> None:
    assessed(trajectory, work_process(trajectory), by=trainer, level=Level.NOT_STARTED)
    trajectory = set_state(trajectory, Status.IN_PROGRESS)

    assert refusal(trajectory, Status.ASSESSMENT, consultant) == [
        "Assess at least one work process before the assessment phase."
    ]


@pytest.mark.parametrize("level", [Level.DEVELOPING, Level.MASTERED])
def test_assessment_follows_one_work_process_developing_or_mastered(
    trajectory: Trajectory, consultant: User, trainer: User, level: str
) -> None:
    assessed(trajectory, work_process(trajectory), by=trainer, level=level)
    trajectory = set_state(trajectory, Status.IN_PROGRESS)

    assert services.transition(trajectory, Status.ASSESSMENT, by=consultant).status == Status.ASSESSMENT


def test_stopping_needs_a_reason_from_the_list(trajectory: Trajectory, consultant: User) -> None:
    assert refusal(trajectory, Status.STOPPED, consultant, stop_reason="bored", reason="Geen zin meer") == [
        "Choose the reason for stopping from the list."
    ]


def test_stopping_needs_an_explanation(trajectory: Trajectory, consultant: User) -> None:
    assert refusal(trajectory, Status.STOPPED, consultant, stop_reason=StopReason.MOVED, reason="  ") == [
        "Explain in a few words why the trajectory stops."
    ]


def test_stopping_records_the_reason_on_the_trajectory_and_the_event(trajectory: Trajectory, consultant: User) -> None:
    stopped = services.transition(
        trajectory, Status.STOPPED, by=consultant, stop_reason=StopReason.MOVED, reason="Verhuisd naar Zwolle"
    )

    assert stopped.stop_reason == StopReason.MOVED
    event = stopped.events.latest("at")
    assert (event.reason, event.data) == ("Verhuisd naar Zwolle", {"stop_reason": "moved"})


def test_pausing_needs_a_reason(trajectory: Trajectory, consultant: User) -> None:
    assert refusal(trajectory, Status.PAUSED, consultant) == ["Say why the trajectory is paused."]


def test_resuming_returns_to_the_state_the_trajectory_was_paused_in(trajectory: Trajectory, consultant: User) -> None:
    trajectory = services.transition(trajectory, Status.INTAKE, by=consultant)
    trajectory = services.transition(trajectory, Status.SEARCHING, by=consultant)
    trajectory = services.transition(trajectory, Status.PAUSED, by=consultant, reason="Ziek")

    assert services.paused_from(trajectory) == Status.SEARCHING
    for elsewhere in (Status.REFERRED, Status.INTAKE, Status.PLACED, Status.IN_PROGRESS):
        assert refusal(trajectory, elsewhere, consultant) == [
            "A paused trajectory resumes in the state it was paused in."
        ]
    assert services.transition(trajectory, Status.SEARCHING, by=consultant).status == Status.SEARCHING


def test_a_paused_trajectory_can_be_stopped(trajectory: Trajectory, consultant: User) -> None:
    trajectory = services.transition(trajectory, Status.PAUSED, by=consultant, reason="Ziek")

    stopped = services.transition(
        trajectory, Status.STOPPED, by=consultant, stop_reason=StopReason.HEALTH, reason="Langdurig ziek"
    )

    assert stopped.status == Status.STOPPED


def test_the_second_pause_decides_where_the_trajectory_resumes(trajectory: Trajectory, consultant: User) -> None:
    trajectory = services.transition(trajectory, Status.PAUSED, by=consultant, reason="Vakantie")
    trajectory = services.transition(trajectory, Status.REFERRED, by=consultant)
    trajectory = services.transition(trajectory, Status.INTAKE, by=consultant)
    trajectory = services.transition(trajectory, Status.PAUSED, by=consultant, reason="Ziek")

    assert services.paused_from(trajectory) == Status.INTAKE


def test_a_praktijkverklaring_trajectory_is_not_completed_by_hand(
    trajectory: Trajectory, consultant: User, trainer: User
) -> None:
    Trajectory.objects.filter(pk=trajectory.pk).update(intended_outcome=IntendedOutcome.PRACTICE_CERTIFICATE)
    trajectory = set_state(trajectory, Status.ASSESSMENT)

    assert refusal(trajectory, Status.COMPLETED, consultant) == [
        "A praktijkverklaring trajectory is completed by issuing the certificate."
    ]


def test_completing_records_the_outcome(trajectory: Trajectory, consultant: User) -> None:
    trajectory = set_state(trajectory, Status.ASSESSMENT)

    done = services.transition(trajectory, Status.COMPLETED, by=consultant, outcome="work_same_employer")

    assert (done.status, done.outcome_at_completion) == (Status.COMPLETED, "work_same_employer")


def test_completing_with_an_unknown_outcome_is_refused(trajectory: Trajectory, consultant: User) -> None:
    trajectory = set_state(trajectory, Status.ASSESSMENT)

    with pytest.raises(ValidationError):
        services.transition(trajectory, Status.COMPLETED, by=consultant, outcome="lottery")
    trajectory.refresh_from_db()
    assert trajectory.status == Status.ASSESSMENT


# --- update_trajectory and change_employer -----------------------------------------------------


def test_update_trajectory_never_changes_the_state(trajectory: Trajectory, consultant: User) -> None:
    with pytest.raises(ValueError, match="not editable"):
        services.update_trajectory(trajectory, by=consultant, expected_version=None, status=Status.COMPLETED)
    trajectory.refresh_from_db()
    assert trajectory.status == Status.REFERRED


def test_update_trajectory_changes_the_employer_before_placement(
    trajectory: Trajectory, consultant: User, employer: Organisation
) -> None:
    other = employer_in(employer)

    updated = services.update_trajectory(trajectory, by=consultant, expected_version=trajectory.version, employer=other)

    assert updated.employer == other
    assert updated.version == trajectory.version + 1


@pytest.mark.parametrize("status", [Status.PLACED, Status.IN_PROGRESS, Status.ASSESSMENT])
def test_update_trajectory_refuses_an_employer_change_once_placed(
    trajectory: Trajectory, consultant: User, employer: Organisation, status: str
) -> None:
    trajectory = set_state(trajectory, status)

    with pytest.raises(ValidationError) as refused:
        services.update_trajectory(trajectory, by=consultant, expected_version=None, employer=employer_in(employer))
    assert refused.value.message_dict == {
        "employer": ["The learner is placed: use 'change employer', which keeps the history."]
    }
    trajectory.refresh_from_db()
    assert trajectory.employer == employer


def test_update_trajectory_with_an_old_version_is_a_conflict(trajectory: Trajectory, consultant: User) -> None:
    seen = trajectory.version
    services.transition(trajectory, Status.INTAKE, by=consultant)

    with pytest.raises(services.Conflict) as conflict:
        services.update_trajectory(trajectory, by=consultant, expected_version=seen, review_interval_weeks=4)
    assert "Someone else changed this trajectory a moment ago (it is now: intake)." in conflict.value.messages[0]


def test_update_trajectory_refuses_a_school_that_is_no_school(
    trajectory: Trajectory, consultant: User, employer: Organisation
) -> None:
    with pytest.raises(ValidationError) as refused:
        services.update_trajectory(trajectory, by=consultant, expected_version=None, school=employer)
    assert refused.value.message_dict == {"school": ["Choose a school."]}


def test_change_employer_keeps_the_old_employer_in_the_history(
    trajectory: Trajectory, consultant: User, employer: Organisation, trainer: User
) -> None:
    trajectory = set_state(trajectory, Status.IN_PROGRESS)
    other = employer_in(employer)
    RecognitionFactory.create(employer=other, crebo="25499")
    new_trainer = member_of(other, Role.WORKPLACE_TRAINER)

    changed = services.change_employer(
        trajectory,
        employer=other,
        workplace_trainer=new_trainer,
        by=consultant,
        reason="Bedrijf ging failliet",
        on=datetime.date(2025, 5, 1),
    )

    assert (changed.employer, changed.workplace_trainer, changed.status) == (other, new_trainer, Status.IN_PROGRESS)
    event = changed.events.get(kind="employer_change")
    assert (event.from_status, event.to_status, event.actor, event.reason) == (
        Status.IN_PROGRESS,
        Status.IN_PROGRESS,
        consultant,
        "Bedrijf ging failliet",
    )
    assert event.data == {
        "from_employer": employer.pk,
        "to_employer": other.pk,
        "from_trainer": trainer.pk,
        "to_trainer": new_trainer.pk,
        "on": "2025-05-01",
    }


def test_change_employer_checks_the_recognition_on_the_day_of_the_change(
    trajectory: Trajectory, consultant: User, employer: Organisation
) -> None:
    trajectory = set_state(trajectory, Status.PLACED)
    other = employer_in(employer)
    RecognitionFactory.create(employer=other, crebo="25499", start_date=datetime.date(2025, 6, 1))

    with pytest.raises(ValidationError) as refused:
        services.change_employer(
            trajectory,
            employer=other,
            workplace_trainer=member_of(other, Role.WORKPLACE_TRAINER),
            by=consultant,
            reason="Dichter bij huis",
            on=datetime.date(2025, 5, 31),
        )
    assert refused.value.messages == [
        f"{other.name} is not a recognised learning company for Qualification 25499 (25499) on 31-05-2025."
    ]
    trajectory.refresh_from_db()
    assert trajectory.employer == employer
    assert not trajectory.events.filter(kind="employer_change").exists()


def test_change_employer_needs_a_trainer_and_a_reason_and_a_placed_trajectory(
    trajectory: Trajectory, consultant: User, employer: Organisation
) -> None:
    other = employer_in(employer)
    RecognitionFactory.create(employer=other, crebo="25499")

    with pytest.raises(ValidationError) as refused:
        services.change_employer(trajectory, employer=other, workplace_trainer=None, by=consultant, reason="", on=START)
    assert refused.value.messages == [
        "Only a placed or learning trajectory can change employer; otherwise edit the trajectory.",
        "Name the workplace trainer at the new employer.",
        "Say why the learner changes employer.",
    ]


# --- Who may move a trajectory -----------------------------------------------------------------


def test_a_consultant_of_another_organisation_may_not_move_the_trajectory(
    trajectory: Trajectory, other_organisation: Organisation
) -> None:
    stranger = member_of(other_organisation, Role.CONSULTANT)

    with pytest.raises(PermissionDenied):
        services.transition(trajectory, Status.INTAKE, by=stranger)


def test_an_outsider_coordinator_of_another_region_may_not_move_the_trajectory(
    trajectory: Trajectory, outsider: User
) -> None:
    with pytest.raises(PermissionDenied):
        services.transition(trajectory, Status.INTAKE, by=outsider)


def test_the_coordinator_of_the_region_may_move_the_trajectory(trajectory: Trajectory, coordinator: User) -> None:
    assert services.transition(trajectory, Status.INTAKE, by=coordinator).status == Status.INTAKE


@pytest.mark.parametrize("who", ["trainer", "learner_user"])
def test_the_trainer_and_the_learner_may_not_move_the_trajectory(
    trajectory: Trajectory, who: str, request: pytest.FixtureRequest
) -> None:
    person = request.getfixturevalue(who)
    trajectory = set_state(trajectory, Status.IN_PROGRESS)

    for to in (Status.ASSESSMENT, Status.PAUSED, Status.STOPPED):
        with pytest.raises(PermissionDenied):
            services.transition(trajectory, to, by=person, reason="x", stop_reason=StopReason.OTHER)


def test_school_staff_move_the_trajectory_into_assessment_and_back(
    trajectory: Trajectory, coach: User, trainer: User
) -> None:
    assessed(trajectory, work_process(trajectory), by=trainer)
    trajectory = set_state(trajectory, Status.IN_PROGRESS)

    trajectory = services.transition(trajectory, Status.ASSESSMENT, by=coach)
    trajectory = services.transition(trajectory, Status.IN_PROGRESS, by=coach, reason="Nog niet klaar")

    assert trajectory.status == Status.IN_PROGRESS


@pytest.mark.parametrize(
    ("frm", "to"),
    [
        (Status.PLACED, Status.IN_PROGRESS),
        (Status.REFERRED, Status.INTAKE),
        (Status.PLACED, Status.STOPPED),
        (Status.ASSESSMENT, Status.COMPLETED),
    ],
)
def test_school_staff_do_not_steer_the_rest_of_the_trajectory(
    trajectory: Trajectory, coach: User, frm: str, to: str
) -> None:
    trajectory = set_state(trajectory, frm)

    with pytest.raises(PermissionDenied):
        services.transition(trajectory, to, by=coach, reason="x", stop_reason=StopReason.OTHER)


def test_staff_of_another_school_may_not_move_into_assessment(
    trajectory: Trajectory, trainer: User, groningen: object
) -> None:
    from werkplaats.organisations.models import OrganisationKind
    from werkplaats.organisations.tests.factories import OrganisationFactory

    elsewhere = OrganisationFactory.create(kind=OrganisationKind.MBO_SCHOOL, region=groningen)
    teacher = member_of(elsewhere, Role.SCHOOL_STAFF)
    assessed(trajectory, work_process(trajectory), by=trainer)
    trajectory = set_state(trajectory, Status.IN_PROGRESS)

    with pytest.raises(PermissionDenied):
        services.transition(trajectory, Status.ASSESSMENT, by=teacher)


def test_only_consultants_and_coordinators_register_learners_and_trajectories(
    organisation: Organisation, learner: object, trainer: User, outsider: User
) -> None:
    low = member_of(organisation, Role.MEMBER)
    for person in (low, trainer, outsider):
        with pytest.raises(PermissionDenied):
            services.register_learner(
                organisation,
                by=person,
                first_name="Daan",
                last_name="de Boer",
                date_of_birth=datetime.date(1988, 1, 2),
                target_group="ww",
            )
        with pytest.raises(PermissionDenied):
            services.create_trajectory(
                learner,  # type: ignore[arg-type]
                by=person,
                route=Route.BBL,
                intended_outcome=IntendedOutcome.DIPLOMA,
            )

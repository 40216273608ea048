"""Along the way: practice hours, work-process assessments and the school's confirmation, the
learner's log and the progress reviews."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from werkplaats.accounts.models import User
from werkplaats.qualifications.tests.factories import WorkProcessFactory
from werkplaats.trajectories import services
from werkplaats.trajectories.models import Level, Status, Trajectory
from werkplaats.trajectories.work import hours_overview

from .conftest import START
from .factories import set_state, work_process

pytestmark = pytest.mark.usefixtures("english")

MONDAY = datetime.date(2025, 3, 10)


@pytest.fixture
def learning(trajectory: Trajectory) -> Trajectory:
    return set_state(trajectory, Status.IN_PROGRESS)


# --- Practice hours ---------------------------------------------------------------------------


def test_the_trainer_logs_the_hours_of_a_past_week(learning: Trajectory, trainer: User) -> None:
    entry = services.log_hours(learning, by=trainer, week_start=MONDAY, hours=Decimal("16"), note="Ochtenden")

    assert (entry.week_start, entry.hours, entry.logged_by, entry.approved_at) == (MONDAY, Decimal("16"), trainer, None)


def test_the_learner_logs_their_own_hours(learning: Trajectory, learner_user: User) -> None:
    assert (
        services.log_hours(learning, by=learner_user, week_start=MONDAY, hours=Decimal("8")).logged_by == learner_user
    )


def test_hours_are_logged_per_monday(learning: Trajectory, trainer: User) -> None:
    with pytest.raises(ValidationError) as refused:
        services.log_hours(learning, by=trainer, week_start=MONDAY + datetime.timedelta(days=1), hours=Decimal("8"))
    assert refused.value.message_dict == {"week_start": ["Choose the Monday of the week."]}


def test_hours_are_not_logged_for_a_week_in_the_future(learning: Trajectory, trainer: User) -> None:
    today = timezone.localdate()
    next_monday = today + datetime.timedelta(days=7 - today.weekday())

    with pytest.raises(ValidationError) as refused:
        services.log_hours(learning, by=trainer, week_start=next_monday, hours=Decimal("8"))
    assert refused.value.message_dict == {"week_start": ["Hours cannot be logged for a week in the future."]}


def test_hours_of_this_week_may_be_logged(learning: Trajectory, trainer: User) -> None:
    today = timezone.localdate()
    this_monday = today - datetime.timedelta(days=today.weekday())

    assert services.log_hours(learning, by=trainer, week_start=this_monday, hours=Decimal("4")).pk


@pytest.mark.parametrize("hours", ["-0.5", "80.5", "200"])
def test_hours_outside_0_to_80_are_refused(learning: Trajectory, trainer: User, hours: str) -> None:
    with pytest.raises(ValidationError) as refused:
        services.log_hours(learning, by=trainer, week_start=MONDAY, hours=Decimal(hours))
    assert refused.value.message_dict == {"hours": ["Enter between 0 and 80 hours."]}
    assert not learning.hours.exists()


@pytest.mark.parametrize("hours", ["0", "80"])
def test_0_and_80_hours_are_the_limits_allowed(learning: Trajectory, trainer: User, hours: str) -> None:
    assert services.log_hours(learning, by=trainer, week_start=MONDAY, hours=Decimal(hours)).hours == Decimal(hours)


def test_logging_a_week_again_corrects_it_until_approved(
    learning: Trajectory, trainer: User, learner_user: User
) -> None:
    services.log_hours(learning, by=learner_user, week_start=MONDAY, hours=Decimal("12"))
    corrected = services.log_hours(learning, by=trainer, week_start=MONDAY, hours=Decimal("14"), note="Correctie")

    assert learning.hours.count() == 1
    assert (corrected.hours, corrected.note, corrected.logged_by) == (Decimal("14"), "Correctie", trainer)


def test_approved_hours_cannot_change(learning: Trajectory, trainer: User, learner_user: User) -> None:
    entry = services.log_hours(learning, by=learner_user, week_start=MONDAY, hours=Decimal("12"))
    services.approve_hours(entry, by=trainer)

    with pytest.raises(ValidationError) as refused:
        services.log_hours(learning, by=learner_user, week_start=MONDAY, hours=Decimal("20"))
    assert refused.value.messages == ["The hours of this week are approved already and cannot change."]
    entry.refresh_from_db()
    assert (entry.hours, entry.approved_by) == (Decimal("12"), trainer)


def test_only_the_trainer_approves_hours(
    learning: Trajectory, learner_user: User, coach: User, consultant: User
) -> None:
    entry = services.log_hours(learning, by=learner_user, week_start=MONDAY, hours=Decimal("12"))

    for person in (learner_user, coach, consultant):
        with pytest.raises(PermissionDenied):
            services.approve_hours(entry, by=person)


def test_the_school_and_the_consultant_do_not_log_hours(learning: Trajectory, coach: User, consultant: User) -> None:
    for person in (coach, consultant):
        with pytest.raises(PermissionDenied):
            services.log_hours(learning, by=person, week_start=MONDAY, hours=Decimal("8"))


def test_hours_are_logged_only_once_the_learner_is_placed(trajectory: Trajectory, trainer: User) -> None:
    with pytest.raises(ValidationError) as refused:
        services.log_hours(trajectory, by=trainer, week_start=MONDAY, hours=Decimal("8"))
    assert refused.value.messages == ["Hours are logged once the learner is placed."]


def test_the_totals_count_logged_and_approved_hours(learning: Trajectory, trainer: User) -> None:
    week = datetime.timedelta(weeks=1)
    first = services.log_hours(learning, by=trainer, week_start=MONDAY, hours=Decimal("16"))
    services.log_hours(learning, by=trainer, week_start=MONDAY + week, hours=Decimal("12.5"))
    services.log_hours(learning, by=trainer, week_start=MONDAY + 2 * week, hours=Decimal("0"))
    services.approve_hours(first, by=trainer)

    overview = hours_overview(learning, learning.hours.all(), None)
    assert {"logged": overview.logged, "approved": overview.approved} == {
        "logged": Decimal("28.5"),
        "approved": Decimal("16"),
    }


def test_a_trajectory_without_hours_totals_zero(learning: Trajectory) -> None:
    overview = hours_overview(learning, learning.hours.all(), None)
    assert {"logged": overview.logged, "approved": overview.approved} == {"logged": Decimal(0), "approved": Decimal(0)}


# --- Assessments ------------------------------------------------------------------------------


def test_the_trainer_assesses_a_work_process_with_date_and_evidence(learning: Trajectory, trainer: User) -> None:
    assessment = services.assess_work_process(
        learning, work_process(learning), by=trainer, level=Level.DEVELOPING, on=MONDAY, evidence_note="Foto's"
    )

    assert (assessment.level, assessment.assessed_on, assessment.assessed_by, assessment.evidence_note) == (
        Level.DEVELOPING,
        MONDAY,
        trainer,
        "Foto's",
    )


@pytest.mark.parametrize("status", [Status.REFERRED, Status.SEARCHING, Status.PAUSED, Status.COMPLETED])
def test_work_processes_are_assessed_only_while_placed(trajectory: Trajectory, trainer: User, status: str) -> None:
    trajectory = set_state(trajectory, status)

    with pytest.raises(ValidationError) as refused:
        services.assess_work_process(trajectory, work_process(trajectory), by=trainer, level=Level.MASTERED, on=MONDAY)
    assert refused.value.messages == ["Work processes are assessed while the learner is placed."]


@pytest.mark.parametrize("status", [Status.PLACED, Status.IN_PROGRESS, Status.ASSESSMENT])
def test_work_processes_are_assessed_in_every_placed_state(trajectory: Trajectory, trainer: User, status: str) -> None:
    trajectory = set_state(trajectory, status)

    assert services.assess_work_process(
        trajectory, work_process(trajectory), by=trainer, level=Level.MASTERED, on=MONDAY
    ).pk


def test_only_work_processes_of_the_qualification_are_assessed(learning: Trajectory, trainer: User) -> None:
    with pytest.raises(ValidationError) as refused:
        services.assess_work_process(learning, WorkProcessFactory.create(), by=trainer, level=Level.MASTERED, on=MONDAY)
    assert refused.value.messages == ["This work process is not part of the trajectory's qualification."]
    assert not learning.assessments.exists()


def test_an_assessment_cannot_be_dated_in_the_future(learning: Trajectory, trainer: User) -> None:
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)

    with pytest.raises(ValidationError):
        services.assess_work_process(learning, work_process(learning), by=trainer, level=Level.MASTERED, on=tomorrow)


def test_an_unknown_level_is_refused(learning: Trajectory, trainer: User) -> None:
    with pytest.raises(ValidationError):
        services.assess_work_process(learning, work_process(learning), by=trainer, level="excellent", on=MONDAY)


@pytest.mark.parametrize("who", ["coach", "consultant", "learner_user"])
def test_only_the_workplace_trainer_assesses(learning: Trajectory, who: str, request: pytest.FixtureRequest) -> None:
    with pytest.raises(PermissionDenied):
        services.assess_work_process(
            learning, work_process(learning), by=request.getfixturevalue(who), level=Level.MASTERED, on=MONDAY
        )


def test_the_school_confirms_a_mastered_work_process(learning: Trajectory, trainer: User, coach: User) -> None:
    assessment = services.assess_work_process(learning, work_process(learning), by=trainer, level="mastered", on=MONDAY)

    confirmed = services.confirm_assessment(assessment, by=coach)

    assert confirmed.confirmed_by == coach
    assert confirmed.confirmed_at is not None


@pytest.mark.parametrize("level", [Level.NOT_STARTED, Level.DEVELOPING])
def test_only_a_mastered_work_process_can_be_confirmed(
    learning: Trajectory, trainer: User, coach: User, level: str
) -> None:
    assessment = services.assess_work_process(learning, work_process(learning), by=trainer, level=level, on=MONDAY)

    with pytest.raises(ValidationError) as refused:
        services.confirm_assessment(assessment, by=coach)
    assert refused.value.messages == ["Only a work process assessed as mastered can be confirmed."]


@pytest.mark.parametrize("who", ["trainer", "consultant", "coordinator", "learner_user"])
def test_only_school_staff_confirm(
    learning: Trajectory, trainer: User, who: str, request: pytest.FixtureRequest
) -> None:
    assessment = services.assess_work_process(learning, work_process(learning), by=trainer, level="mastered", on=MONDAY)

    with pytest.raises(PermissionDenied):
        services.confirm_assessment(assessment, by=request.getfixturevalue(who))
    assessment.refresh_from_db()
    assert assessment.confirmed_at is None


def test_a_changed_assessment_loses_the_schools_confirmation(learning: Trajectory, trainer: User, coach: User) -> None:
    assessment = services.assess_work_process(learning, work_process(learning), by=trainer, level="mastered", on=MONDAY)
    services.confirm_assessment(assessment, by=coach)

    changed = services.assess_work_process(
        learning, work_process(learning), by=trainer, level=Level.MASTERED, on=MONDAY, evidence_note="Nieuw bewijs"
    )

    assert changed.pk == assessment.pk
    assert (changed.confirmed_by, changed.confirmed_at) == (None, None)
    assert learning.assessments.count() == 1


def test_a_work_process_assessed_back_to_developing_is_no_longer_confirmed(
    learning: Trajectory, trainer: User, coach: User
) -> None:
    assessment = services.assess_work_process(learning, work_process(learning), by=trainer, level="mastered", on=MONDAY)
    services.confirm_assessment(assessment, by=coach)

    services.assess_work_process(learning, work_process(learning), by=trainer, level=Level.DEVELOPING, on=MONDAY)

    assessment.refresh_from_db()
    assert (assessment.level, assessment.confirmed_at) == (Level.DEVELOPING, None)


# --- The learner's log ------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["learner_user", "trainer", "coach", "consultant"])
def test_the_three_parties_write_in_the_log(learning: Trajectory, who: str, request: pytest.FixtureRequest) -> None:
    person = request.getfixturevalue(who)

    entry = services.add_log_entry(
        learning, by=person, text="  Vandaag zelf de oven bediend.  ", work_process=work_process(learning)
    )

    assert (entry.author, entry.text, entry.work_process) == (
        person,
        "Vandaag zelf de oven bediend.",
        work_process(learning),
    )


def test_an_empty_log_entry_is_refused(learning: Trajectory, learner_user: User) -> None:
    with pytest.raises(ValidationError) as refused:
        services.add_log_entry(learning, by=learner_user, text="   ")
    assert refused.value.message_dict == {"text": ["Write something first."]}


def test_an_outsider_cannot_write_in_the_log(learning: Trajectory, outsider: User) -> None:
    with pytest.raises(PermissionDenied):
        services.add_log_entry(learning, by=outsider, text="Hallo")


# --- Progress reviews -------------------------------------------------------------------------


def test_the_next_review_defaults_to_one_interval_later(learning: Trajectory, coach: User) -> None:
    review = services.record_review(learning, by=coach, held_on=MONDAY, attendees="Noor, Kees, Petra")

    assert review.next_review_on == MONDAY + datetime.timedelta(weeks=6)


def test_the_interval_of_the_trajectory_sets_the_default(learning: Trajectory, consultant: User) -> None:
    Trajectory.objects.filter(pk=learning.pk).update(review_interval_weeks=4)
    learning.refresh_from_db()

    review = services.record_review(learning, by=consultant, held_on=MONDAY, attendees="Noor, Kees")

    assert review.next_review_on == MONDAY + datetime.timedelta(weeks=4)


def test_an_agreed_next_review_date_is_kept(learning: Trajectory, trainer: User) -> None:
    agreed = MONDAY + datetime.timedelta(days=10)

    review = services.record_review(learning, by=trainer, held_on=MONDAY, attendees="Noor", next_review_on=agreed)

    assert review.next_review_on == agreed


def test_the_next_review_comes_after_this_one(learning: Trajectory, coach: User) -> None:
    with pytest.raises(ValidationError) as refused:
        services.record_review(learning, by=coach, held_on=MONDAY, attendees="Noor", next_review_on=MONDAY)
    assert refused.value.message_dict == {"next_review_on": ["The next review comes after this one."]}


@pytest.mark.parametrize("who", ["learner_user", "outsider"])
def test_the_learner_and_outsiders_do_not_record_reviews(
    learning: Trajectory, who: str, request: pytest.FixtureRequest
) -> None:
    with pytest.raises(PermissionDenied):
        services.record_review(learning, by=request.getfixturevalue(who), held_on=MONDAY, attendees="Noor")


def test_no_review_is_due_before_placement(trajectory: Trajectory) -> None:
    assert services.next_review_due(trajectory) is None


def test_the_first_review_is_due_one_interval_after_the_start(learning: Trajectory) -> None:
    assert services.next_review_due(learning) == START + datetime.timedelta(weeks=6)


def test_the_next_review_is_due_when_the_last_review_agreed(learning: Trajectory, coach: User) -> None:
    services.record_review(learning, by=coach, held_on=MONDAY, attendees="Noor")
    services.record_review(
        learning,
        by=coach,
        held_on=MONDAY + datetime.timedelta(weeks=3),
        attendees="Noor",
        next_review_on=MONDAY + datetime.timedelta(weeks=5),
    )

    assert services.next_review_due(learning) == MONDAY + datetime.timedelta(weeks=5)


def test_no_review_is_due_after_the_end(learning: Trajectory, coach: User) -> None:
    services.record_review(learning, by=coach, held_on=MONDAY, attendees="Noor")

    assert services.next_review_due(set_state(learning, Status.STOPPED)) is None

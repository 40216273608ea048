"""The three-party learning plan: numbered versions, three approvals (or a signed copy) agree a
version, any change needs approval again, and the difference between versions is visible."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from werkplaats.accounts.models import User
from werkplaats.organisations.models import Organisation, Role
from werkplaats.organisations.tests.factories import member_of
from werkplaats.qualifications.tests.factories import WorkProcessFactory
from werkplaats.trajectories import services
from werkplaats.trajectories.models import LearningPlanVersion, Party, Trajectory

from .factories import work_process

pytestmark = pytest.mark.usefixtures("english")


def propose(trajectory: Trajectory, by: User, based_on: int | None = None, **fields: object) -> LearningPlanVersion:
    return services.propose_plan(trajectory, by=by, based_on=based_on, **fields)  # type: ignore[arg-type]


def approvals(version: LearningPlanVersion) -> set[tuple[str, str, bool]]:
    return {(a.party, a.approved_by.email, a.on_behalf_of_learner) for a in version.approvals.all()}


def test_versions_are_numbered_one_two_three(trajectory: Trajectory, consultant: User, coach: User) -> None:
    first = propose(trajectory, consultant, learner_goals="Werken in een team")
    second = propose(trajectory, coach, based_on=1, school_goals="Niveau 1")
    third = propose(trajectory, consultant, based_on=2, learner_goals="Werken in een team, zelfstandig")

    assert [first.number, second.number, third.number] == [1, 2, 3]
    assert services.current_plan(trajectory) == third


def test_the_three_parties_approving_make_the_version_agreed(
    trajectory: Trajectory, learner_user: User, trainer: User, coach: User
) -> None:
    version = propose(trajectory, learner_user, learner_goals="Brood bakken")

    services.approve_plan(version, by=learner_user)
    services.approve_plan(version, by=trainer)
    assert not LearningPlanVersion.objects.get(pk=version.pk).is_agreed
    services.approve_plan(version, by=coach)

    version.refresh_from_db()
    assert version.is_agreed
    assert approvals(version) == {
        (Party.LEARNER, learner_user.email, False),
        (Party.WORKPLACE, trainer.email, False),
        (Party.SCHOOL, coach.email, False),
    }


def test_a_party_may_approve_until_it_has_and_nobody_once_the_version_is_agreed(
    trajectory: Trajectory, learner_user: User, trainer: User, coach: User
) -> None:
    version = propose(trajectory, learner_user, learner_goals="Brood bakken")
    assert services.can_approve_plan(trainer, trajectory, version)

    services.approve_plan(version, by=trainer)
    assert not services.can_approve_plan(trainer, trajectory, version)
    assert services.can_approve_plan(coach, trajectory, version)

    services.approve_plan(version, by=learner_user)
    services.approve_plan(version, by=coach)
    version.refresh_from_db()
    assert not any(services.can_approve_plan(p, trajectory, version) for p in (learner_user, trainer, coach))


def test_the_consultant_approves_on_behalf_of_the_learner_and_that_is_recorded(
    trajectory: Trajectory, consultant: User, trainer: User, coach: User
) -> None:
    version = propose(trajectory, consultant, learner_goals="Brood bakken")

    for person in (consultant, trainer, coach):
        services.approve_plan(version, by=person)

    version.refresh_from_db()
    assert version.is_agreed
    assert (Party.LEARNER, consultant.email, True) in approvals(version)


def test_once_the_learner_approved_the_consultant_cannot_approve_for_them_again(
    trajectory: Trajectory, consultant: User, learner_user: User
) -> None:
    version = propose(trajectory, consultant)
    services.approve_plan(version, by=learner_user)

    with pytest.raises(ValidationError) as refused:
        services.approve_plan(version, by=consultant)
    assert refused.value.messages == ["Your party has already approved this version."]


def test_a_party_cannot_approve_twice(trajectory: Trajectory, consultant: User, trainer: User) -> None:
    version = propose(trajectory, consultant)
    services.approve_plan(version, by=trainer)
    another_trainer = member_of(trajectory.employer, Role.WORKPLACE_TRAINER)  # type: ignore[arg-type]

    for person in (trainer, another_trainer):
        with pytest.raises(ValidationError):
            services.approve_plan(version, by=person)
    assert version.approvals.count() == 1


def test_only_the_newest_version_can_be_approved(trajectory: Trajectory, consultant: User, coach: User) -> None:
    old = propose(trajectory, consultant)
    propose(trajectory, coach, based_on=1, school_goals="Anders")

    with pytest.raises(services.Conflict) as conflict:
        services.approve_plan(old, by=coach)
    assert conflict.value.messages == ["A newer version of the learning plan exists; approve that one."]
    assert not old.approvals.exists()


def test_a_new_version_needs_approval_again(
    trajectory: Trajectory, consultant: User, trainer: User, coach: User
) -> None:
    first = propose(trajectory, consultant, learner_goals="Brood bakken")
    for person in (consultant, trainer, coach):
        services.approve_plan(first, by=person)

    second = propose(trajectory, trainer, based_on=1, workplace_goals="Ook taarten")

    assert not second.is_agreed
    assert not second.approvals.exists()
    first.refresh_from_db()
    assert first.is_agreed  # the agreement on the old version stays in the history


def test_approving_for_another_party_than_ones_own_is_refused(
    trajectory: Trajectory, consultant: User, trainer: User
) -> None:
    version = propose(trajectory, consultant)

    with pytest.raises(PermissionDenied):
        services.approve_plan(version, by=trainer, party=Party.SCHOOL)


def test_people_outside_the_trajectory_neither_edit_nor_approve_the_plan(
    trajectory: Trajectory, consultant: User, outsider: User, other_organisation: Organisation
) -> None:
    version = propose(trajectory, consultant)
    stranger = member_of(other_organisation, Role.CONSULTANT)

    for person in (outsider, stranger):
        with pytest.raises(PermissionDenied):
            services.approve_plan(version, by=person)
        with pytest.raises(PermissionDenied):
            propose(trajectory, person, based_on=1)


def test_a_plan_only_holds_work_processes_of_the_qualification(trajectory: Trajectory, consultant: User) -> None:
    elsewhere = WorkProcessFactory.create()

    with pytest.raises(ValidationError) as refused:
        propose(trajectory, consultant, work_processes=[work_process(trajectory), elsewhere])
    assert refused.value.message_dict == {
        "work_processes": ["Choose work processes of the trajectory's qualification."]
    }
    assert not trajectory.plan_versions.exists()


def test_unknown_plan_fields_are_a_programming_error(trajectory: Trajectory, consultant: User) -> None:
    with pytest.raises(ValueError, match="unknown plan fields"):
        propose(trajectory, consultant, status="agreed")


def test_the_diff_shows_changed_fields_and_work_processes(trajectory: Trajectory, consultant: User) -> None:
    first = propose(
        trajectory,
        consultant,
        learner_goals="Brood bakken",
        hours_per_week=Decimal("16.0"),
        work_processes=[work_process(trajectory, 1), work_process(trajectory, 2)],
    )
    second = propose(
        trajectory,
        consultant,
        based_on=1,
        learner_goals="Brood en banket bakken",
        hours_per_week=Decimal("16.0"),
        start_date=datetime.date(2025, 3, 3),
        work_processes=[work_process(trajectory, 2), work_process(trajectory, 3)],
    )

    assert services.plan_diff(first, second) == [
        ("goals of the learner", "Brood bakken", "Brood en banket bakken"),
        ("start", "", "2025-03-03"),
        ("work processes", "B1-K1-W1, B1-K1-W2", "B1-K1-W2, B1-K1-W3"),
    ]


def test_the_diff_of_the_first_version_shows_everything_filled_in(trajectory: Trajectory, consultant: User) -> None:
    first = propose(trajectory, consultant, learner_goals="Brood bakken", work_processes=[work_process(trajectory)])

    assert services.plan_diff(None, first) == [
        ("goals of the learner", "", "Brood bakken"),
        ("work processes", "", "B1-K1-W1"),
    ]


def test_an_unchanged_version_has_an_empty_diff(trajectory: Trajectory, consultant: User) -> None:
    first = propose(trajectory, consultant, learner_goals="Brood bakken")
    second = propose(trajectory, consultant, based_on=1, learner_goals="Brood bakken")

    assert services.plan_diff(first, second) == []


def test_a_copy_signed_outside_the_platform_agrees_the_version(
    trajectory: Trajectory, consultant: User, tmp_path: object
) -> None:
    version = propose(trajectory, consultant, learner_goals="Brood bakken")
    scan = SimpleUploadedFile("getekend.pdf", b"%PDF-1.4 getekend leerplan", content_type="application/pdf")

    with override_settings(WERKPLAATS_PRIVATE_DIR=str(tmp_path)):
        services.record_signed_copy(version, by=consultant, file=scan)

    version.refresh_from_db()
    assert version.is_agreed
    assert version.signed_copy.name.startswith("plans/")
    assert not version.approvals.exists()


def test_a_signed_copy_of_an_old_version_is_refused(
    trajectory: Trajectory, consultant: User, coach: User, tmp_path: object
) -> None:
    old = propose(trajectory, consultant)
    propose(trajectory, coach, based_on=1, school_goals="Anders")
    scan = SimpleUploadedFile("getekend.pdf", b"%PDF-1.4 getekend leerplan", content_type="application/pdf")

    with override_settings(WERKPLAATS_PRIVATE_DIR=str(tmp_path)), pytest.raises(services.Conflict):
        services.record_signed_copy(old, by=consultant, file=scan)
    old.refresh_from_db()
    assert not old.is_agreed


def test_the_trainer_cannot_record_a_signed_copy(trajectory: Trajectory, consultant: User, trainer: User) -> None:
    version = propose(trajectory, consultant)
    scan = SimpleUploadedFile("getekend.pdf", b"%PDF-1.4", content_type="application/pdf")

    with pytest.raises(PermissionDenied):
        services.record_signed_copy(version, by=trainer, file=scan)

"""Who sees which learners and trajectories: for every role a member of the right organisation,
one with too low a role there, and an outsider. Support needs only for the people working on the
learner's trajectory, and never in the audit log."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser

from werkplaats.accounts.models import User
from werkplaats.audit.models import AuditLogEntry
from werkplaats.audit.registry import SENSITIVE_MARK
from werkplaats.organisations.models import Organisation, OrganisationKind, Region, Role
from werkplaats.organisations.tests.factories import OrganisationFactory, member_of
from werkplaats.trajectories import services
from werkplaats.trajectories.models import Learner, Trajectory

from .factories import LearnerFactory, TrajectoryFactory

pytestmark = pytest.mark.usefixtures("english")


def sees(user: object, trajectory: Trajectory) -> tuple[bool, bool]:
    """Whether ``user`` sees the trajectory, and its learner."""
    return (
        Trajectory.objects.visible_to(user).filter(pk=trajectory.pk).exists(),
        Learner.objects.visible_to(user).filter(pk=trajectory.learner_id).exists(),
    )


@pytest.fixture
def other_school(groningen: Region) -> Organisation:
    created: Organisation = OrganisationFactory.create(kind=OrganisationKind.MBO_SCHOOL, region=groningen)
    return created


@pytest.fixture
def other_employer(groningen: Region) -> Organisation:
    created: Organisation = OrganisationFactory.create(employer=True, region=groningen)
    return created


# --- Consultants ------------------------------------------------------------------------------


def test_a_consultant_sees_the_learners_of_their_organisation(trajectory: Trajectory, consultant: User) -> None:
    assert sees(consultant, trajectory) == (True, True)


def test_a_consultant_sees_a_learner_of_their_organisation_without_a_trajectory(
    organisation: Organisation, consultant: User
) -> None:
    learner = LearnerFactory.create(organisation=organisation)

    assert Learner.objects.visible_to(consultant).filter(pk=learner.pk).exists()


def test_a_member_without_the_consultant_role_does_not_see_the_learners(
    trajectory: Trajectory, organisation: Organisation, org_admin: User
) -> None:
    assert sees(member_of(organisation, Role.MEMBER), trajectory) == (False, False)
    assert sees(org_admin, trajectory) == (False, False)


def test_a_consultant_of_another_organisation_sees_nothing(
    trajectory: Trajectory, other_organisation: Organisation
) -> None:
    assert sees(member_of(other_organisation, Role.CONSULTANT), trajectory) == (False, False)


# --- School staff -----------------------------------------------------------------------------


def test_school_staff_see_trajectories_where_their_school_is_the_school(trajectory: Trajectory, coach: User) -> None:
    other_teacher = member_of(trajectory.school, Role.SCHOOL_STAFF)  # type: ignore[arg-type]

    assert sees(coach, trajectory) == (True, True)
    assert sees(other_teacher, trajectory) == (True, True)


def test_a_school_member_without_the_staff_role_does_not_see_them(trajectory: Trajectory) -> None:
    assert sees(member_of(trajectory.school, Role.MEMBER), trajectory) == (False, False)  # type: ignore[arg-type]


def test_staff_of_another_school_do_not_see_them(trajectory: Trajectory, other_school: Organisation) -> None:
    assert sees(member_of(other_school, Role.SCHOOL_STAFF), trajectory) == (False, False)


# --- Workplace trainers -----------------------------------------------------------------------


def test_trainers_see_the_trajectories_at_their_employer(trajectory: Trajectory, trainer: User) -> None:
    assert sees(trainer, trajectory) == (True, True)


def test_an_employee_without_the_trainer_role_does_not_see_them(trajectory: Trajectory) -> None:
    assert sees(member_of(trajectory.employer, Role.MEMBER), trajectory) == (False, False)  # type: ignore[arg-type]


def test_a_trainer_at_another_employer_does_not_see_them(trajectory: Trajectory, other_employer: Organisation) -> None:
    assert sees(member_of(other_employer, Role.WORKPLACE_TRAINER), trajectory) == (False, False)


def test_a_trainer_no_longer_sees_a_trajectory_that_moved_to_another_employer(
    trajectory: Trajectory, trainer: User, other_employer: Organisation
) -> None:
    Trajectory.objects.filter(pk=trajectory.pk).update(employer=other_employer)

    assert sees(trainer, trajectory) == (False, False)


# --- Coordinators -----------------------------------------------------------------------------


def test_a_coordinator_sees_the_trajectories_of_their_region(trajectory: Trajectory, coordinator: User) -> None:
    assert sees(coordinator, trajectory) == (True, True)


def test_a_coordinator_of_another_region_does_not_see_them(trajectory: Trajectory, outsider: User) -> None:
    assert sees(outsider, trajectory) == (False, False)


def test_a_coordinator_sees_a_trajectory_at_an_employer_in_their_region(
    trajectory: Trajectory, outsider: User, other_organisation: Organisation
) -> None:
    in_drenthe: Organisation = OrganisationFactory.create(employer=True, region=other_organisation.region)
    Trajectory.objects.filter(pk=trajectory.pk).update(employer=in_drenthe)

    assert sees(outsider, trajectory) == (True, True)


# --- Learners ---------------------------------------------------------------------------------


def test_a_learner_sees_only_their_own_trajectory(
    trajectory: Trajectory, learner_user: User, organisation: Organisation
) -> None:
    someone_else = TrajectoryFactory.create(learner=LearnerFactory.create(organisation=organisation))

    assert list(Trajectory.objects.visible_to(learner_user)) == [trajectory]
    assert list(Learner.objects.visible_to(learner_user)) == [trajectory.learner]
    assert sees(learner_user, someone_else) == (False, False)


def test_another_learner_of_the_organisation_does_not_see_the_trajectory(
    trajectory: Trajectory, organisation: Organisation
) -> None:
    assert sees(member_of(organisation, Role.LEARNER), trajectory) == (False, False)


def test_anonymous_visitors_see_nothing(trajectory: Trajectory) -> None:
    assert sees(AnonymousUser(), trajectory) == (False, False)
    assert sees(None, trajectory) == (False, False)


def test_platform_administrators_see_everything(trajectory: Trajectory, platform_admin: User) -> None:
    assert sees(platform_admin, trajectory) == (True, True)


def test_an_ended_membership_no_longer_gives_access(trajectory: Trajectory, coach: User) -> None:
    from django.utils import timezone

    coach.memberships.update(ended_at=timezone.now())
    fresh = User.objects.get(pk=coach.pk)

    assert sees(fresh, trajectory) == (False, False)


# --- Support needs ----------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["consultant", "learner_user", "trainer", "coach"])
def test_the_people_working_on_the_trajectory_see_the_support_needs(
    trajectory: Trajectory, who: str, request: pytest.FixtureRequest
) -> None:
    assert services.can_see_sensitive(request.getfixturevalue(who), trajectory.learner)


def test_the_consultant_named_on_the_trajectory_sees_the_support_needs(
    trajectory: Trajectory, other_organisation: Organisation
) -> None:
    named = member_of(other_organisation, Role.CONSULTANT)
    Trajectory.objects.filter(pk=trajectory.pk).update(consultant=named)

    assert services.can_see_sensitive(named, trajectory.learner)


def test_a_coordinator_sees_the_trajectory_but_not_the_support_needs(trajectory: Trajectory, coordinator: User) -> None:
    assert sees(coordinator, trajectory) == (True, True)
    assert not services.can_see_sensitive(coordinator, trajectory.learner)


def test_another_trainer_of_the_employer_does_not_see_the_support_needs(trajectory: Trajectory) -> None:
    colleague = member_of(trajectory.employer, Role.WORKPLACE_TRAINER)  # type: ignore[arg-type]

    assert sees(colleague, trajectory) == (True, True)
    assert not services.can_see_sensitive(colleague, trajectory.learner)


def test_another_teacher_of_the_school_does_not_see_the_support_needs(trajectory: Trajectory) -> None:
    colleague = member_of(trajectory.school, Role.SCHOOL_STAFF)  # type: ignore[arg-type]

    assert not services.can_see_sensitive(colleague, trajectory.learner)


def test_outsiders_and_anonymous_visitors_do_not_see_the_support_needs(
    trajectory: Trajectory, outsider: User, org_admin: User
) -> None:
    for person in (outsider, org_admin, AnonymousUser()):
        assert not services.can_see_sensitive(person, trajectory.learner)


def test_the_audit_log_records_a_change_of_support_needs_without_the_value(learner: Learner) -> None:
    learner.support_needs = "Heeft een jobcoach nodig bij nieuwe taken."
    learner.save()

    entry = AuditLogEntry.objects.filter(object_id=str(learner.pk), action="update").latest("at")
    assert entry.changes == {"support_needs": [SENSITIVE_MARK, SENSITIVE_MARK]}
    everything = json.dumps(list(AuditLogEntry.objects.values_list("changes", flat=True)))
    assert "jobcoach" not in everything
    assert "Dyslexie" not in everything  # the value given at registration


# --- Registering learners ---------------------------------------------------------------------


def test_a_learner_with_the_same_name_and_birth_date_is_not_registered_twice(
    learner: Learner, organisation: Organisation, consultant: User
) -> None:
    from django.core.exceptions import ValidationError

    same: dict[str, Any] = {
        "first_name": " noor ",
        "last_name": "JANSEN",
        "date_of_birth": datetime.date(1990, 5, 1),
        "target_group": "ww",
    }

    with pytest.raises(ValidationError) as refused:
        services.register_learner(organisation, by=consultant, **same)
    assert refused.value.messages == [
        "Noor Jansen, born 01-05-1990, is already registered by Gemeente Haren. Open the existing record, or "
        "confirm that this is someone else."
    ]
    assert services.register_learner(organisation, by=consultant, allow_duplicate=True, **same).pk != learner.pk


def test_the_same_person_may_be_registered_by_another_organisation(
    learner: Learner, other_organisation: Organisation
) -> None:
    colleague = member_of(other_organisation, Role.CONSULTANT)

    again = services.register_learner(
        other_organisation,
        by=colleague,
        first_name="Noor",
        last_name="Jansen",
        date_of_birth=datetime.date(1990, 5, 1),
        target_group="ww",
    )

    assert again.organisation == other_organisation


def test_a_coordinator_elsewhere_in_the_region_is_not_offered_an_invitation_they_may_not_send(
    trajectory: Trajectory, coordinator: User, school: Organisation
) -> None:
    from django.test import Client

    regional = member_of(school, Role.COORDINATOR, email="regio@school.example.nl")
    learner = trajectory.learner
    assert services.can_create_trajectory(regional, learner)  # steers the region's trajectories
    assert not services.can_invite_learner(regional, learner)  # but the record is another organisation's
    assert services.can_invite_learner(coordinator, learner)

    client = Client()
    client.force_login(regional)
    assert client.get(learner.get_absolute_url()).context["can_invite"] is False

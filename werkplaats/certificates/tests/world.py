"""A trajectory in the assessment phase, ready for its praktijkverklaring: the work world of the
trajectories' tests (municipality Haren in Groningen, school Noorderpoort in Friesland,
employer ESKA in Groningen), with two work processes assessed as mastered and confirmed by the
school, one mastered but not confirmed, and a coordinator of Groningen (the region that counts
the certificate: the learner's organisation's)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

from werkplaats.accounts.models import User
from werkplaats.organisations.models import Organisation, Role
from werkplaats.organisations.tests.factories import OrganisationFactory, member_of
from werkplaats.trajectories import services
from werkplaats.trajectories.models import Level, Status, Trajectory
from werkplaats.trajectories.tests import work_world
from werkplaats.trajectories.tests.work_world import WorkWorld


@dataclass
class CertificateWorld:
    work: WorkWorld
    coordinator: User  # coordinator of Groningen

    @property
    def trajectory(self) -> Trajectory:
        return self.work.trajectory

    @property
    def school(self) -> Organisation:
        return self.work.school

    @property
    def school_staff(self) -> User:
        return self.work.school_staff


def assess(
    trajectory: Trajectory, trainer: User, school_staff: User, *, confirmed: int = 2, unconfirmed: int = 1
) -> None:
    """Assess the first ``confirmed + unconfirmed`` work processes as mastered; the school
    confirms the first ``confirmed``."""
    status = trajectory.status
    Trajectory.objects.filter(pk=trajectory.pk).update(status=Status.IN_PROGRESS)
    trajectory.refresh_from_db()
    assert trajectory.qualification is not None
    processes = list(
        trajectory.qualification.work_processes().order_by("core_task__part", "core_task__position", "position")
    )
    on = timezone.localdate() - datetime.timedelta(days=3)
    for index, process in enumerate(processes[: confirmed + unconfirmed]):
        assessment = services.assess_work_process(trajectory, process, by=trainer, level=Level.MASTERED, on=on)
        if index < confirmed:
            services.confirm_assessment(assessment, by=school_staff)
    Trajectory.objects.filter(pk=trajectory.pk).update(status=status)
    trajectory.refresh_from_db()


def build(*, confirmed: int = 2, unconfirmed: int = 1) -> CertificateWorld:
    work = work_world.build(status=Status.ASSESSMENT)
    work.trainer.name = "Tineke Opleider"
    work.trainer.save()
    work.school_staff.name = "Sander de Vries"
    work.school_staff.save()
    work.school.city = "Leeuwarden"
    work.school.save()
    assess(work.trajectory, work.trainer, work.school_staff, confirmed=confirmed, unconfirmed=unconfirmed)
    coordinator = member_of(
        OrganisationFactory.create(name="Regio Groningen", region=work.municipality.region),
        Role.COORDINATOR,
        email="coordinator@groningen.example.nl",
    )
    return CertificateWorld(work=work, coordinator=coordinator)


def another_ready_trajectory(world: CertificateWorld, first_name: str) -> Trajectory:
    """One more learner of the same municipality in the assessment phase, at the same school
    and employer, with the same work processes confirmed."""
    from werkplaats.trajectories.models import Learner, TargetGroup

    original = world.trajectory
    learner = Learner.objects.create(
        organisation=world.work.municipality,
        first_name=first_name,
        last_name="Test",
        date_of_birth=datetime.date(1992, 1, 1),
        target_group=TargetGroup.WW,
    )
    trajectory = services.create_trajectory(
        learner,
        by=world.work.consultant,
        route=original.route,
        intended_outcome=original.intended_outcome,
        qualification=original.qualification,
        school=original.school,
        employer=original.employer,
        workplace_trainer=original.workplace_trainer,
        school_coach=original.school_coach,
        consultant=original.consultant,
        planned_start=original.planned_start,
        planned_end=original.planned_end,
    )
    Trajectory.objects.filter(pk=trajectory.pk).update(status=Status.ASSESSMENT)
    trajectory.refresh_from_db()
    assess(trajectory, world.work.trainer, world.work.school_staff, confirmed=2, unconfirmed=0)
    return trajectory

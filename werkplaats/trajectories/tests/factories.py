"""Factories for the trajectories' tests, and helpers that put a trajectory in a given state
with everything that state implies (employer, trainer, agreed plan, an assessment)."""

from __future__ import annotations

import datetime
from typing import Any

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from werkplaats.organisations.models import Organisation
from werkplaats.organisations.tests.factories import OrganisationFactory
from werkplaats.qualifications.models import Qualification, WorkProcess
from werkplaats.qualifications.tests.factories import CoreTaskFactory, QualificationFactory, WorkProcessFactory
from werkplaats.recognitions.models import Recognition, RecognitionSource
from werkplaats.trajectories.models import (
    EventKind,
    IntendedOutcome,
    Learner,
    LearningPlanVersion,
    Level,
    Route,
    Status,
    TargetGroup,
    Trajectory,
    TrajectoryEvent,
    WorkProcessAssessment,
)


class LearnerFactory(DjangoModelFactory[Learner]):
    class Meta:
        model = Learner

    organisation = factory.SubFactory(OrganisationFactory)
    first_name = factory.Iterator(["Noor", "Daan", "Fatima", "Jeroen", "Anouk", "Mehmet"])
    last_name = factory.Sequence(lambda n: f"Jansen{n}")
    date_of_birth = datetime.date(1990, 5, 1)
    target_group = TargetGroup.PARTICIPATIEWET


class TrajectoryFactory(DjangoModelFactory[Trajectory]):
    """A trajectory written straight to the database in ``status``; no events unless asked.
    Use ``in_state`` for a trajectory whose preconditions for that state hold as well."""

    class Meta:
        model = Trajectory

    learner = factory.SubFactory(LearnerFactory)
    route = Route.PRAKTIJKLEREN
    intended_outcome = IntendedOutcome.PRACTICE_CERTIFICATE
    status = Status.REFERRED


class RecognitionFactory(DjangoModelFactory[Recognition]):
    class Meta:
        model = Recognition

    employer = factory.SubFactory(OrganisationFactory, employer=True)
    crebo = "25499"
    start_date = datetime.date(2020, 1, 1)
    source = RecognitionSource.MANUAL
    places_offered = 2


def qualification_with_work_processes(crebo: str = "25499", count: int = 3) -> Qualification:
    """A current qualification whose basisdeel holds ``count`` work processes."""
    qualification: Qualification = QualificationFactory.create(crebo=crebo, name=f"Qualification {crebo}")
    core_task = CoreTaskFactory.create(file=qualification.file, code="B1-K1")
    for number in range(1, count + 1):
        WorkProcessFactory.create(core_task=core_task, code=f"B1-K1-W{number}", position=number)
    return qualification


def agreed_plan(trajectory: Trajectory, *, by: Any = None, number: int | None = None) -> LearningPlanVersion:
    """A plan version agreed without going through the approvals (see test_plan for those)."""
    if number is None:
        number = (trajectory.plan_versions.count() or 0) + 1
    return LearningPlanVersion.objects.create(
        trajectory=trajectory, number=number, created_by=by, learner_goals="Leren bakken", agreed_at=timezone.now()
    )


def assessed(trajectory: Trajectory, work_process: WorkProcess, *, by: Any, level: str = Level.DEVELOPING) -> Any:
    return WorkProcessAssessment.objects.create(
        trajectory=trajectory, work_process=work_process, level=level, assessed_on=timezone.localdate(), assessed_by=by
    )


def event(trajectory: Trajectory, to: str, *, at: datetime.datetime, frm: str = "", by: Any = None, **kw: Any) -> Any:
    kind = EventKind.CREATED if not frm and to == Status.REFERRED else kw.pop("kind", EventKind.TRANSITION)
    return TrajectoryEvent.objects.create(
        trajectory=trajectory, kind=kind, from_status=frm, to_status=to, actor=by, at=at, **kw
    )


def set_state(trajectory: Trajectory, status: str, *, paused_from: str = "") -> Trajectory:
    """Write ``status`` straight to the row (as if the transitions happened). A paused trajectory
    gets the pause event that says where it resumes."""
    Trajectory.objects.filter(pk=trajectory.pk).update(status=status)
    if status == Status.PAUSED:
        event(trajectory, Status.PAUSED, frm=paused_from or Status.INTAKE, at=timezone.now(), reason="ziek")
    trajectory.refresh_from_db()
    return trajectory


def employer_in(organisation: Organisation) -> Organisation:
    created: Organisation = OrganisationFactory.create(employer=True, region=organisation.region)
    return created


def work_process(trajectory: Trajectory, number: int = 1) -> WorkProcess:
    """The trajectory qualification's work process B1-K1-W<number>."""
    assert trajectory.qualification is not None
    found: WorkProcess = trajectory.qualification.work_processes().get(code=f"B1-K1-W{number}")
    return found

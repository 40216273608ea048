"""The trajectories' cast, in the Groningen region of the root fixtures: the consultant of
Gemeente Haren (root conftest) and a coordinator there, a school with a coach, an employer
recognised for a qualification with three work processes and its trainer, a learner who can log
in, and their trajectory (referred, with school, employer, trainer and start date filled in).
The outsider of the root conftest holds strong roles in Drenthe."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from werkplaats.accounts.models import User
from werkplaats.organisations.models import Organisation, OrganisationKind, Region, Role
from werkplaats.organisations.tests.factories import OrganisationFactory, member_of
from werkplaats.qualifications.models import Qualification
from werkplaats.recognitions.models import Recognition
from werkplaats.trajectories import services
from werkplaats.trajectories.models import IntendedOutcome, Learner, Route, TargetGroup, Trajectory

from .factories import RecognitionFactory, qualification_with_work_processes

START = datetime.date(2025, 3, 3)


@pytest.fixture
def coordinator(organisation: Organisation) -> User:
    return member_of(organisation, Role.COORDINATOR, email="coordinator@haren.example.nl")


@pytest.fixture
def school(groningen: Region) -> Organisation:
    created: Organisation = OrganisationFactory.create(
        name="Noorderpoort Test", kind=OrganisationKind.MBO_SCHOOL, region=groningen
    )
    return created


@pytest.fixture
def coach(school: Organisation) -> User:
    return member_of(school, Role.SCHOOL_STAFF, email="coach@school.example.nl")


@pytest.fixture
def employer(groningen: Region) -> Organisation:
    created: Organisation = OrganisationFactory.create(name="Facilitair Test", employer=True, region=groningen)
    return created


@pytest.fixture
def trainer(employer: Organisation) -> User:
    return member_of(employer, Role.WORKPLACE_TRAINER, email="trainer@facilitair.example.nl")


@pytest.fixture
def qualification(db: None) -> Qualification:
    return qualification_with_work_processes("25499")


@pytest.fixture
def recognition(employer: Organisation, qualification: Qualification) -> Recognition:
    created: Recognition = RecognitionFactory.create(
        employer=employer, crebo=qualification.crebo, start_date=datetime.date(2020, 1, 1)
    )
    return created


@pytest.fixture
def learner_user(organisation: Organisation) -> User:
    return member_of(organisation, Role.LEARNER, email="deelnemer@example.nl")


@pytest.fixture
def learner(organisation: Organisation, consultant: User, learner_user: User) -> Learner:
    learner = services.register_learner(
        organisation,
        by=consultant,
        first_name="Noor",
        last_name="Jansen",
        date_of_birth=datetime.date(1990, 5, 1),
        target_group=TargetGroup.PARTICIPATIEWET,
        support_needs="Dyslexie; korte instructies werken het best.",
    )
    learner.user = learner_user
    learner.save(update_fields=["user"])
    return learner


@pytest.fixture
def trajectory(
    learner: Learner,
    consultant: User,
    coach: User,
    trainer: User,
    school: Organisation,
    employer: Organisation,
    qualification: Qualification,
    recognition: Recognition,
) -> Trajectory:
    return services.create_trajectory(
        learner,
        by=consultant,
        route=Route.PRAKTIJKLEREN,
        intended_outcome=IntendedOutcome.CERTIFICATE,
        qualification=qualification,
        school=school,
        employer=employer,
        workplace_trainer=trainer,
        school_coach=coach,
        consultant=consultant,
        planned_start=START,
        created_at=timezone.now() - datetime.timedelta(days=30),
    )

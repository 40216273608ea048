"""A hand-built region for the matching tests: a learner in Haren looking for a place for crebo
25499 from 1 September 2026, and employers around them, each left in or out for one reason."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from werkplaats.accounts.models import User
from werkplaats.matching.models import LearningPlace, PlacementRequest, RequestStatus
from werkplaats.organisations.models import Organisation, Role
from werkplaats.organisations.tests.factories import OrganisationFactory, member_of
from werkplaats.qualifications.models import Qualification
from werkplaats.qualifications.tests.factories import QualificationFactory
from werkplaats.recognitions.models import Recognition, RecognitionSource
from werkplaats.trajectories.models import Learner, Status, TargetGroup, Trajectory
from werkplaats.trajectories.tests.factories import LearnerFactory, TrajectoryFactory

CREBO = "25499"
OTHER_CREBO = "25173"
START = datetime.date(2026, 9, 1)
HAREN = (Decimal("53.17300"), Decimal("6.60400"))
GRONINGEN = (Decimal("53.21940"), Decimal("6.56650"))  # about 6 km from Haren
EMMEN = (Decimal("52.77920"), Decimal("6.90690"))  # about 48 km from Haren


@dataclass
class World:
    organisation: Organisation
    consultant: User
    qualification: Qualification
    learner: Learner
    trajectory: Trajectory
    near: Organisation
    far: Organisation
    full: Organisation
    full_by_request: Organisation
    expired: Organisation
    not_yet: Organisation
    later_period: Organisation
    no_place: Organisation
    other_qualification: Organisation
    trainer: User  # workplace trainer of ``near``


def employer(organisation: Organisation, name: str, at: tuple[Decimal, Decimal] | None = None) -> Organisation:
    created: Organisation = OrganisationFactory.create(
        name=name,
        employer=True,
        region=organisation.region,
        latitude=at[0] if at else None,
        longitude=at[1] if at else None,
    )
    return created


def recognise(
    employer: Organisation,
    crebo: str = CREBO,
    start: datetime.date = datetime.date(2020, 1, 1),
    end: datetime.date | None = None,
) -> Recognition:
    return Recognition.objects.create(
        employer=employer, crebo=crebo, start_date=start, end_date=end, source=RecognitionSource.MANUAL
    )


def offer(employer: Organisation, crebo: str = CREBO, capacity: int = 1, **fields: object) -> LearningPlace:
    fields.setdefault("period_start", datetime.date(2025, 1, 1))
    return LearningPlace.objects.create(employer=employer, crebo=crebo, capacity=capacity, **fields)


def trajectory_at(
    organisation: Organisation, employer: Organisation | None, qualification: Qualification, status: str
) -> Trajectory:
    created: Trajectory = TrajectoryFactory.create(
        learner=LearnerFactory.create(organisation=organisation),
        qualification=qualification,
        employer=employer,
        status=status,
        planned_start=START,
    )
    return created


def build(organisation: Organisation, consultant: User) -> World:
    Organisation.objects.filter(pk=organisation.pk).update(latitude=HAREN[0], longitude=HAREN[1])
    organisation.refresh_from_db()
    qualification = QualificationFactory.create(crebo=CREBO, name="Medewerker facilitaire dienstverlening")
    other = QualificationFactory.create(crebo=OTHER_CREBO, name="Bakker")
    learner = LearnerFactory.create(
        organisation=organisation,
        first_name="Noor",
        last_name="Jansen",
        target_group=TargetGroup.PARTICIPATIEWET,
        support_needs="Heeft een rustige werkplek nodig",
    )
    trajectory = TrajectoryFactory.create(
        learner=learner,
        qualification=qualification,
        status=Status.SEARCHING,
        planned_start=START,
        consultant=consultant,
    )

    near = employer(organisation, "Schoonmaak Noord", GRONINGEN)
    recognise(near)
    offer(near, capacity=2, hours_per_week=24, target_groups=[TargetGroup.PARTICIPATIEWET], trainer_available=True)
    for status in (Status.COMPLETED, Status.COMPLETED, Status.COMPLETED, Status.STOPPED):
        trajectory_at(organisation, near, qualification, status)

    far = employer(organisation, "Facilitair Zuid", EMMEN)
    recognise(far, end=datetime.date(2027, 12, 31))
    offer(far, capacity=1, hours_per_week=36, trainer_available=False)

    full = employer(organisation, "Vol Bedrijf", GRONINGEN)
    recognise(full)
    offer(full, capacity=1)
    trajectory_at(organisation, full, qualification, Status.IN_PROGRESS)

    full_by_request = employer(organisation, "Aangenomen Bedrijf", GRONINGEN)
    recognise(full_by_request)
    taken = offer(full_by_request, capacity=1)
    PlacementRequest.objects.create(
        trajectory=trajectory_at(organisation, None, qualification, Status.SEARCHING),
        employer=full_by_request,
        place=taken,
        status=RequestStatus.ACCEPTED,
    )

    expired = employer(organisation, "Verlopen Erkenning", GRONINGEN)
    recognise(expired, end=datetime.date(2026, 6, 30))
    offer(expired, capacity=3)

    not_yet = employer(organisation, "Nog Niet Erkend", GRONINGEN)
    recognise(not_yet, start=datetime.date(2027, 1, 1))
    offer(not_yet, capacity=3)

    later_period = employer(organisation, "Later Beschikbaar", GRONINGEN)
    recognise(later_period)
    offer(later_period, capacity=3, period_start=datetime.date(2027, 1, 1))

    no_place = employer(organisation, "Erkend Zonder Plaats", GRONINGEN)
    recognise(no_place)

    other_qualification = employer(organisation, "Bakkerij Anders", GRONINGEN)
    recognise(other_qualification, crebo=OTHER_CREBO)
    offer(other_qualification, crebo=OTHER_CREBO, capacity=3)
    trajectory_at(organisation, None, other, Status.SEARCHING)

    return World(
        organisation=organisation,
        consultant=consultant,
        qualification=qualification,
        learner=learner,
        trajectory=Trajectory.objects.for_page().get(pk=trajectory.pk),
        near=near,
        far=far,
        full=full,
        full_by_request=full_by_request,
        expired=expired,
        not_yet=not_yet,
        later_period=later_period,
        no_place=no_place,
        other_qualification=other_qualification,
        trainer=member_of(near, Role.WORKPLACE_TRAINER, email="opleider@schoonmaaknoord.example.nl"),
    )


def more_employers(w: World, count: int) -> None:
    """``count`` more suitable employers, each with a place, a recognition and some history."""
    for number in range(count):
        extra = employer(w.organisation, f"Extra {number}", GRONINGEN)
        recognise(extra)
        offer(extra, capacity=2, hours_per_week=20)
        trajectory_at(w.organisation, extra, w.qualification, Status.COMPLETED)

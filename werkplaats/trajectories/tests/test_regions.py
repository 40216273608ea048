"""The region stored on each trajectory follows the certificates' rule after every change."""

from __future__ import annotations

import pytest

from werkplaats.organisations.models import Organisation, OrganisationKind, Region
from werkplaats.organisations.tests.factories import OrganisationFactory
from werkplaats.trajectories.models import Trajectory
from werkplaats.trajectories.regions import refresh_regions, region_of
from werkplaats.trajectories.tests.factories import LearnerFactory, TrajectoryFactory


@pytest.fixture
def friesland(db: None) -> Region:
    return Region.objects.get_or_create(code="AM02", defaults={"name": "Friesland"})[0]


def stored(trajectory: Trajectory) -> int | None:
    return Trajectory.objects.values_list("region_id", flat=True).get(pk=trajectory.pk)


def test_the_learners_organisation_counts_first_then_the_employer_then_the_school(
    groningen: Region, drenthe: Region, friesland: Region
) -> None:
    municipality = OrganisationFactory.create(region=groningen)
    nowhere = OrganisationFactory.create(region=None)
    employer = OrganisationFactory.create(employer=True, region=drenthe)
    school = OrganisationFactory.create(kind=OrganisationKind.MBO_SCHOOL, region=friesland)

    def made(organisation: Organisation, **kwargs: object) -> Trajectory:
        return TrajectoryFactory.create(learner=LearnerFactory.create(organisation=organisation), **kwargs)

    assert stored(made(municipality, employer=employer, school=school)) == groningen.pk
    assert stored(made(nowhere, employer=employer, school=school)) == drenthe.pk
    assert stored(made(nowhere, school=school)) == friesland.pk
    assert stored(made(nowhere)) is None


def test_a_new_employer_saved_with_update_fields_moves_the_trajectory(groningen: Region, drenthe: Region) -> None:
    trajectory = TrajectoryFactory.create(
        learner=LearnerFactory.create(organisation=OrganisationFactory.create(region=None))
    )
    assert stored(trajectory) is None

    trajectory.employer = OrganisationFactory.create(employer=True, region=drenthe)
    trajectory.save(update_fields=["employer"])

    assert stored(trajectory) == drenthe.pk == trajectory.region_id


def test_an_organisation_that_moves_takes_its_trajectories_along(groningen: Region, drenthe: Region) -> None:
    municipality = OrganisationFactory.create(region=groningen)
    employer = OrganisationFactory.create(employer=True, region=groningen)
    own = TrajectoryFactory.create(learner=LearnerFactory.create(organisation=municipality))
    placed = TrajectoryFactory.create(
        learner=LearnerFactory.create(organisation=OrganisationFactory.create(region=None)), employer=employer
    )

    municipality.region = drenthe
    municipality.save()
    employer.region = drenthe
    employer.save(update_fields=["region"])

    assert stored(own) == stored(placed) == drenthe.pk


def test_a_learner_registered_by_another_organisation_takes_its_trajectories_along(
    groningen: Region, drenthe: Region
) -> None:
    learner = LearnerFactory.create(organisation=OrganisationFactory.create(region=groningen))
    trajectory = TrajectoryFactory.create(learner=learner)

    learner.organisation = OrganisationFactory.create(region=drenthe)
    learner.save()

    assert stored(trajectory) == drenthe.pk


def test_a_bulk_refresh_stores_what_each_save_would(groningen: Region, drenthe: Region) -> None:
    organisations = [OrganisationFactory.create(region=region) for region in (groningen, drenthe, None)]
    employer = OrganisationFactory.create(employer=True, region=drenthe)
    for n in range(9):
        TrajectoryFactory.create(
            learner=LearnerFactory.create(organisation=organisations[n % 3]), employer=employer if n % 2 else None
        )
    Trajectory.objects.update(region=None)  # as a COPY leaves them

    assert refresh_regions(Trajectory.objects.all()) == 9

    assert {t.pk: t.region_id for t in Trajectory.objects.all()} == {
        t.pk: region_of(t) for t in Trajectory.objects.all()
    }
    assert Trajectory.objects.filter(region__isnull=True).count() == 2  # no region, no employer

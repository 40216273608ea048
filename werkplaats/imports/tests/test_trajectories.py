"""Trajectories of registered learners, through ``create_trajectory`` (its rules and events)."""

from __future__ import annotations

import datetime

import pytest

from werkplaats.imports.models import DuplicateAction, ImportKind, ImportMode, JobStatus
from werkplaats.organisations.models import OrganisationKind
from werkplaats.organisations.tests.factories import OrganisationFactory
from werkplaats.qualifications.tests.factories import QualificationFactory
from werkplaats.trajectories.models import EventKind, Route, Status, TargetGroup, Trajectory, TrajectoryEvent
from werkplaats.trajectories.tests.factories import LearnerFactory, TrajectoryFactory

from .conftest import csv_bytes

pytestmark = pytest.mark.usefixtures("english")

HEADER = [
    "Voornaam",
    "Achternaam",
    "Geboortedatum",
    "Leerweg",
    "Beoogd resultaat",
    "Crebo",
    "BRIN",
    "Werkgever",
    "Startdatum",
]


@pytest.fixture
def cast(organisation, groningen):
    learner = LearnerFactory.create(
        organisation=organisation,
        first_name="Sem",
        last_name="Bos",
        date_of_birth=datetime.date(1990, 1, 1),
        target_group=TargetGroup.WW,
    )
    school = OrganisationFactory.create(
        name="Noorderpoort", kind=OrganisationKind.MBO_SCHOOL, brin="25LP", region=groningen
    )
    employer = OrganisationFactory.create(name="Bolhuis", employer=True, kvk_number="12345678", region=groningen)
    qualification = QualificationFactory.create(crebo="25173")
    return learner, school, employer, qualification


def test_a_consultant_imports_trajectories_of_registered_learners(organisation, consultant, cast, do_import):
    learner, school, employer, qualification = cast
    data = csv_bytes(
        [
            HEADER,
            [
                "Sem",
                "Bos",
                "01-01-1990",
                "praktijkleren",
                "praktijkverklaring",
                "25173",
                "25LP",
                "12345678",
                "2026-02-01",
            ],
        ]
    )

    job = do_import(organisation, consultant, ImportKind.TRAJECTORIES, data)

    assert job.status == JobStatus.DONE, job.errors
    trajectory = Trajectory.objects.get()
    assert (trajectory.learner, trajectory.school, trajectory.employer) == (learner, school, employer)
    assert (trajectory.qualification, trajectory.status) == (qualification, Status.REFERRED)
    assert trajectory.created_by == consultant
    assert TrajectoryEvent.objects.get(trajectory=trajectory).kind == EventKind.CREATED


def test_unknown_learner_crebo_school_and_employer_are_errors(organisation, consultant, cast, do_import):
    data = csv_bytes(
        [
            HEADER,
            ["Onbekend", "Iemand", "01-01-1990", "bbl", "diploma", "", "", "", ""],
            ["Sem", "Bos", "01-01-1990", "bbl", "diploma", "99999", "99XX", "87654321", ""],
            ["Sem", "Bos", "01-01-1990", "praktijkleren", "praktijkverklaring", "", "", "", ""],
            ["Sem", "Bos", "01-01-1990", "vliegen", "diploma", "", "", "", ""],
        ]
    )

    job = do_import(organisation, consultant, ImportKind.TRAJECTORIES, data)

    assert job.status == JobStatus.FAILED
    where = {(row, column) for row, column, _m in job.errors}
    assert where == {(2, ""), (3, "Crebo"), (3, "BRIN"), (3, "Werkgever"), (4, "Crebo"), (5, "Leerweg")}
    assert not Trajectory.objects.exists()


def test_an_open_trajectory_for_the_same_route_and_qualification_is_a_duplicate(
    organisation, consultant, cast, do_import
):
    learner, school, _employer, qualification = cast
    current = TrajectoryFactory.create(learner=learner, route=Route.PRAKTIJKLEREN, qualification=qualification)
    data = csv_bytes(
        [HEADER, ["Sem", "Bos", "01-01-1990", "praktijkleren", "praktijkverklaring", "25173", "25LP", "", "2026-03-01"]]
    )

    skipped = do_import(organisation, consultant, ImportKind.TRAJECTORIES, data)
    assert skipped.summary["duplicates"] == 1
    assert Trajectory.objects.count() == 1

    merged = do_import(organisation, consultant, ImportKind.TRAJECTORIES, data, duplicates=DuplicateAction.MERGE)

    assert merged.status == JobStatus.DONE, merged.errors
    current.refresh_from_db()
    assert (current.school, current.planned_start) == (school, datetime.date(2026, 3, 1))
    assert Trajectory.objects.count() == 1


def test_the_command_line_needs_a_person_for_trajectories(organisation, cast, tmp_path):
    from django.core.management import CommandError, call_command

    path = tmp_path / "trajecten.csv"
    path.write_bytes(csv_bytes([HEADER]))
    with pytest.raises(CommandError, match="--user"):
        call_command("import_trajectories", str(path), "--organisation", organisation.slug)


def test_valid_only_writes_the_trajectories_the_service_accepts(organisation, consultant, cast, do_import):
    data = csv_bytes(
        [
            HEADER,
            ["Sem", "Bos", "01-01-1990", "bbl", "diploma", "25173", "", "", ""],
            ["Sem", "Bos", "01-01-1990", "werkplekleren", "eigen_doelen", "", "", "", "2026-13-01"],
        ]
    )

    job = do_import(organisation, consultant, ImportKind.TRAJECTORIES, data, mode=ImportMode.VALID_ONLY)

    assert job.status == JobStatus.DONE
    assert Trajectory.objects.get().route == Route.BBL
    assert job.summary["errors"] == 1

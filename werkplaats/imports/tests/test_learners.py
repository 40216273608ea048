"""Learners: duplicates (name and date of birth, in the file and in the register), merging,
valid-only imports with the rejected rows, and all-or-nothing leaving everything as it was."""

from __future__ import annotations

import datetime
import io

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from openpyxl import load_workbook

from werkplaats.audit.models import Action, AuditLogEntry
from werkplaats.imports import services
from werkplaats.imports.models import DuplicateAction, ImportJob, ImportKind, ImportMode, JobStatus
from werkplaats.insights.models import TrajectoryFact
from werkplaats.organisations.models import Organisation, Role
from werkplaats.organisations.tests.factories import member_of
from werkplaats.trajectories.models import Learner, TargetGroup, Trajectory, TrajectoryEvent
from werkplaats.trajectories.tests.factories import LearnerFactory

from .conftest import LEARNER_HEADER, csv_bytes

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def registered(organisation: Organisation) -> Learner:
    return LearnerFactory.create(
        organisation=organisation,
        first_name="Noor",
        last_name="de Vries",
        date_of_birth=datetime.date(1995, 4, 12),
        target_group=TargetGroup.WW,
        email="",
        phone="06-12345678",
    )


def _file(*rows: list[str]) -> bytes:
    return csv_bytes([LEARNER_HEADER, *rows])


def _tables() -> dict[str, int]:
    return {
        "learners": Learner.objects.count(),
        "trajectories": Trajectory.objects.count(),
        "events": TrajectoryEvent.objects.count(),
        "facts": TrajectoryFact.objects.count(),
        "audit": AuditLogEntry.objects.count(),
    }


def test_a_duplicate_in_the_register_is_shown_and_skipped(organisation, consultant, registered, do_import):
    data = _file(
        ["noor", "De Vries", "12-04-1995", "participatiewet", "noor@example.nl"], ["Sem", "Bos", "1990-01-01", "WW", ""]
    )

    job = do_import(organisation, consultant, ImportKind.LEARNERS, data, check_only=True)

    assert job.preview["counts"] == {"rows": 2, "new": 1, "updates": 1, "duplicates": 1, "errors": 0}
    assert job.preview["duplicates"][0][0] == 2
    assert "Noor de Vries" in job.preview["duplicates"][0][1]

    job = services.start_run(job, by=consultant, mode=ImportMode.ALL_OR_NOTHING, duplicates="skip", inline=True)

    assert job.status == JobStatus.DONE
    assert Learner.objects.count() == 2
    registered.refresh_from_db()
    assert (registered.target_group, registered.email) == (TargetGroup.WW, "")


def test_merging_fills_in_the_files_non_empty_values(organisation, consultant, registered, do_import):
    data = _file(["Noor", "de Vries", "12-04-1995", "participatiewet", "noor@example.nl"])

    job = do_import(organisation, consultant, ImportKind.LEARNERS, data, duplicates=DuplicateAction.MERGE)

    assert job.status == JobStatus.DONE
    assert job.summary["updated"] == 1
    registered.refresh_from_db()
    assert registered.target_group == TargetGroup.PARTICIPATIEWET
    assert registered.email == "noor@example.nl"
    assert registered.phone == "06-12345678"  # not in the file: kept
    assert Learner.objects.count() == 1
    # The change went through save(): the learner's own audit entry, beside the import's.
    assert AuditLogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Learner), object_id=str(registered.pk), action=Action.UPDATE
    ).exists()


def test_duplicates_within_the_file_are_never_doubled(organisation, consultant, do_import):
    rows = [["Sem", "Bos", "1990-01-01", "WW", ""], ["sem", "bos", "01-01-1990", "WW", "sem@example.nl"]]

    skipped = do_import(organisation, consultant, ImportKind.LEARNERS, _file(*rows))

    assert skipped.preview["counts"]["duplicates"] == 1
    assert "row 2" in skipped.preview["duplicates"][0][1]
    assert Learner.objects.get().email == ""

    Learner.objects.all().delete()
    merged = do_import(organisation, consultant, ImportKind.LEARNERS, _file(*rows), duplicates=DuplicateAction.MERGE)

    assert merged.status == JobStatus.DONE
    assert Learner.objects.get().email == "sem@example.nl"


def test_all_or_nothing_with_an_error_changes_no_table(organisation, consultant, registered, do_import):
    before = _tables()
    data = _file(
        ["Noor", "de Vries", "12-04-1995", "participatiewet", ""],
        ["Sem", "Bos", "1990-01-01", "WW", ""],
        ["Fout", "Datum", "1990-13-01", "WW", ""],
    )

    job = do_import(organisation, consultant, ImportKind.LEARNERS, data, duplicates=DuplicateAction.MERGE)

    assert job.status == JobStatus.FAILED
    assert _tables() == before
    registered.refresh_from_db()
    assert registered.target_group == TargetGroup.WW


def test_valid_only_imports_the_rest_and_returns_the_rejected_rows(organisation, consultant, do_import):
    data = _file(
        ["Sem", "Bos", "1990-01-01", "WW", ""],
        ["Fout", "Datum", "1990-13-01", "WW", ""],
        ["Lies", "Kok", "1992-02-02", "onbekend", '=HYPERLINK("x")'],
    )

    job = do_import(organisation, consultant, ImportKind.LEARNERS, data, mode=ImportMode.VALID_ONLY)

    assert job.status == JobStatus.DONE
    assert list(Learner.objects.values_list("first_name", flat=True)) == ["Sem"]
    assert job.summary["created"] == 1
    assert job.summary["errors"] == 2
    assert bytes(job.data) == b""  # the uploaded file is not kept once imported
    sheet = load_workbook(io.BytesIO(bytes(job.rejected))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("row", "errors", *LEARNER_HEADER)
    assert [row[0] for row in rows[1:]] == [3, 4]
    assert "Geboortedatum: '1990-13-01' is not a date" in rows[1][1]
    assert "Doelgroep" in rows[2][1] and "E-mail" in rows[2][1]
    # The file's text comes back as text, never as a formula.
    assert rows[2][-1] == '=HYPERLINK("x")'
    assert sheet["G3"].data_type == "s"


def test_one_audit_entry_per_import_with_the_counts(organisation, consultant, do_import):
    data = _file(["Sem", "Bos", "1990-01-01", "WW", ""], ["Lies", "Kok", "1992-02-02", "WW", ""])

    job = do_import(organisation, consultant, ImportKind.LEARNERS, data)

    entry = AuditLogEntry.objects.get(
        content_type=ContentType.objects.get_for_model(ImportJob), object_id=str(job.pk), action=Action.CREATE
    )
    assert entry.changes["created"] == 2
    assert entry.changes["kind"] == "learners"
    assert entry.subject_organisation_id == organisation.pk


def test_the_learners_belong_to_the_organisation_and_the_importer(organisation, consultant, do_import):
    do_import(organisation, consultant, ImportKind.LEARNERS, _file(["Sem", "Bos", "1990-01-01", "WW", ""]))

    learner = Learner.objects.get()
    assert learner.organisation == organisation
    assert learner.created_by == consultant


@pytest.mark.parametrize("role", [Role.SCHOOL_STAFF, Role.WORKPLACE_TRAINER, Role.ADMIN, Role.LEARNER])
def test_only_consultants_and_coordinators_import_learners(organisation, role):
    user = member_of(organisation, role)

    with pytest.raises(PermissionDenied):
        services.start_import(
            organisation,
            kind=ImportKind.LEARNERS,
            by=user,
            file_name="a.csv",
            data=_file(["A", "B", "1990-01-01", "WW", ""]),
        )


def test_nobody_imports_for_another_organisation(organisation, other_organisation, outsider):
    with pytest.raises(PermissionDenied):
        services.start_import(
            organisation,
            kind=ImportKind.LEARNERS,
            by=outsider,
            file_name="a.csv",
            data=_file(["A", "B", "1990-01-01", "WW", ""]),
        )

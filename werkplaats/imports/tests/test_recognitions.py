"""Recognitions through the register's own import: its rules, with column mapping and the
choice of all-or-nothing or valid rows only."""

from __future__ import annotations

import datetime

import pytest

from werkplaats.imports.models import DuplicateAction, ImportKind, ImportMode, JobStatus
from werkplaats.organisations.tests.factories import OrganisationFactory
from werkplaats.qualifications.tests.factories import QualificationFactory
from werkplaats.recognitions.models import Recognition
from werkplaats.trajectories.tests.factories import RecognitionFactory

from .conftest import csv_bytes, xlsx_bytes

pytestmark = pytest.mark.usefixtures("english")

HEADER = ["KvK", "Crebo", "Erkend vanaf", "Erkend tot", "Plaatsen"]


@pytest.fixture
def employer(groningen):
    QualificationFactory.create(crebo="25173")
    return OrganisationFactory.create(name="Bolhuis", employer=True, kvk_number="12345678", region=groningen)


def test_a_coordinator_imports_recognitions_with_mapped_columns(organisation, coordinator, employer, do_import):
    data = xlsx_bytes([HEADER, ["12345678", 25173, datetime.datetime(2025, 1, 1), None, 3]])

    job = do_import(organisation, coordinator, ImportKind.RECOGNITIONS, data, name="erkenningen.xlsx")

    assert job.status == JobStatus.DONE, job.errors
    recognition = Recognition.objects.get()
    assert (recognition.employer, recognition.crebo, recognition.places_offered) == (employer, "25173", 3)
    assert recognition.start_date == datetime.date(2025, 1, 1)


def test_the_registers_rules_are_reported_per_row(organisation, coordinator, employer, do_import):
    data = csv_bytes(
        [
            HEADER,
            ["12345678", "25173", "2025-01-01", "2024-01-01", ""],
            ["99999999", "25173", "2025-01-01", "", ""],
            ["12345678", "11111", "2025-01-01", "", ""],
            ["12345678", "25173", "2026-01-01", "", "2"],
        ]
    )

    job = do_import(organisation, coordinator, ImportKind.RECOGNITIONS, data)

    assert job.status == JobStatus.FAILED
    assert {row for row, _c, _m in job.errors} == {2, 3, 4}
    assert not Recognition.objects.exists()

    valid = do_import(organisation, coordinator, ImportKind.RECOGNITIONS, data, mode=ImportMode.VALID_ONLY)

    assert valid.status == JobStatus.DONE
    assert list(Recognition.objects.values_list("start_date", flat=True)) == [datetime.date(2026, 1, 1)]
    assert valid.summary["errors"] == 3


def test_a_registered_recognition_is_skipped_or_merged(organisation, coordinator, employer, do_import):
    RecognitionFactory.create(employer=employer, crebo="25173", start_date=datetime.date(2025, 1, 1), places_offered=1)
    data = csv_bytes([HEADER, ["12345678", "25173", "2025-01-01", "", "4"]])

    skipped = do_import(organisation, coordinator, ImportKind.RECOGNITIONS, data)
    assert skipped.summary["duplicates"] == 1
    assert Recognition.objects.get().places_offered == 1

    merged = do_import(organisation, coordinator, ImportKind.RECOGNITIONS, data, duplicates=DuplicateAction.MERGE)
    assert merged.summary["updated"] == 1
    assert Recognition.objects.get().places_offered == 4

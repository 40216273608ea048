"""Employers: organisations of kind employer with their KvK number, duplicates by KvK."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from werkplaats.imports import services
from werkplaats.imports.models import DuplicateAction, ImportKind, ImportMode, JobStatus
from werkplaats.organisations.models import Organisation, OrganisationKind
from werkplaats.organisations.tests.factories import MunicipalityFactory, OrganisationFactory

from .conftest import csv_bytes, xlsx_bytes

pytestmark = pytest.mark.usefixtures("english")

HEADER = ["Bedrijfsnaam", "KvK-nummer", "Postcode", "Plaats", "Gemeente", "Website"]


def _employers() -> list[Organisation]:
    return list(Organisation.objects.filter(kind=OrganisationKind.EMPLOYER).order_by("kvk_number"))


def test_a_coordinator_imports_employers_into_the_region(organisation, groningen, coordinator, do_import):
    MunicipalityFactory.create(name="Haren", region=groningen)
    data = xlsx_bytes(
        [
            HEADER,
            ["Bakkerij Bolhuis", "12345678", "9751AB", "Haren", "Haren", "bolhuis.example.nl"],
            ["Garage Dijkstra", 1234567, None, None, None, None],  # a number cell drops the leading zero
        ]
    )

    job = do_import(organisation, coordinator, ImportKind.EMPLOYERS, data, name="werkgevers.xlsx")

    assert job.status == JobStatus.DONE, job.errors
    first, second = _employers()
    assert (first.kvk_number, first.name, first.region) == ("01234567", "Garage Dijkstra", groningen)
    assert second.municipality is not None
    assert (second.postcode, second.municipality.name, second.website) == (
        "9751 AB",
        "Haren",
        "https://bolhuis.example.nl",
    )
    assert second.slug == "bakkerij-bolhuis-12345678"


def test_the_same_kvk_is_a_duplicate_in_the_file_and_in_the_register(organisation, groningen, coordinator, do_import):
    existing = OrganisationFactory.create(name="Oude naam", employer=True, kvk_number="87654321", region=groningen)
    data = csv_bytes(
        [
            HEADER,
            ["Nieuwe naam", "87654321", "", "Groningen", "", ""],
            ["Bakkerij Bolhuis", "12345678", "", "", "", ""],
            ["Bakkerij Bolhuis BV", "12345678", "", "Haren", "", ""],
        ]
    )

    checked = do_import(organisation, coordinator, ImportKind.EMPLOYERS, data, check_only=True)
    assert checked.preview["counts"] == {"rows": 3, "new": 1, "updates": 1, "duplicates": 2, "errors": 0}

    job = services.start_run(checked, by=coordinator, mode=ImportMode.ALL_OR_NOTHING, duplicates="merge", inline=True)

    assert job.status == JobStatus.DONE
    existing.refresh_from_db()
    assert (existing.name, existing.city) == ("Nieuwe naam", "Groningen")
    new = Organisation.objects.get(kvk_number="12345678")
    assert (new.name, new.city) == ("Bakkerij Bolhuis BV", "Haren")  # the later row merged in
    assert len(_employers()) == 2


def test_a_kvk_of_an_organisation_that_is_no_employer_is_an_error(organisation, coordinator, do_import):
    OrganisationFactory.create(name="Noorderpoort", kvk_number="11112222")

    job = do_import(
        organisation, coordinator, ImportKind.EMPLOYERS, csv_bytes([HEADER, ["X", "11112222", "", "", "", ""]])
    )

    assert job.status == JobStatus.FAILED
    assert "not an employer" in job.errors[0][2]


def test_merging_an_employer_of_another_region_is_refused(organisation, drenthe, coordinator, do_import):
    OrganisationFactory.create(name="Drents bedrijf", employer=True, kvk_number="55556666", region=drenthe)
    data = csv_bytes([HEADER, ["Andere naam", "55556666", "", "", "", ""]])

    merged = do_import(organisation, coordinator, ImportKind.EMPLOYERS, data, duplicates=DuplicateAction.MERGE)

    assert merged.status == JobStatus.FAILED
    assert "another region" in merged.errors[0][2]
    assert Organisation.objects.get(kvk_number="55556666").name == "Drents bedrijf"


def test_bad_kvk_postcode_and_municipality_are_reported(organisation, coordinator, do_import):
    data = csv_bytes(
        [
            HEADER,
            ["A", "1234", "", "", "", ""],
            ["B", "22223333", "1234", "", "", ""],
            ["C", "33334444", "", "", "Nergenshuizen", ""],
        ]
    )

    job = do_import(organisation, coordinator, ImportKind.EMPLOYERS, data)

    assert {(row, column) for row, column, _m in job.errors} == {(2, "KvK-nummer"), (3, "Postcode"), (4, "Gemeente")}
    assert not _employers()


def test_consultants_do_not_import_employers(organisation, consultant):
    with pytest.raises(PermissionDenied):
        services.start_import(
            organisation, kind=ImportKind.EMPLOYERS, by=consultant, file_name="a.csv", data=csv_bytes([HEADER])
        )

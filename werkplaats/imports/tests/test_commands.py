"""The management commands: the same import as the page, with exit status and errors."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from werkplaats.imports.models import ImportKind, MappingTemplate
from werkplaats.organisations.models import Organisation, OrganisationKind
from werkplaats.trajectories.models import Learner

from .conftest import LEARNER_HEADER, csv_bytes, learner_rows, xlsx_bytes

pytestmark = pytest.mark.usefixtures("english")


def _run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_import_learners_as_a_consultant(organisation, consultant, tmp_path):
    path = tmp_path / "deelnemers.xlsx"
    path.write_bytes(xlsx_bytes([LEARNER_HEADER, *learner_rows(3)]))

    out, _err = _run("import_learners", str(path), "--organisation", organisation.slug, "--user", consultant.email)

    assert "imported: 3 new" in out
    assert Learner.objects.filter(created_by=consultant).count() == 3


def test_errors_go_to_stderr_and_the_exit_status_is_not_zero(organisation, tmp_path):
    path = tmp_path / "deelnemers.csv"
    path.write_bytes(csv_bytes([LEARNER_HEADER, *learner_rows(2), ["A", "B", "1990-02-30", "WW", ""]]))
    err = io.StringIO()

    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_records", "learners", str(path), "--organisation", organisation.slug, stderr=err)

    assert "row 4, Geboortedatum: '1990-02-30' is not a date" in err.getvalue()
    assert not Learner.objects.exists()


def test_valid_only_writes_the_rejected_rows(organisation, tmp_path):
    path = tmp_path / "deelnemers.csv"
    path.write_bytes(csv_bytes([LEARNER_HEADER, *learner_rows(2), ["A", "B", "1990-02-30", "WW", ""]]))
    rejected = tmp_path / "afgewezen.xlsx"

    with pytest.raises(CommandError, match="1 rows were rejected"):
        call_command(
            "import_records", "learners", str(path), "--organisation", organisation.slug, "--valid-only",
            "--rejected", str(rejected), stdout=io.StringIO(), stderr=io.StringIO(),
        )  # fmt: skip

    assert Learner.objects.count() == 2
    assert [row[0] for row in load_workbook(rejected).active.iter_rows(min_row=2, values_only=True)] == [4]


def test_a_dry_run_writes_nothing(organisation, tmp_path):
    path = tmp_path / "deelnemers.csv"
    path.write_bytes(csv_bytes([LEARNER_HEADER, *learner_rows(2)]))

    out, _err = _run("import_learners", str(path), "--organisation", organisation.slug, "--dry-run")

    assert "2 rows: 2 new" in out
    assert not Learner.objects.exists()


def test_a_saved_template_maps_the_columns(organisation, coordinator, tmp_path):
    MappingTemplate.objects.create(
        organisation=organisation,
        kind=ImportKind.EMPLOYERS,
        name="KvK-export",
        mapping={"name": "Handelsnaam", "kvk_number": "Dossiernummer"},
    )
    path = tmp_path / "werkgevers.csv"
    path.write_bytes(csv_bytes([["Dossiernummer", "Handelsnaam"], ["12345678", "Bakkerij Bolhuis"]]))

    _run(
        "import_employers",
        str(path),
        "--organisation",
        organisation.slug,
        "--user",
        coordinator.email,
        "--template",
        "KvK-export",
    )

    assert Organisation.objects.get(kind=OrganisationKind.EMPLOYER).name == "Bakkerij Bolhuis"


def test_a_user_without_the_right_is_refused(organisation, consultant, tmp_path):
    path = tmp_path / "werkgevers.csv"
    path.write_bytes(csv_bytes([["Naam", "KvK"], ["Bakkerij Bolhuis", "12345678"]]))

    with pytest.raises(CommandError, match="may not import"):
        call_command("import_employers", str(path), "--organisation", organisation.slug, "--user", consultant.email)

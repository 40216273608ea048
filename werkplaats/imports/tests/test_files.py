"""Malformed and unusual files: each gives a clear problem and writes nothing."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from werkplaats.imports import services
from werkplaats.imports.models import ImportKind, ImportMode, JobStatus
from werkplaats.trajectories.models import Learner, TargetGroup

from .conftest import LEARNER_HEADER, csv_bytes, learner_rows, xlsx_bytes

pytestmark = pytest.mark.usefixtures("english")


def _start(organisation, by, data, name="bestand.csv"):
    return services.start_import(organisation, kind=ImportKind.LEARNERS, by=by, file_name=name, data=data)


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("leeg.csv", b"", "is empty"),
        ("leeg.xlsx", xlsx_bytes([]), "is empty"),
        ("lege-kop.csv", b",,\r\nA,B,C\r\n", "no column names"),
        ("alleen-kop.csv", b"Voornaam,Achternaam\r\n", "no rows below the header"),
        ("foto.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "is not a CSV file"),
        ("oud.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "old Excel file"),
        ("kapot.xlsx", b"PK\x03\x04 this is no workbook", "not a valid XLSX file"),
        ("tekst.xlsx", b"Voornaam,Achternaam\n", "not a valid XLSX file"),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_at_upload(organisation, consultant, name, data, message):
    with pytest.raises(ValidationError, match=message):
        _start(organisation, consultant, data, name)


def test_a_windows_1252_csv_with_semicolons_keeps_its_accents(organisation, consultant, do_import):
    data = csv_bytes(
        [["Voornaam", "Achternaam", "Geboortedatum", "Doelgroep"], ["Zoë", "Hoëvenaar-Çelik", "03-11-1998", "WW"]],
        delimiter=";",
        encoding="cp1252",
    )

    job = do_import(organisation, consultant, ImportKind.LEARNERS, data)

    assert job.status == JobStatus.DONE, job.errors
    learner = Learner.objects.get()
    assert (learner.first_name, learner.last_name) == ("Zoë", "Hoëvenaar-Çelik")


def test_utf8_with_a_byte_order_mark_and_tabs(organisation, consultant, do_import):
    data = "\ufeff" + "first name\tlast name\tdate of birth\ttarget group\nAnna\tBakker\t1999-01-31\tparticipatiewet\n"

    job = do_import(organisation, consultant, ImportKind.LEARNERS, data.encode())

    assert job.status == JobStatus.DONE, job.errors
    assert Learner.objects.get().target_group == TargetGroup.PARTICIPATIEWET


def test_a_missing_required_column_cannot_be_mapped(organisation, consultant):
    job = _start(organisation, consultant, csv_bytes([["Voornaam", "Achternaam", "Doelgroep"], ["A", "B", "WW"]]))

    assert "date_of_birth" not in job.mapping
    with pytest.raises(ValidationError) as caught:
        services.choose_mapping(job, mapping=job.mapping, by=consultant, inline=True)
    assert "date_of_birth" in caught.value.message_dict
    job.refresh_from_db()
    assert job.status == JobStatus.MAPPING


def test_one_column_cannot_hold_two_fields(organisation, consultant):
    job = _start(organisation, consultant, csv_bytes([LEARNER_HEADER, *learner_rows(1)]))

    with pytest.raises(ValidationError, match="already chosen"):
        services.choose_mapping(job, mapping={**job.mapping, "last_name": 0}, by=consultant, inline=True)


def test_wrong_types_and_bad_dates_are_reported_per_row_and_column(organisation, consultant, do_import):
    data = csv_bytes(
        [
            LEARNER_HEADER,
            ["Anna", "Bakker", "31-02-2001", "WW", ""],
            ["Bram", "Smit", "gisteren", "WW", ""],
            ["Cor", "Visser", "2001-05-05", "pensioen", "geen-mail"],
            ["", "Leeg", "2001-05-05", "WW", ""],
            ["Dirk", "Later", "2999-01-01", "WW", ""],
            ["Eva", "Goed", "2001-05-05", "WW", "eva@example.nl"],
        ]
    )

    job = do_import(organisation, consultant, ImportKind.LEARNERS, data)

    assert job.status == JobStatus.FAILED
    problems = {(row, column) for row, column, _message in job.errors}
    assert problems == {
        (2, "Geboortedatum"),
        (3, "Geboortedatum"),
        (4, "Doelgroep"),
        (4, "E-mail"),
        (5, "Voornaam"),
        (6, "Geboortedatum"),
    }
    assert "'31-02-2001' is not a date" in " ".join(message for _r, _c, message in job.errors)
    assert job.summary["errors"] == 5
    assert not Learner.objects.exists()


def test_an_xlsx_with_formulas_reads_saved_values_and_flags_unsaved_ones(organisation, consultant, do_import):
    # openpyxl writes formulas without a saved value; the first row's name is a plain value.
    data = xlsx_bytes(
        [
            LEARNER_HEADER,
            ["Anna", "Bakker", "2001-05-05", "WW", ""],
            ["Bram", '=UPPER("smit")', "2001-05-06", "WW", ""],
        ]
    )

    job = do_import(organisation, consultant, ImportKind.LEARNERS, data, name="met-formules.xlsx")

    assert job.status == JobStatus.FAILED
    assert [(row, column) for row, column, _m in job.errors] == [(3, "Achternaam")]
    assert "formula without a saved value" in job.errors[0][2]
    assert not Learner.objects.exists()


def test_a_formula_with_a_saved_value_is_read_as_that_value(organisation, consultant, do_import, tmp_path):
    from openpyxl import load_workbook

    data = xlsx_bytes([LEARNER_HEADER, ["Anna", "=B1", "2001-05-05", "WW", ""]])
    # Give the formula a saved value, as Excel does when it saves: the cell's cached <v>.
    import io
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(data))
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w") as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = content.replace(b"<f>B1</f><v></v>", b"<f>B1</f><v>Bakker</v>").replace(
                    b"<f>B1</f><v />", b"<f>B1</f><v>Bakker</v>"
                )
                content = content.replace(b'<c r="B2"', b'<c t="str" r="B2"', 1)
            target.writestr(item, content)
    assert load_workbook(io.BytesIO(output.getvalue()), data_only=True).active["B2"].value == "Bakker"

    job = do_import(organisation, consultant, ImportKind.LEARNERS, output.getvalue(), name="opgeslagen.xlsx")

    assert job.status == JobStatus.DONE, job.errors
    assert Learner.objects.get().last_name == "Bakker"


def test_dates_from_date_cells_and_numbers_from_number_cells(organisation, consultant, do_import):
    import datetime

    data = xlsx_bytes([LEARNER_HEADER, ["Anna", "Bakker", datetime.datetime(2001, 5, 5), "WW", ""]])

    job = do_import(organisation, consultant, ImportKind.LEARNERS, data, name="datums.xlsx")

    assert job.status == JobStatus.DONE, job.errors
    assert Learner.objects.get().date_of_birth == datetime.date(2001, 5, 5)


def test_a_file_of_50000_rows_is_checked_and_imported(organisation, consultant, do_import):
    """All 50,000 rows through the same path as the page; bulk inserts keep it to seconds."""
    rows = learner_rows(50_000)
    rows[49_998][2] = "99-99-2000"

    job = do_import(organisation, consultant, ImportKind.LEARNERS, csv_bytes([LEARNER_HEADER, *rows]))

    assert job.status == JobStatus.FAILED
    assert job.errors == [[50_000, "Geboortedatum", job.errors[0][2]]]
    assert not Learner.objects.exists()

    job = services.start_run(job, by=consultant, mode=ImportMode.VALID_ONLY, duplicates="skip", inline=True)

    assert job.status == JobStatus.DONE
    assert Learner.objects.count() == 49_999
    assert job.summary["created"] == 49_999


def _zip_bomb() -> bytes:
    """A valid workbook with one extra member of 300 MB of zeros: about 300 kB on disk."""
    import io
    import zipfile

    buffer = io.BytesIO(xlsx_bytes([LEARNER_HEADER]))
    with (
        zipfile.ZipFile(buffer, "a", compression=zipfile.ZIP_DEFLATED) as archive,
        archive.open("xl/padding.bin", "w", force_zip64=True) as member,
    ):
        chunk = b"\0" * (1024 * 1024)
        for _ in range(300):
            member.write(chunk)
    return buffer.getvalue()


def test_an_xlsx_that_unpacks_to_hundreds_of_megabytes_is_refused_before_it_is_read(organisation, consultant):
    from werkplaats.recognitions.importer import read

    data = _zip_bomb()
    assert len(data) < 2 * 1024 * 1024

    with pytest.raises(ValidationError, match="unpacks to more than 200 MB"):
        _start(organisation, consultant, data, "bom.xlsx")
    _rows, problems = read("bom.xlsx", data)
    assert [str(p) for p in problems] == ["bom.xlsx unpacks to more than 200 MB; split it into smaller files."]

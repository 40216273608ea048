"""Importing recognitions from CSV and XLSX: every row checked first, nothing half-written."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from werkplaats.accounts.models import User
from werkplaats.organisations.models import Organisation, Region
from werkplaats.qualifications.models import Qualification
from werkplaats.recognitions.models import LearningCompany, Recognition, RecognitionSource
from werkplaats.recognitions.services import ImportRejected, ImportSummary, import_recognitions, withdraw_recognition

from .factories import employer, qualification, recognition
from .importing import HEADER, csv_bytes, snapshot, with_saved_formula_values, xlsx_bytes

ROW = [
    "12345678",
    "25173",
    "2024-01-01",
    "",
    "2",
    "2025-03-14",
    "100200301",
    "Joke Brouwer",
    "j.brouwer@example.nl",
    "050 000 0101",
]
OTHER_ROW = ["12345678", "25167", "01-09-2023", "31-08-2026", "", "", "", "", "", ""]


@pytest.fixture
def catalogue(uitvoerend_bakker: Qualification, verkoper: Qualification) -> None:
    return None


@pytest.fixture
def rejected(bakery: Organisation, catalogue: None) -> Callable[[str, bytes], list[str]]:
    """Import a file that must be rejected; return its problems and check nothing changed."""

    def run(name: str, data: bytes, **kwargs: Any) -> list[str]:
        before = snapshot()
        with pytest.raises(ImportRejected) as exc:
            import_recognitions(name, data, **kwargs)
        assert snapshot() == before
        return [str(problem) for problem in exc.value.problems]

    return run


def _import(data: bytes, name: str = "erkenningen.csv", **kwargs: Any) -> ImportSummary:
    return import_recognitions(name, data, **kwargs)


# --- Good files ---------------------------------------------------------------------------------------


def test_a_good_csv_is_imported(bakery: Organisation, catalogue: None) -> None:
    summary = _import(csv_bytes([ROW, OTHER_ROW]))

    assert (summary.added, summary.updated, summary.unchanged) == (2, 0, 0)
    baker = Recognition.objects.get(crebo="25173")
    assert (baker.employer, baker.start_date, baker.end_date) == (bakery, datetime.date(2024, 1, 1), None)
    assert (baker.places_offered, baker.last_verified_on) == (2, datetime.date(2025, 3, 14))
    assert baker.source == RecognitionSource.IMPORT
    seller = Recognition.objects.get(crebo="25167")
    assert (seller.start_date, seller.end_date, seller.places_offered) == (
        datetime.date(2023, 9, 1),
        datetime.date(2026, 8, 31),
        1,
    )
    company = LearningCompany.objects.get(employer=bakery)
    assert (company.sbb_company_id, company.sbb_adviser_name, company.sbb_adviser_email, company.sbb_adviser_phone) == (
        "100200301",
        "Joke Brouwer",
        "j.brouwer@example.nl",
        "050 000 0101",
    )


def test_importing_the_same_file_again_changes_nothing(bakery: Organisation, catalogue: None) -> None:
    data = csv_bytes([ROW, OTHER_ROW])
    _import(data)
    before = snapshot()

    summary = _import(data)

    assert (summary.added, summary.updated, summary.unchanged, summary.learning_companies) == (0, 0, 2, 0)
    assert snapshot() == before


def test_a_changed_row_updates_the_recognition_with_the_same_start(bakery: Organisation, catalogue: None) -> None:
    _import(csv_bytes([ROW, OTHER_ROW]))
    changed = [*ROW[:3], "2025-12-31", "3", *ROW[5:]]

    summary = _import(csv_bytes([changed, OTHER_ROW]))

    assert (summary.added, summary.updated, summary.unchanged) == (0, 1, 1)
    baker = Recognition.objects.get(crebo="25173")
    assert (baker.end_date, baker.places_offered) == (datetime.date(2025, 12, 31), 3)


def test_an_import_updates_a_recognition_entered_by_hand(bakery: Organisation, catalogue: None) -> None:
    by_hand = recognition(bakery, "25173", start_date=datetime.date(2024, 1, 1), places_offered=1)

    summary = _import(csv_bytes([ROW]))

    by_hand.refresh_from_db()
    assert (summary.added, summary.updated) == (0, 1)
    assert (by_hand.places_offered, by_hand.source) == (2, RecognitionSource.IMPORT)


def test_an_empty_places_cell_keeps_the_registered_places(bakery: Organisation, catalogue: None) -> None:
    recognition(
        bakery, "25167", start_date=datetime.date(2023, 9, 1), end_date=datetime.date(2026, 8, 31), places_offered=3
    )

    summary = _import(csv_bytes([OTHER_ROW]))

    assert summary.unchanged == 1
    assert Recognition.objects.get(crebo="25167").places_offered == 3


def test_a_good_xlsx_with_date_and_number_cells_is_imported(bakery: Organisation, catalogue: None) -> None:
    rows: list[list[Any]] = [
        [
            12345678,
            25173,
            datetime.datetime(2024, 1, 1),
            None,
            2,
            datetime.date(2025, 3, 14),
            100200301,
            "Joke Brouwer",
            "j.brouwer@example.nl",
            None,
        ],
        ["12345678", "25167", "01-09-2023", "2026-08-31", None, None, None, None, None, None],
    ]

    summary = _import(xlsx_bytes(rows), "erkenningen.xlsx")

    assert summary.added == 2
    baker = Recognition.objects.get(crebo="25173")
    assert (baker.start_date, baker.places_offered, baker.last_verified_on) == (
        datetime.date(2024, 1, 1),
        2,
        datetime.date(2025, 3, 14),
    )
    assert LearningCompany.objects.get(employer=bakery).sbb_company_id == "100200301"


def test_a_semicolon_csv_in_windows_1252_is_read_correctly(groningen: Region, catalogue: None) -> None:
    cafe = employer(groningen, "Café René", kvk_number="87654321")
    row = ["87654321", "25173", "1-2-2024", "", "1", "", "", "SBB-adviseur René Café", "rene@example.nl", ""]
    data = csv_bytes([row], encoding="cp1252", delimiter=";")
    assert "é".encode("cp1252") in data and "é".encode() not in data

    summary = _import(data)

    assert summary.added == 1
    assert LearningCompany.objects.get(employer=cafe).sbb_adviser_name == "SBB-adviseur René Café"
    assert Recognition.objects.get(employer=cafe).start_date == datetime.date(2024, 2, 1)


def test_a_utf8_csv_with_a_byte_order_mark_is_read(bakery: Organisation, catalogue: None) -> None:
    data = "\ufeff".encode() + csv_bytes([[*ROW[:7], "José Smit", *ROW[8:]]])

    _import(data)

    assert LearningCompany.objects.get(employer=bakery).sbb_adviser_name == "José Smit"


def test_column_names_may_differ_in_case_and_spaces(bakery: Organisation, catalogue: None) -> None:
    header = ["KvK", "Crebo", "Start date"]

    summary = _import(csv_bytes([["12345678", "25173", "2024-01-01"]], header=header))

    assert summary.added == 1


def test_blank_rows_are_skipped(bakery: Organisation, catalogue: None) -> None:
    summary = _import(csv_bytes([ROW, [""] * len(HEADER), OTHER_ROW]))

    assert summary.added == 2


def test_a_formula_with_a_saved_value_is_read_as_its_value(bakery: Organisation, catalogue: None) -> None:
    data = with_saved_formula_values(xlsx_bytes([["12345678", "25173", "=DATE(2024,1,1)"]], header=HEADER[:3]), "45292")

    summary = _import(data, "erkenningen.xlsx")

    assert summary.added == 1
    assert Recognition.objects.get().start_date == datetime.date(2024, 1, 1)


def test_a_withdrawn_recognition_is_left_as_it_is(bakery: Organisation, catalogue: None, coordinator: User) -> None:
    existing = recognition(bakery, "25173", start_date=datetime.date(2024, 1, 1))
    withdraw_recognition(existing, end_date=datetime.date(2024, 6, 30), reason="Gestopt", by=coordinator)
    before = snapshot()

    summary = _import(csv_bytes([ROW[:3] + [""] * 7]))

    assert (summary.added, summary.updated, summary.unchanged, summary.withdrawn) == (0, 0, 0, 1)
    assert snapshot() == before


# --- Rejected files: nothing written, every problem named -------------------------------------------------


def test_an_xlsx_formula_without_a_saved_value_is_an_error_for_its_row(rejected: Callable[..., list[str]]) -> None:
    data = xlsx_bytes([["12345678", "25173", "=DATE(2024,1,1)"]], header=HEADER[:3])

    problems = rejected("erkenningen.xlsx", data)

    assert problems == [
        "row 2, start_date: the cell holds a formula without a saved value; open and save the file in a spreadsheet"
    ]


def test_wrong_types_are_reported_per_cell(rejected: Callable[..., list[str]]) -> None:
    rows = [
        ["1234567A", "2517", "2024-01-01", "", "twee", "", "", "", "geen adres", ""],
        ["12345678", "25173", "2024-01-01", "", "2.5", "", "", "", "", ""],
    ]

    problems = rejected("erkenningen.csv", csv_bytes(rows))

    assert problems == [
        "row 2, kvk: '1234567A' is not a KvK number (8 digits)",
        "row 2, crebo: '2517' is not a crebo (5 digits)",
        "row 2, places_offered: 'twee' is not a whole number",
        "row 2, sbb_adviser_email: 'geen adres' is not an e-mail address",
        "row 3, places_offered: '2.5' is not a whole number",
    ]


def test_wrong_cell_types_in_an_xlsx_are_reported(rejected: Callable[..., list[str]]) -> None:
    rows = [[True, 25173, datetime.date(2024, 1, 1), 45000, None, None, None, None, None, datetime.date(2024, 1, 1)]]

    problems = rejected("erkenningen.xlsx", xlsx_bytes(rows))

    assert problems == [
        "row 2, kvk: 'True' is not text",
        "row 2, end_date: '45000' is not a date (write YYYY-MM-DD or DD-MM-YYYY)",
        "row 2, sbb_adviser_phone: '2024-01-01 00:00' is not text",
    ]


def test_missing_columns_are_named(rejected: Callable[..., list[str]]) -> None:
    problems = rejected("erkenningen.csv", csv_bytes([["12345678", "25173"]], header=["kvk", "crebo"]))

    assert problems == ["erkenningen.csv: missing column(s) start_date."]


def test_an_unknown_column_is_refused_so_that_a_typo_cannot_drop_data(rejected: Callable[..., list[str]]) -> None:
    problems = rejected(
        "erkenningen.csv",
        csv_bytes([["12345678", "25173", "2024-01-01", "2025-01-01"]], header=[*HEADER[:3], "einddatum"]),
    )

    assert len(problems) == 1
    assert problems[0].startswith("erkenningen.csv: unknown column(s) einddatum.")


def test_bad_dates_are_reported_with_row_and_column(rejected: Callable[..., list[str]]) -> None:
    rows = [
        ["12345678", "25173", "31-02-2024", "", "", "", "", "", "", ""],
        ["12345678", "25167", "2024/01/01", "tomorrow", "", "2024-13-01", "", "", "", ""],
    ]

    problems = rejected("erkenningen.csv", csv_bytes(rows))

    assert problems == [
        "row 2, start_date: '31-02-2024' is not a date (write YYYY-MM-DD or DD-MM-YYYY)",
        "row 3, start_date: '2024/01/01' is not a date (write YYYY-MM-DD or DD-MM-YYYY)",
        "row 3, end_date: 'tomorrow' is not a date (write YYYY-MM-DD or DD-MM-YYYY)",
        "row 3, last_verified_on: '2024-13-01' is not a date (write YYYY-MM-DD or DD-MM-YYYY)",
    ]


def test_a_required_cell_left_empty_is_reported(rejected: Callable[..., list[str]]) -> None:
    problems = rejected("erkenningen.csv", csv_bytes([["12345678", "", ""]], header=HEADER[:3]))

    assert problems == ["row 2, crebo: this column is required", "row 2, start_date: this column is required"]


def test_an_unknown_kvk_number_and_an_unknown_crebo_are_reported(
    rejected: Callable[..., list[str]], organisation: Organisation
) -> None:
    Organisation.objects.filter(pk=organisation.pk).update(kvk_number="11112222")
    rows = [
        ["99999999", "25173", "2024-01-01"],
        ["12345678", "99999", "2024-01-01"],
        ["11112222", "25173", "2024-01-01"],
    ]

    problems = rejected("erkenningen.csv", csv_bytes(rows, header=HEADER[:3]))

    assert problems == [
        "row 2, kvk: no organisation with KvK number 99999999 in Werkplaats",
        "row 3, crebo: crebo 99999 is not in the qualification catalogue",
        "row 4, kvk: Gemeente Haren is not an employer",
    ]


def test_an_end_before_the_start_is_reported(rejected: Callable[..., list[str]]) -> None:
    problems = rejected(
        "erkenningen.csv", csv_bytes([["12345678", "25173", "2024-01-01", "2023-12-31"]], header=HEADER[:4])
    )

    assert problems == ["row 2, end_date: the end date 31-12-2023 is before the start date 01-01-2024"]


def test_duplicate_rows_in_the_file_are_reported(rejected: Callable[..., list[str]]) -> None:
    rows = [
        ["12345678", "25173", "2024-01-01"],
        ["12345678", "25167", "2024-01-01"],
        ["12345678", "25173", "01-01-2024"],
    ]

    problems = rejected("erkenningen.csv", csv_bytes(rows, header=HEADER[:3]))

    assert "row 4: the same KvK number, crebo and start date as row 2" in problems


def test_overlapping_periods_in_the_file_are_reported(rejected: Callable[..., list[str]]) -> None:
    rows = [["12345678", "25173", "2024-01-01", "2024-12-31"], ["12345678", "25173", "2024-06-01", ""]]

    problems = rejected("erkenningen.csv", csv_bytes(rows, header=HEADER[:4]))

    assert problems == ["row 3, start_date: the period overlaps the period in row 2"]


def test_a_period_overlapping_the_register_is_reported(
    rejected: Callable[..., list[str]], bakery: Organisation
) -> None:
    recognition(bakery, "25173", start_date=datetime.date(2020, 1, 1))

    problems = rejected("erkenningen.csv", csv_bytes([["12345678", "25173", "2024-01-01"]], header=HEADER[:3]))

    assert problems == [
        "row 2, start_date: the period overlaps the recognition from 01-01-2020 without an end date in the register"
    ]


def test_rows_of_one_employer_must_agree_on_the_adviser(rejected: Callable[..., list[str]]) -> None:
    rows = [[*ROW[:7], "Joke Brouwer", "", ""], [*OTHER_ROW[:7], "Rik Oosterhuis", "", ""]]

    problems = rejected("erkenningen.csv", csv_bytes(rows))

    assert problems == [
        "row 3, sbb_adviser_name: 'Rik Oosterhuis' differs from 'Joke Brouwer' in row 2 for the same employer"
    ]


def test_a_file_in_neither_utf8_nor_windows_1252_is_refused(rejected: Callable[..., list[str]]) -> None:
    data = csv_bytes([ROW]) + b"\x81\x8d"

    assert rejected("erkenningen.csv", data) == ["erkenningen.csv is neither UTF-8 nor Windows-1252 text."]


def test_an_xlsx_that_is_not_a_workbook_is_refused(rejected: Callable[..., list[str]]) -> None:
    assert rejected("erkenningen.xlsx", csv_bytes([ROW])) == ["erkenningen.xlsx is not a valid XLSX file."]
    assert rejected("erkenningen.xlsx", b"PK\x03\x04 broken") == ["erkenningen.xlsx is not a valid XLSX file."]


def test_an_old_excel_file_is_refused_with_advice(rejected: Callable[..., list[str]]) -> None:
    problems = rejected("erkenningen.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100)

    assert problems == ["erkenningen.xls is an old Excel file (.xls). Save it as .xlsx or .csv."]


def test_an_empty_file_and_a_header_without_rows_are_refused(rejected: Callable[..., list[str]]) -> None:
    assert rejected("leeg.csv", b"") == ["leeg.csv is empty."]
    assert rejected("kop.csv", csv_bytes([])) == ["kop.csv has no rows below the header."]


def test_more_values_than_columns_is_reported(rejected: Callable[..., list[str]]) -> None:
    problems = rejected("erkenningen.csv", csv_bytes([["12345678", "25173", "2024-01-01", "extra"]], header=HEADER[:3]))

    assert problems == ["row 2: there are more values than columns"]


def test_one_bad_row_rejects_the_good_rows_too(rejected: Callable[..., list[str]]) -> None:
    problems = rejected("erkenningen.csv", csv_bytes([ROW, ["12345678", "25167", "gisteren"]]))

    assert problems == ["row 3, start_date: 'gisteren' is not a date (write YYYY-MM-DD or DD-MM-YYYY)"]
    assert not Recognition.objects.exists()


# --- Who may import -----------------------------------------------------------------------------------------


def test_a_coordinator_imports_for_the_employers_of_their_region(
    bakery: Organisation, catalogue: None, coordinator: User
) -> None:
    summary = _import(csv_bytes([ROW]), by=coordinator)

    assert summary.added == 1
    assert Recognition.objects.get().created_by == coordinator


def test_a_coordinator_may_not_import_for_another_regions_employer(
    rejected: Callable[..., list[str]], drenthe: Region, coordinator: User
) -> None:
    employer(drenthe, "Bakkerij Zuidenveld", kvk_number="90000009")

    problems = rejected(
        "erkenningen.csv", csv_bytes([["90000009", "25173", "2024-01-01"]], header=HEADER[:3]), by=coordinator
    )

    assert problems == ["row 2, kvk: you do not keep the register for Bakkerij Zuidenveld (another region)"]


def test_a_consultant_may_not_import(bakery: Organisation, catalogue: None, consultant: User) -> None:
    with pytest.raises(PermissionDenied):
        _import(csv_bytes([ROW]), by=consultant)


# --- A large file ------------------------------------------------------------------------------------------


def _large_file(tmp_path: Path, region: Region, *, bad_row: bool) -> bytes:
    """50,000 rows: 50 employers x 10 qualifications x 100 one-day periods."""
    kvks = [f"{70000000 + n}" for n in range(50)]
    for kvk in kvks:
        employer(region, kvk_number=kvk)
    crebos = [f"{27000 + n}" for n in range(10)]
    for crebo in crebos:
        qualification(crebo)
    first = datetime.date(2020, 1, 1)
    rows = []
    for kvk in kvks:
        for crebo in crebos:
            for n in range(100):
                day = (first + datetime.timedelta(days=n)).isoformat()
                rows.append([kvk, crebo, day, day, "1"])
    if bad_row:
        rows[-1][2] = "2020-02-30"
    path = tmp_path / "groot.csv"
    path.write_bytes(csv_bytes(rows, header=HEADER[:5]))
    return path.read_bytes()


def test_a_50000_row_file_with_one_bad_row_is_rejected_whole(
    tmp_path: Path, groningen: Region, rejected: Callable[..., list[str]]
) -> None:
    data = _large_file(tmp_path, groningen, bad_row=True)

    problems = rejected("groot.csv", data)

    assert problems == ["row 50001, start_date: '2020-02-30' is not a date (write YYYY-MM-DD or DD-MM-YYYY)"]


def test_a_50000_row_file_is_imported(tmp_path: Path, groningen: Region) -> None:
    data = _large_file(tmp_path, groningen, bad_row=False)

    summary = import_recognitions("groot.csv", data)

    assert (summary.rows, summary.added) == (50_000, 50_000)
    assert Recognition.objects.count() == 50_000

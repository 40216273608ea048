"""Every malformed file rejects the whole import: the database is exactly as before, and the report
names the file, the line or element, and the problem. Through the service and through the command."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from werkplaats.qualifications.importers import Problem
from werkplaats.qualifications.services import ImportRejected, import_catalogue

from .helpers import CSV_PATH, DIENSTVERLENING, XML_DIR, read, snapshot

SOCIAAL_WERK = XML_DIR / "2637_Sociaal_werk.xml"

# The reports are read in English, the source language of the messages.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def _xml(path: Path = DIENSTVERLENING) -> str:
    return path.read_text(encoding="utf-8-sig")


def _line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


def _truncated() -> tuple[str, bytes]:
    data = DIENSTVERLENING.read_bytes()
    return ("2755_Dienstverlening.xml", data[: len(data) // 2])


def _without_crebo() -> tuple[str, bytes]:
    text, count = re.subn(r"<crebo [^>]*>25499</crebo>", "", _xml())
    assert count == 1
    return ("2755_Dienstverlening.xml", text.encode())


def _duplicate_core_task() -> tuple[str, bytes]:
    old = 'titel="Werken aan kwaliteit en deskundigheid" hoofdstuk="2"'
    assert _xml(SOCIAAL_WERK).count(old) == 1
    return ("2637_Sociaal_werk.xml", _xml(SOCIAAL_WERK).replace(old, old.replace('"2"', '"1"')).encode())


def _duplicate_work_process() -> tuple[str, bytes]:
    old = 'titel="Maakt ruimtes gebruiksklaar" hoofdstuk="2"'
    assert _xml().count(old) == 1
    return ("2755_Dienstverlening.xml", _xml().replace(old, old.replace('"2"', '"1"')).encode())


def _latin1_in_utf8() -> tuple[str, bytes]:
    assert _xml().startswith('<?xml version="1.0" encoding="utf-8"?>')
    old = b'titel="Maakt ruimtes gebruiksklaar"'
    new = 'titel="Maakt caf\u00e9 en ruimtes gebruiksklaar"'.encode("latin-1")
    return ("2755_Dienstverlening.xml", DIENSTVERLENING.read_bytes().replace(old, new))


def _csv_windows_1252() -> tuple[str, bytes]:
    return ("kwalificaties.csv", CSV_PATH.read_text(encoding="utf-8-sig").encode("cp1252"))


def _xlsx_renamed_to_xml() -> tuple[str, bytes]:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["dossier_crebo", "kwalificatie_crebo", "kwalificatie_naam", "niveau"])
    sheet.append(["23082", "25173", "Uitvoerend bakker", 2])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return ("kwalificaties.xml", buffer.getvalue())


def _csv_missing_column() -> tuple[str, bytes]:
    lines = CSV_PATH.read_text(encoding="utf-8-sig").splitlines()
    header = lines[0].split(",")
    index = header.index("niveau")
    # The first lines have no quoted commas before the level column, so splitting is safe here.
    rows = [",".join(c for i, c in enumerate(line.split(",")) if i != index) for line in lines[:4]]
    return ("kwalificaties.csv", "\n".join(rows).encode())


def _csv_bad_level() -> tuple[str, bytes]:
    lines = CSV_PATH.read_text(encoding="utf-8-sig").splitlines()
    assert ",Allround betonreparateur,3," in lines[2]
    lines[2] = lines[2].replace(",Allround betonreparateur,3,", ",Allround betonreparateur,5,")
    return ("kwalificaties.csv", "\n".join(lines).encode())


def _unknown_type() -> tuple[str, bytes]:
    return ("notities.txt", b"Dit is geen kwalificatiedossier.\n")


@dataclass
class Case:
    make: Callable[[], tuple[str, bytes]]
    file: str
    location: str  # a regular expression the location must match
    message: str  # a part of the message


CASES = {
    "truncated xml": Case(_truncated, "2755_Dienstverlening.xml", r"^line \d+, column \d+$", "not well-formed XML"),
    "profile without crebo": Case(
        _without_crebo,
        "2755_Dienstverlening.xml",
        rf'^line {_line_of(_xml(), "Medewerker facilitaire dienstverlening")}, <profiel\[nr="986408"\]>$',
        "the profile has no valid crebo",
    ),
    "two core tasks with the same chapter": Case(
        _duplicate_core_task,
        "2637_Sociaal_werk.xml",
        rf'^line {_line_of(_xml(SOCIAAL_WERK), "Werken aan kwaliteit en deskundigheid")}, <kerntaak\[nr="966328"\]>$',
        f"code B1-K1 is used twice (also at line {_line_of(_xml(SOCIAAL_WERK), 'Werken aan de aanpak')})",
    ),
    "two work processes with the same chapter": Case(
        _duplicate_work_process,
        "2755_Dienstverlening.xml",
        rf'^line {_line_of(_xml(), "Maakt ruimtes gebruiksklaar")}, <werkproces\[nr="986400"\]>$',
        "code B1-K1-W1 is used twice",
    ),
    "latin-1 bytes in a file that declares utf-8": Case(
        _latin1_in_utf8,
        "2755_Dienstverlening.xml",
        rf"^line {_line_of(_xml(), 'Maakt ruimtes gebruiksklaar')}, column \d+$",
        "UTF-8",
    ),
    "csv in windows-1252": Case(_csv_windows_1252, "kwalificaties.csv", r"^line 65$", "not UTF-8"),
    "xlsx renamed to xml": Case(_xlsx_renamed_to_xml, "kwalificaties.xml", r"^$", "Excel (XLSX)"),
    "csv without the level column": Case(
        _csv_missing_column, "kwalificaties.csv", r"^line 1$", "missing column(s): niveau"
    ),
    "csv with level 5": Case(_csv_bad_level, "kwalificaties.csv", r"^line 3$", "level must be 1, 2, 3 or 4, not '5'"),
    "unknown file type": Case(_unknown_type, "notities.txt", r"^$", "unknown file type"),
}


@pytest.fixture
def catalogue() -> None:
    """Something in the catalogue already, so that 'unchanged' is more than 'still empty'."""
    import_catalogue([read(DIENSTVERLENING), read(SOCIAAL_WERK)])


def _assert_reported(problems: list[Problem], case: Case) -> None:
    assert problems, "no problem reported"
    matching = [
        p for p in problems if p.file == case.file and re.match(case.location, p.location) and case.message in p.message
    ]
    assert matching, [str(p) for p in problems]


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_a_malformed_file_changes_nothing_and_is_reported(catalogue: None, case: Case) -> None:
    before = snapshot()

    with pytest.raises(ImportRejected) as rejected:
        import_catalogue([case.make()])

    assert snapshot() == before
    _assert_reported(rejected.value.problems, case)


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_the_command_rejects_a_malformed_file_with_the_report(catalogue: None, case: Case, tmp_path: Path) -> None:
    name, data = case.make()
    path = tmp_path / name
    path.write_bytes(data)
    before = snapshot()

    with pytest.raises(CommandError) as rejected:
        call_command("import_qualifications", str(path))

    assert snapshot() == before
    message = str(rejected.value)
    assert message.startswith("Import rejected, nothing was changed:")
    assert name in message
    assert case.message in message


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_a_good_file_is_not_written_when_another_file_of_the_import_is_bad(case: Case) -> None:
    before = snapshot()

    with pytest.raises(ImportRejected):
        import_catalogue([read(XML_DIR / "4156_Maatschappelijke_Zorg.xml"), read(CSV_PATH), case.make()])

    assert snapshot() == before
    assert before["qualifications"] == []


def test_the_command_imports_good_files_and_says_what_it_did(tmp_path: Path) -> None:
    out = io.StringIO()

    call_command("import_qualifications", str(XML_DIR), stdout=out)

    assert "14 added, 0 updated, 0 unchanged, 0 rejected; 23 core tasks and 111 work processes added" in out.getvalue()


def test_the_command_reports_every_problem_of_every_file(tmp_path: Path) -> None:
    for make in (_truncated, _csv_bad_level):
        name, data = make()
        (tmp_path / name).write_bytes(data)

    with pytest.raises(CommandError) as rejected:
        call_command("import_qualifications", str(tmp_path))

    message = str(rejected.value)
    assert "2755_Dienstverlening.xml, line" in message
    assert "kwalificaties.csv, line 3: level must be" in message

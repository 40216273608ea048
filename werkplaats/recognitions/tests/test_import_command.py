"""``manage.py import_accreditations PATH``."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from werkplaats.organisations.models import Organisation
from werkplaats.qualifications.models import Qualification
from werkplaats.recognitions.models import Recognition

from .importing import HEADER, csv_bytes, snapshot, xlsx_bytes


@pytest.fixture
def ready(bakery: Organisation, uitvoerend_bakker: Qualification) -> None:
    return None


def _run(path: Path) -> str:
    out = StringIO()
    call_command("import_accreditations", str(path), stdout=out)
    return out.getvalue()


def test_the_command_imports_a_csv_and_prints_a_summary(tmp_path: Path, ready: None) -> None:
    path = tmp_path / "erkenningen.csv"
    path.write_bytes(csv_bytes([["12345678", "25173", "2024-01-01"]], header=HEADER[:3]))

    output = _run(path)

    assert "recognitions: 1 added, 0 updated, 0 unchanged" in output
    assert Recognition.objects.get().crebo == "25173"


def test_the_command_imports_an_xlsx_and_a_second_run_changes_nothing(tmp_path: Path, ready: None) -> None:
    path = tmp_path / "erkenningen.xlsx"
    path.write_bytes(xlsx_bytes([["12345678", "25173", "2024-01-01"]], header=HEADER[:3]))
    _run(path)
    before = snapshot()

    output = _run(path)

    assert "0 added, 0 updated, 1 unchanged" in output
    assert snapshot() == before


def test_the_command_prints_every_problem_and_changes_nothing(tmp_path: Path, ready: None) -> None:
    path = tmp_path / "erkenningen.csv"
    rows = [["12345678", "25173", "31-02-2024"], ["99999999", "25173", "2024-01-01"]]
    path.write_bytes(csv_bytes(rows, header=HEADER[:3]))
    before = snapshot()

    with pytest.raises(CommandError) as exc:
        _run(path)

    message = str(exc.value)
    assert "nothing was changed" in message
    assert "row 2, start_date: '31-02-2024' is not a date" in message
    assert "row 3, kvk: no organisation with KvK number 99999999 in Werkplaats" in message
    assert snapshot() == before


def test_the_command_names_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match=r"ontbreekt\.csv"):
        _run(tmp_path / "ontbreekt.csv")

from __future__ import annotations

import csv
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from werkplaats.audit.models import AuditLogEntry
from werkplaats.organisations.models import Municipality, Region
from werkplaats.organisations.services import MUNICIPALITIES_CSV, REGIONS_CSV

REGION_HEADER = "cbs_code,naam_2025\n"
MUNICIPALITY_HEADER = "uwv_bijlage3_nr_2015,arbeidsmarktregio_2015,gemeente_2015,cbs_code_2025_by_name,name_match\n"

pytestmark = pytest.mark.usefixtures("english")


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _import(**paths: Path) -> str:
    out = StringIO()
    call_command("import_regions", *[f"--{name}={path}" for name, path in paths.items()], stdout=out)
    return out.getvalue()


def _write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def _snapshot() -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    return (
        list(Region.objects.order_by("code").values_list("code", "name")),
        list(Municipality.objects.order_by("name").values_list("name", "region__code")),
    )


@pytest.fixture
def imported(db: None) -> None:
    _import()


def test_the_shipped_files_hold_35_regions_and_397_municipalities() -> None:
    assert len(_rows(REGIONS_CSV)) == 35
    assert len({row["gemeente_2015"] for row in _rows(MUNICIPALITIES_CSV)}) == 397


def test_every_region_in_the_file_is_imported(imported: None) -> None:
    expected = {(row["cbs_code"], row["naam_2025"]) for row in _rows(REGIONS_CSV)}

    assert set(Region.objects.values_list("code", "name")) == expected


def test_every_municipality_is_imported_with_its_region(imported: None) -> None:
    expected = {(row["gemeente_2015"], row["cbs_code_2025_by_name"]) for row in _rows(MUNICIPALITIES_CSV)}

    assert set(Municipality.objects.values_list("name", "region__code")) == expected


def test_assen_belongs_to_region_groningen(imported: None) -> None:
    assert Municipality.objects.get(name="Assen").region.name == "Groningen"


def test_the_command_reports_what_it_added(db: None) -> None:
    out = _import()

    assert "regions: 35 added, 0 updated, 0 unchanged" in out
    assert "municipalities: 397 added, 0 updated, 0 unchanged" in out


def test_a_second_run_changes_nothing(imported: None) -> None:
    before = _snapshot()
    entries = AuditLogEntry.objects.count()

    out = _import()

    assert _snapshot() == before
    assert AuditLogEntry.objects.count() == entries
    assert "regions: 0 added, 0 updated, 35 unchanged" in out
    assert "municipalities: 0 added, 0 updated, 397 unchanged" in out


def test_a_renamed_region_is_updated(imported: None, tmp_path: Path) -> None:
    text = REGIONS_CSV.read_text(encoding="utf-8").replace("AM01,Groningen", "AM01,Groningen (nieuw)")

    out = _import(regions=_write(tmp_path, "regions.csv", text))

    assert Region.objects.get(code="AM01").name == "Groningen (nieuw)"
    assert "regions: 0 added, 1 updated, 34 unchanged" in out


def test_a_region_file_without_its_name_column_is_refused(imported: None, tmp_path: Path) -> None:
    before = _snapshot()
    regions = _write(tmp_path, "regions.csv", "cbs_code,naam\nAM01,Groningen\n")

    with pytest.raises(CommandError, match=r"missing column.*naam_2025"):
        _import(regions=regions)
    assert _snapshot() == before


def test_a_municipality_in_an_unknown_region_is_refused_and_nothing_changes(imported: None, tmp_path: Path) -> None:
    before = _snapshot()
    regions = _write(tmp_path, "regions.csv", REGION_HEADER + "AM01,Groningen (nieuw)\nAM03,Drenthe\n")
    municipalities = _write(
        tmp_path, "municipalities.csv", MUNICIPALITY_HEADER + "1,Groningen,Haren,AM01,exact\n2,X,Atlantis,AM99,exact\n"
    )

    with pytest.raises(CommandError, match=r"line 3: municipality 'Atlantis' has unknown region 'AM99'"):
        _import(regions=regions, municipalities=municipalities)
    assert _snapshot() == before


def test_a_file_that_is_not_utf8_is_refused(imported: None, tmp_path: Path) -> None:
    before = _snapshot()
    municipalities = _write(
        tmp_path, "municipalities.csv", MUNICIPALITY_HEADER + "1,Friesland,Súdwest-Fryslân,AM02,exact\n", "latin-1"
    )

    with pytest.raises(CommandError, match=r"municipalities\.csv is not UTF-8"):
        _import(municipalities=municipalities)
    assert _snapshot() == before


def test_a_missing_file_is_refused(db: None, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="cannot be read"):
        _import(regions=tmp_path / "nowhere.csv")
    assert not Region.objects.exists()


def test_a_row_with_too_few_fields_is_refused_with_its_line_number(imported: None, tmp_path: Path) -> None:
    before = _snapshot()
    regions = _write(tmp_path, "regions.csv", REGION_HEADER + "AM01,Groningen\nAM03\n")

    with pytest.raises(CommandError, match="line 3: invalid region"):
        _import(regions=regions)
    assert _snapshot() == before


def test_a_municipality_row_with_too_few_fields_is_refused(imported: None, tmp_path: Path) -> None:
    before = _snapshot()
    municipalities = _write(tmp_path, "municipalities.csv", MUNICIPALITY_HEADER + "1,Groningen,Haren\n")

    with pytest.raises(CommandError, match="line 2: municipality 'Haren' has unknown region ''"):
        _import(municipalities=municipalities)
    assert _snapshot() == before


def test_a_file_saved_with_a_byte_order_mark_is_read(db: None, tmp_path: Path) -> None:
    """Spreadsheet programs write UTF-8 with a BOM; the header must still be recognised."""
    regions = _write(tmp_path, "regions.csv", "\ufeff" + REGION_HEADER + "AM01,Groningen\n")
    municipalities = _write(tmp_path, "municipalities.csv", "\ufeff" + MUNICIPALITY_HEADER + "1,G,Haren,AM01,exact\n")

    _import(regions=regions, municipalities=municipalities)

    assert Municipality.objects.get(name="Haren").region.code == "AM01"

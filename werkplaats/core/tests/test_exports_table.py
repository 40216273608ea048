"""The shared table export: one declaration of columns, the same headers and cells in CSV and XLSX,
cells no spreadsheet runs, and no file refused over a stray control character. The helpers at the
top read a download back; the apps' export tests use them."""

from __future__ import annotations

import csv
import datetime
import io
from typing import Any

import pytest
from django.http import Http404, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.utils.translation import gettext_lazy
from openpyxl import load_workbook

from werkplaats.audit.models import Action, AuditLogEntry
from werkplaats.core.exports import Column, Table, export, spreadsheet_safe

# --- Reading downloads back ------------------------------------------------------------------


def read_csv(response: HttpResponseBase) -> list[list[str]]:
    """The rows of a CSV download, header first."""
    assert response.status_code == 200, response.status_code
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="')
    text = b"".join(response.streaming_content).decode("utf-8")  # type: ignore[arg-type]
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


def read_xlsx(response: HttpResponseBase) -> list[list[str]]:
    """The rows of an XLSX download, header first, each cell as the CSV writes it: empty for an
    empty cell, dates as YYYY-MM-DD, numbers as digits."""
    assert response.status_code == 200, response.status_code
    assert isinstance(response, HttpResponse)
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"].startswith('attachment; filename="')
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    return [[_as_text(cell) for cell in row] for row in sheet.iter_rows(values_only=True)]


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        assert value.time() == datetime.time(0), "a date column holds dates, not moments"
        return value.date().isoformat()
    return str(value)


# --- The table ------------------------------------------------------------------------------------

TABLE: Table[dict[str, Any]] = Table(
    [
        Column(gettext_lazy("Learner"), lambda item: item["name"]),
        Column(gettext_lazy("Level"), lambda item: item["level"]),
        Column(gettext_lazy("Date of issue"), lambda item: item["on"]),
    ],
    title=gettext_lazy("Praktijkverklaringen"),
)
ITEMS: list[dict[str, Any]] = [
    {"name": "Noor Jansen", "level": 2, "on": datetime.date(2026, 3, 1)},
    {"name": '=HYPERLINK("http://x")', "level": 3, "on": None},
    {"name": "Daan\x07 de\x00 Vries", "level": None, "on": datetime.date(2025, 12, 31)},
]


def test_csv_and_xlsx_have_the_same_header_and_cells() -> None:
    from_csv = read_csv(TABLE.response("csv", ITEMS, name="lijst"))
    from_xlsx = read_xlsx(TABLE.response("xlsx", ITEMS, name="lijst"))

    assert from_csv == from_xlsx
    assert from_csv == [
        ["Deelnemer", "Niveau", "Datum van uitgifte"],
        ["Noor Jansen", "2", "2026-03-01"],
        ['\'=HYPERLINK("http://x")', "3", ""],
        ["Daan de Vries", "", "2025-12-31"],
    ]


def test_xlsx_keeps_numbers_and_dates_as_numbers_and_dates() -> None:
    sheet = load_workbook(io.BytesIO(TABLE.xlsx_bytes(ITEMS))).active
    assert sheet is not None
    assert sheet.title == "Praktijkverklaringen"
    assert sheet["B2"].value == 2
    assert sheet["C2"].value == datetime.datetime(2026, 3, 1)
    assert sheet["C2"].is_date


def test_headers_follow_the_active_language() -> None:
    from django.utils import translation

    with translation.override("en"):
        assert TABLE.headers() == ["Learner", "Level", "Date of issue"]
    assert TABLE.headers() == ["Deelnemer", "Niveau", "Datum van uitgifte"]


def test_a_sheet_title_is_cut_to_what_a_sheet_name_holds() -> None:
    table: Table[str] = Table(
        [Column("Name", lambda item: item)], title="Leerbedrijven: [alle] / 2026 en verder, tot en met"
    )
    sheet = load_workbook(io.BytesIO(table.xlsx_bytes(["a"]))).active
    assert sheet is not None
    assert len(sheet.title) <= 31
    assert not set(sheet.title) & set(":[]/\\?*")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("\x01=1+1", "'=1+1"),
        ("a\x0bb\x1fc", "abc"),
        ("regel\nregel\ttab", "regel\nregel\ttab"),
        (7, 7),
        (None, None),
    ],
)
def test_control_characters_are_left_out_and_formulas_shown(value: object, expected: object) -> None:
    assert spreadsheet_safe(value) == expected


def test_another_format_is_not_found() -> None:
    with pytest.raises(Http404):
        TABLE.response("pdf", ITEMS, name="lijst")


def test_an_export_is_written_in_the_audit_log_first(db: None) -> None:
    export(TABLE, ITEMS, count=len(ITEMS), fmt="xlsx", name="lijst", what="things", filters="q=noor")

    entry = AuditLogEntry.objects.get()
    assert entry.action == Action.EXPORT
    assert entry.object_repr == "things.xlsx (3)"
    assert entry.changes == {"rows": 3, "format": "xlsx", "filters": "q=noor"}


def test_an_export_in_another_format_is_neither_made_nor_logged(db: None) -> None:
    with pytest.raises(Http404):
        export(TABLE, ITEMS, count=3, fmt="ods", name="lijst", what="things")
    assert not AuditLogEntry.objects.exists()

"""Reading an uploaded CSV or XLSX file into a header and rows of cells.

The file formats are the recognition import's (``werkplaats.recognitions.importer``): CSV in
UTF-8 (with or without a byte-order mark) or Windows-1252, separated by commas, semicolons or
tabs; XLSX's first sheet, read as the values Excel saved (a formula is never calculated; one
without a saved value is reported for its cell).
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from werkplaats.qualifications.importers import looks_like_zip
from werkplaats.recognitions import importer

MAX_ROWS = 100_000
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"


@dataclass(frozen=True)
class Line:
    """One row of the sheet: its number as a spreadsheet shows it (the header is row 1), its
    cells, and the positions of formula cells without a saved value."""

    number: int
    cells: tuple[Any, ...]
    unsaved: frozenset[int] = field(default_factory=frozenset)


class Unreadable(Exception):
    """The file as a whole cannot be read; nothing in it is imported."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def header_text(cell: Any) -> str:
    text = "" if cell is None else str(cell)
    return text.strip().lstrip("\ufeff").strip()


def normalised(name: str) -> str:
    """A column name as compared with the names we know: lower case, letters and digits only."""
    return re.sub(r"[^0-9a-z]", "", name.lower().replace("ë", "e").replace("é", "e"))


def _table(name: str, data: bytes) -> tuple[Sequence[Any], Iterator[tuple[int, Sequence[Any], frozenset[int]]]]:
    lower = name.lower()
    if not data:
        raise Unreadable(_("%(file)s is empty.") % {"file": name})
    if data.startswith(_OLE_MAGIC) or lower.endswith(".xls"):
        raise Unreadable(_("%(file)s is an old Excel file (.xls). Save it as .xlsx or .csv.") % {"file": name})
    if looks_like_zip(data):
        return _xlsx_table(name, data)
    if lower.endswith(".xlsx"):
        raise Unreadable(_("%(file)s is not a valid XLSX file.") % {"file": name})
    table, problems = importer._csv_table(name, data)
    if problems or table is None:
        raise Unreadable(str(problems[0]) if problems else _("%(file)s cannot be read.") % {"file": name})
    return table


def _xlsx_table(name: str, data: bytes) -> tuple[Sequence[Any], Iterator[tuple[int, Sequence[Any], frozenset[int]]]]:
    """The first sheet as the values Excel saved, row by row. One pass reads the cells and notes
    the formula cells; only when a row holds formulas is a second view of the file (openpyxl's
    ``data_only``) opened and moved along to fetch their saved values. A formula without a saved
    value is reported for its cell; nothing is ever calculated."""
    from openpyxl import load_workbook

    def sheet(data_only: bool) -> Any:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=data_only, keep_links=False)
        return workbook.worksheets[0]

    if too_large := importer.xlsx_too_large(name, data):
        raise Unreadable(too_large)
    invalid = _("%(file)s is not a valid XLSX file.") % {"file": name}
    try:
        rows = sheet(data_only=False).iter_rows()
        header = next(rows, None)
    except Exception as exc:  # openpyxl raises many kinds (zip, XML, key errors) on a damaged file
        raise Unreadable(invalid) from exc
    if header is None:
        raise Unreadable(_("%(file)s is empty.") % {"file": name})

    def body() -> Iterator[tuple[int, Sequence[Any], frozenset[int]]]:
        saved_rows: Iterator[tuple[Any, ...]] | None = None
        saved: tuple[Any, ...] = ()
        saved_index = -1
        try:
            for index, cells in enumerate(rows):
                values = [None if cell.data_type == "f" else cell.value for cell in cells]
                formulas = [position for position, cell in enumerate(cells) if cell.data_type == "f"]
                unsaved: set[int] = set()
                if formulas:
                    if saved_rows is None:
                        saved_rows = sheet(data_only=True).iter_rows(min_row=2, values_only=True)
                    while saved_index < index:
                        saved = next(saved_rows, ())
                        saved_index += 1
                    for position in formulas:
                        values[position] = saved[position] if position < len(saved) else None
                        if values[position] is None:
                            unsaved.add(position)
                yield index + 2, values, frozenset(unsaved)
        except Exception as exc:
            raise Unreadable(invalid) from exc

    return [cell.value for cell in header], body()


def read_sheet(name: str, data: bytes, *, limit: int | None = None) -> tuple[list[str], list[Line]]:
    """The header and the non-empty rows (at most ``limit`` of them when given, to show the
    first rows). Raises ``Unreadable`` for a file that is no CSV or XLSX, an empty file, a file
    without rows or with more than ``MAX_ROWS`` rows."""
    header_cells, body = _table(name, data)
    headers = [header_text(cell) for cell in header_cells]
    while headers and not headers[-1]:
        headers.pop()
    if not any(headers):
        raise Unreadable(_("%(file)s has no column names in its first row.") % {"file": name})
    lines: list[Line] = []
    try:
        for number, cells, unsaved in body:
            if not unsaved and all(_is_blank(cell) for cell in cells):
                continue
            if len(lines) >= MAX_ROWS:
                raise Unreadable(_("%(file)s has more than %(max)d rows; split it.") % {"file": name, "max": MAX_ROWS})
            lines.append(Line(number, tuple(cells), unsaved))
            if limit is not None and len(lines) >= limit:
                break
    except importer._CsvRowError as exc:
        raise Unreadable(
            _("%(file)s cannot be read as CSV at row %(row)d: %(error)s")
            % {"file": name, "row": exc.row, "error": exc.message}
        ) from exc
    if not lines:
        raise Unreadable(_("%(file)s has no rows below the header.") % {"file": name})
    return headers, lines


def _is_blank(cell: Any) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())

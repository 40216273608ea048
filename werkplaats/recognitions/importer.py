"""Reading a recognition file (CSV or XLSX) into typed rows.

Only reading and type checks live here: whether the KvK number and the crebo exist, and the
rules of the register, are checked in ``services.import_recognitions``. Nothing is executed:
XLSX files are read with openpyxl's ``data_only`` (the values Excel saved, never a formula),
and a formula cell without a saved value is an error for its row.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from werkplaats.qualifications.importers import looks_like_zip

COLUMNS = (
    "kvk",
    "crebo",
    "start_date",
    "end_date",
    "places_offered",
    "last_verified_on",
    "sbb_company_id",
    "sbb_adviser_name",
    "sbb_adviser_email",
    "sbb_adviser_phone",
)
REQUIRED_COLUMNS = ("kvk", "crebo", "start_date")
MAX_ROWS = 100_000
MAX_PLACES = 999
TEXT_LIMITS = {"sbb_company_id": 20, "sbb_adviser_name": 150, "sbb_adviser_email": 254, "sbb_adviser_phone": 30}

_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_DUTCH_DATE = re.compile(r"^(\d{1,2})-(\d{1,2})-(\d{4})$")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the file; ``row`` is the row number as a spreadsheet shows it
    (the header is row 1), None for a problem with the file as a whole."""

    message: str
    row: int | None = None
    column: str = ""

    def __str__(self) -> str:
        if self.row is None:
            return self.message
        if self.column:
            return _("row %(row)d, %(column)s: %(message)s") % {
                "row": self.row,
                "column": self.column,
                "message": self.message,
            }
        return _("row %(row)d: %(message)s") % {"row": self.row, "message": self.message}

    @property
    def sort_key(self) -> tuple[int, int]:
        column = COLUMNS.index(self.column) if self.column in COLUMNS else -1
        return (self.row or 0, column)


@dataclass(frozen=True)
class Row:
    number: int
    kvk: str
    crebo: str
    start_date: datetime.date
    end_date: datetime.date | None
    places_offered: int | None
    last_verified_on: datetime.date | None
    sbb_company_id: str
    sbb_adviser_name: str
    sbb_adviser_email: str
    sbb_adviser_phone: str

    @property
    def key(self) -> tuple[str, str, datetime.date]:
        return (self.kvk, self.crebo, self.start_date)

    def learning_company_values(self) -> dict[str, str]:
        """The SBB fields this row fills in; an empty cell leaves what is registered."""
        values = {
            "sbb_company_id": self.sbb_company_id,
            "sbb_adviser_name": self.sbb_adviser_name,
            "sbb_adviser_email": self.sbb_adviser_email,
            "sbb_adviser_phone": self.sbb_adviser_phone,
        }
        return {name: value for name, value in values.items() if value}


class _CellError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# --- Reading the file ---------------------------------------------------------------------------


def read(name: str, data: bytes) -> tuple[list[Row], list[Problem]]:
    """Rows that passed the type checks, and every problem found. The caller rejects the whole
    file when there is any problem; the rows are returned so that it can report more."""
    lower = name.lower()
    if data.startswith(_OLE_MAGIC) or lower.endswith(".xls"):
        return [], [Problem(_("%(file)s is an old Excel file (.xls). Save it as .xlsx or .csv.") % {"file": name})]
    if looks_like_zip(data):
        table, problems = _xlsx_table(name, data)
    elif lower.endswith(".xlsx"):
        return [], [Problem(_("%(file)s is not a valid XLSX file.") % {"file": name})]
    else:
        table, problems = _csv_table(name, data)
    if problems:
        return [], problems
    return _rows(name, table)


# A table is the header row and an iterator of (row number, cells, columns whose formula has no
# saved value).
Table = tuple[Sequence[Any], Iterator[tuple[int, Sequence[Any], frozenset[int]]]]


def _decode(data: bytes) -> str | None:
    """UTF-8 first (with or without a byte-order mark), then Windows-1252, which is what Excel on
    Windows writes when it saves "CSV" in the Netherlands."""
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def _csv_table(name: str, data: bytes) -> tuple[Table | None, list[Problem]]:
    text = _decode(data)
    if text is None:
        return None, [Problem(_("%(file)s is neither UTF-8 nor Windows-1252 text.") % {"file": name})]
    if "\x00" in text:
        return None, [Problem(_("%(file)s is not a CSV file.") % {"file": name})]
    first_line = text.split("\n", 1)[0]
    # Dutch spreadsheet programs separate CSV fields with semicolons.
    delimiter = max(",;\t", key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        return None, [Problem(_("%(file)s is empty.") % {"file": name})]
    except csv.Error as exc:
        return None, [Problem(_("%(file)s cannot be read as CSV: %(error)s") % {"file": name, "error": exc})]

    def body() -> Iterator[tuple[int, Sequence[Any], frozenset[int]]]:
        number = 1
        while True:
            number += 1
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                # Reported as a row whose single cell cannot be read.
                raise _CsvRowError(number, str(exc)) from exc
            yield number, cells, frozenset()

    return (header, body()), []


class _CsvRowError(Exception):
    def __init__(self, row: int, message: str) -> None:
        super().__init__(message)
        self.row = row
        self.message = message


# What an XLSX file may unpack to: a spreadsheet of 100,000 rows is some 40 MB of XML; a small file
# that unpacks to gigabytes (a "zip bomb") would keep a worker busy for minutes.
XLSX_MAX_UNPACKED_BYTES = 200 * 1024 * 1024


def xlsx_too_large(name: str, data: bytes) -> str:
    """A message when the XLSX file ``data`` unpacks to more than XLSX_MAX_UNPACKED_BYTES, else ""."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return ""  # not a zip at all: openpyxl reports the file as not valid
    if unpacked > XLSX_MAX_UNPACKED_BYTES:
        return _("%(file)s unpacks to more than %(size)s MB; split it into smaller files.") % {
            "file": name,
            "size": XLSX_MAX_UNPACKED_BYTES // (1024 * 1024),
        }
    return ""


def _xlsx_table(name: str, data: bytes) -> tuple[Table | None, list[Problem]]:
    from openpyxl import load_workbook

    if too_large := xlsx_too_large(name, data):
        return None, [Problem(too_large)]
    try:
        # data_only: the values Excel saved with the file. The second, formula view is only used
        # to tell an empty cell from a formula whose value was never saved.
        values_book = load_workbook(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
        formula_book = load_workbook(io.BytesIO(data), read_only=True, data_only=False, keep_links=False)
        values_sheet = values_book.worksheets[0]
        formula_sheet = formula_book.worksheets[0]
        value_rows = values_sheet.iter_rows(values_only=True)
        formula_rows = formula_sheet.iter_rows(values_only=True)
        header = next(value_rows, None)
        next(formula_rows, None)
    except Exception:  # openpyxl raises many kinds (zip, XML, key errors) on a damaged file
        return None, [Problem(_("%(file)s is not a valid XLSX file.") % {"file": name})]
    if header is None:
        return None, [Problem(_("%(file)s is empty.") % {"file": name})]

    def body() -> Iterator[tuple[int, Sequence[Any], frozenset[int]]]:
        for number, (values, formulas) in enumerate(zip(value_rows, formula_rows, strict=False), start=2):
            unsaved = frozenset(
                index
                for index, value in enumerate(values)
                if value is None and index < len(formulas) and formulas[index] is not None
            )
            yield number, values, unsaved

    return (header, body()), []


def _column_name(cell: Any) -> str:
    text = "" if cell is None else str(cell)
    return text.strip().lstrip("\ufeff").strip().lower().replace(" ", "_").replace("-", "_")


def _rows(name: str, table: Table | None) -> tuple[list[Row], list[Problem]]:
    assert table is not None
    header, body = table
    columns = [_column_name(cell) for cell in header]
    problems: list[Problem] = []
    named = [c for c in columns if c]
    unknown = [c for c in named if c not in COLUMNS]
    if unknown:
        problems.append(
            Problem(
                _("%(file)s: unknown column(s) %(unknown)s. The columns are: %(columns)s.")
                % {"file": name, "unknown": ", ".join(unknown), "columns": ", ".join(COLUMNS)}
            )
        )
    doubles = sorted({c for c in named if named.count(c) > 1})
    if doubles:
        problems.append(
            Problem(
                _("%(file)s: column(s) %(columns)s appear more than once.")
                % {"file": name, "columns": ", ".join(doubles)}
            )
        )
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        problems.append(
            Problem(_("%(file)s: missing column(s) %(columns)s.") % {"file": name, "columns": ", ".join(missing)})
        )
    if problems:
        return [], problems

    index = {column: position for position, column in enumerate(columns) if column}
    rows: list[Row] = []
    count = 0
    try:
        for number, cells, unsaved in body:
            if all(_is_blank(cell) for cell in cells) and not unsaved:
                continue
            count += 1
            if count > MAX_ROWS:
                problems.append(
                    Problem(_("%(file)s has more than %(max)d rows; split it.") % {"file": name, "max": MAX_ROWS})
                )
                break
            row, row_problems = _row(number, cells, unsaved, index, len(columns))
            problems.extend(row_problems)
            if row is not None:
                rows.append(row)
    except _CsvRowError as exc:
        problems.append(Problem(exc.message, row=exc.row))
    if count == 0 and not problems:
        problems.append(Problem(_("%(file)s has no rows below the header.") % {"file": name}))
    return rows, problems


def _is_blank(cell: Any) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _row(
    number: int, cells: Sequence[Any], unsaved: frozenset[int], index: dict[str, int], width: int
) -> tuple[Row | None, list[Problem]]:
    problems: list[Problem] = []
    if any(not _is_blank(cell) for cell in cells[width:]):
        problems.append(Problem(_("there are more values than columns"), row=number))
    values: dict[str, Any] = {}
    for column in COLUMNS:
        position = index.get(column)
        if position is not None and position in unsaved:
            problems.append(
                Problem(
                    _("the cell holds a formula without a saved value; open and save the file in a spreadsheet"),
                    row=number,
                    column=column,
                )
            )
            continue
        cell = cells[position] if position is not None and position < len(cells) else None
        try:
            values[column] = _PARSERS[column](cell)
        except _CellError as exc:
            problems.append(Problem(exc.message, row=number, column=column))
    for column in REQUIRED_COLUMNS:
        if column in values and values[column] in ("", None):
            problems.append(Problem(_("this column is required"), row=number, column=column))
    if problems:
        return None, problems
    return Row(number=number, **values), []


# --- Cells --------------------------------------------------------------------------------------


def _shown(cell: Any) -> str:
    if isinstance(cell, datetime.datetime):
        return cell.strftime("%Y-%m-%d %H:%M")
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


def _text(cell: Any) -> str:
    """A text cell; numbers from a spreadsheet become their digits, dates are refused."""
    if cell is None:
        return ""
    if isinstance(cell, bool | datetime.date | datetime.time):
        raise _CellError(_("'%(value)s' is not text") % {"value": _shown(cell)})
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


def _digits(cell: Any, length: int, message: str) -> str:
    text = _text(cell)
    if not text:
        return ""
    if isinstance(cell, int | float) and text.isdigit() and len(text) < length:
        text = text.zfill(length)  # a spreadsheet drops leading zeros from numbers
    if len(text) != length or not text.isdigit():
        raise _CellError(message % {"value": text})
    return text


def _kvk(cell: Any) -> str:
    return _digits(cell, 8, _("'%(value)s' is not a KvK number (8 digits)"))


def _crebo(cell: Any) -> str:
    return _digits(cell, 5, _("'%(value)s' is not a crebo (5 digits)"))


def _date(cell: Any) -> datetime.date | None:
    if _is_blank(cell):
        return None
    if isinstance(cell, datetime.datetime):
        return cell.date()
    if isinstance(cell, datetime.date):
        return cell
    text = _shown(cell)
    if isinstance(cell, str):
        match = _ISO_DATE.match(text)
        parts: tuple[str, str, str] | None = None
        if match:
            parts = (match[1], match[2], match[3])
        else:
            match = _DUTCH_DATE.match(text)
            if match:
                parts = (match[3], match[2], match[1])
        if parts is not None:
            try:
                return datetime.date(int(parts[0]), int(parts[1]), int(parts[2]))
            except ValueError:
                pass
    raise _CellError(_("'%(value)s' is not a date (write YYYY-MM-DD or DD-MM-YYYY)") % {"value": text})


def _places(cell: Any) -> int | None:
    if _is_blank(cell):
        return None
    if isinstance(cell, bool) or not isinstance(cell, int | float | str):
        raise _CellError(_("'%(value)s' is not a whole number") % {"value": _shown(cell)})
    text = _shown(cell)
    if not text.isdigit():
        raise _CellError(_("'%(value)s' is not a whole number") % {"value": text})
    places = int(text)
    if places > MAX_PLACES:
        raise _CellError(_("%(value)d places is more than %(max)d") % {"value": places, "max": MAX_PLACES})
    return places


def _limited(column: str) -> Any:
    def parse(cell: Any) -> str:
        text = _text(cell)
        if len(text) > TEXT_LIMITS[column]:
            raise _CellError(_("longer than %(max)d characters") % {"max": TEXT_LIMITS[column]})
        return text

    return parse


def _email(cell: Any) -> str:
    text = _limited("sbb_adviser_email")(cell)
    if text:
        try:
            validate_email(text)
        except ValidationError as exc:
            raise _CellError(_("'%(value)s' is not an e-mail address") % {"value": text}) from exc
    return text


_PARSERS: dict[str, Any] = {
    "kvk": _kvk,
    "crebo": _crebo,
    "start_date": _date,
    "end_date": _date,
    "places_offered": _places,
    "last_verified_on": _date,
    "sbb_company_id": _limited("sbb_company_id"),
    "sbb_adviser_name": _limited("sbb_adviser_name"),
    "sbb_adviser_email": _email,
    "sbb_adviser_phone": _limited("sbb_adviser_phone"),
}

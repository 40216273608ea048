"""Downloads for spreadsheets: CSV as Dutch Excel reads it, and cells no spreadsheet will run.

A list that is downloaded declares its columns once, as a ``Table``; the table writes the CSV and
the XLSX from the same headers and cells, so the two files always hold the same columns and rows."""

from __future__ import annotations

import csv
import datetime
import io
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.text import slugify

# Text starting with one of these can run as a formula in a spreadsheet (a tab or carriage return
# is skipped by some programs before one).
UNSAFE_START = ("=", "+", "-", "@", "\t", "\r")
# Control characters that an XLSX file cannot hold (openpyxl refuses the whole file over one of
# them); tab, line feed and carriage return are allowed.
ILLEGAL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def spreadsheet_safe(value: object) -> object:
    """A cell that is shown, never run: text that could start a formula gets a leading apostrophe,
    and control characters no spreadsheet holds are left out. Numbers and dates stay as they are,
    so XLSX keeps them as numbers and dates."""
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS.sub("", value)
        if value.startswith(UNSAFE_START):
            return "'" + value
    return value


def csv_text(value: object) -> str:
    """A CSV cell: empty for None, otherwise the safe text of the value."""
    return "" if value is None else str(spreadsheet_safe(str(value)))


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(header: Iterable[object], rows: Iterable[Iterable[object]]) -> Iterator[str]:
    """Semicolon-separated lines with a byte-order mark: what Excel opens correctly in Dutch."""
    writer = csv.writer(_Echo(), delimiter=";")
    yield "\ufeff"
    yield writer.writerow([csv_text(cell) for cell in header])
    for row in rows:
        yield writer.writerow([csv_text(cell) for cell in row])


def csv_response(header: Iterable[object], rows: Iterable[Iterable[object]], *, filename: str) -> StreamingHttpResponse:
    """Stream the rows as a download (``filename`` includes .csv)."""
    response = StreamingHttpResponse(csv_lines(header, rows), content_type="text/csv; charset=utf-8")
    return as_download(response, filename)


AnyResponse = TypeVar("AnyResponse", HttpResponse, StreamingHttpResponse)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def file_response(content: bytes, *, content_type: str, filename: str) -> HttpResponse:
    """``content`` as a download named ``filename``."""
    return as_download(HttpResponse(content, content_type=content_type), filename)


def as_download(response: AnyResponse, filename: str) -> AnyResponse:
    """Saved as a file, never shown in the browser, and kept in no cache: downloads carry
    personal data or figures only their reader may see."""
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


# --- One table, two formats ----------------------------------------------------------------------

FORMATS = ("csv", "xlsx")
Item = TypeVar("Item")


@dataclass(frozen=True)
class Column(Generic[Item]):
    """One column of a download: its header (a lazy translation, read in the language of the
    request) and the cell of an item: text, a whole number, a date or None (an empty cell)."""

    header: Any
    cell: Callable[[Item], object]


def _csv_cell(value: object) -> object:
    """Dates as YYYY-MM-DD, as the XLSX shows them; everything else as it is."""
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


class Table(Generic[Item]):
    """The columns of one list, declared once: the CSV and the XLSX of the list are written from
    them, with the same headers and the same cells."""

    def __init__(self, columns: Sequence[Column[Item]], *, title: Any) -> None:
        self.columns = tuple(columns)
        self.title = title  # the name of the XLSX sheet (a lazy translation)

    def headers(self) -> list[str]:
        return [str(column.header) for column in self.columns]

    def rows(self, items: Iterable[Item]) -> Iterator[list[object]]:
        for item in items:
            yield [spreadsheet_safe(column.cell(item)) for column in self.columns]

    def csv_response(self, items: Iterable[Item], *, name: str) -> StreamingHttpResponse:
        rows = ([_csv_cell(cell) for cell in row] for row in self.rows(items))
        return csv_response(self.headers(), rows, filename=f"{slugify(name)}.csv")

    def xlsx_bytes(self, items: Iterable[Item]) -> bytes:
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        # A sheet name holds at most 31 characters and none of these.
        title = re.sub(r"[\\/*?:\[\]]", " ", str(self.title))[:31] or "Sheet"
        sheet = workbook.create_sheet(title=title)
        sheet.append(self.headers())
        for row in self.rows(items):
            sheet.append(row)
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()

    def xlsx_response(self, items: Iterable[Item], *, name: str) -> HttpResponse:
        return file_response(self.xlsx_bytes(items), content_type=XLSX, filename=f"{slugify(name)}.xlsx")

    def response(self, fmt: str, items: Iterable[Item], *, name: str) -> HttpResponse | StreamingHttpResponse:
        """``items`` as a CSV or XLSX download named ``name`` (without extension); another format
        is a 404."""
        if fmt == "csv":
            return self.csv_response(items, name=name)
        if fmt == "xlsx":
            return self.xlsx_response(items, name=name)
        raise Http404


def export(
    table: Table[Item],
    items: Iterable[Item],
    *,
    count: int,
    fmt: str,
    name: str,
    what: str,
    filters: str = "",
    subject_organisation_id: int | None = None,
) -> HttpResponse | StreamingHttpResponse:
    """Download the ``count`` ``items`` as ``fmt`` (another format is a 404), written in the audit
    log first: who took which list (``what``, e.g. "certificates"), in which format, with which
    filters and how many rows."""
    from werkplaats.audit.models import Action
    from werkplaats.audit.recorder import record

    if fmt not in FORMATS:
        raise Http404
    record(
        Action.EXPORT,
        object_repr=f"{what}.{fmt} ({count})",
        changes={"rows": count, "format": fmt, "filters": filters[:500]},
        subject_organisation_id=subject_organisation_id,
    )
    return table.response(fmt, items, name=name)


def dated_name(what: str) -> str:
    """A file name of a list and today's date: "praktijkverklaringen-2026-11-22"."""
    return f"{what}-{timezone.localdate().isoformat()}"


def filtered_list_export(
    request: Any,
    table: Table[Item],
    *,
    form: Any,
    select: Callable[[], Any],
    fmt: str,
    list_url: str,
    name: str,
    what: str,
) -> Any:
    """The download of a filtered list page: the rows ``select()`` chooses with the page's valid
    ``form``, audited with the filters; with invalid filters, back to the page (``list_url``),
    which shows what is wrong with them."""
    from django.shortcuts import redirect

    if not form.is_valid():
        query = request.GET.urlencode()
        return redirect(list_url + (f"?{query}" if query else ""))
    selected = select()
    organisation = getattr(request, "organisation", None)
    # Names of learners leave the platform: who took them, and how many, goes in the audit log.
    return export(
        table,
        selected.iterator(chunk_size=2000),
        count=selected.count(),
        fmt=fmt,
        name=name,
        what=what,
        filters=request.GET.urlencode(),
        subject_organisation_id=organisation.pk if organisation is not None else None,
    )

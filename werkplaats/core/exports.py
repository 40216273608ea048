"""Downloads for spreadsheets: CSV as Dutch Excel reads it, and cells no spreadsheet will run."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from typing import TypeVar

from django.http import HttpResponse, StreamingHttpResponse

# Text starting with one of these can run as a formula in a spreadsheet (a tab or carriage return
# is skipped by some programs before one).
UNSAFE_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: object) -> object:
    """A cell that is shown, never run: text that could start a formula gets a leading apostrophe.
    Numbers and dates stay as they are, so XLSX keeps them as numbers and dates."""
    if isinstance(value, str) and value.startswith(UNSAFE_START):
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

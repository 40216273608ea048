"""The caseload as CSV and XLSX: the same rows and columns as the page, headers in the language
of the request (Dutch unless the user chose English). Support needs are never exported."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence

from django.http import HttpResponse, StreamingHttpResponse
from django.utils.text import slugify
from django.utils.translation import gettext as _

from .caseloads import Row

UNSAFE_CSV_START = ("=", "+", "-", "@", "\t", "\r")


def headers() -> list[str]:
    return [
        _("Learner"),
        _("Qualification"),
        _("Employer"),
        _("State"),
        _("Days in state"),
        _("Next review"),
        _("Warnings"),
    ]


def cells(row: Row) -> list[object]:
    return [
        row.learner_name,
        row.qualification_label,
        row.employer_name,
        row.state_label,
        row.days_in_state,
        row.next_review.isoformat() if row.next_review else "",
        "; ".join(row.warning_labels),
    ]


def safe(value: object) -> object:
    """A text cell a spreadsheet will not run as a formula."""
    if isinstance(value, str) and value.startswith(UNSAFE_CSV_START):
        return "'" + value
    return value


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_lines(rows: Sequence[Row]) -> Iterator[str]:
    writer = csv.writer(_Echo(), delimiter=";")
    yield "\ufeff"  # so that Excel reads the file as UTF-8
    yield writer.writerow(headers())
    for row in rows:
        yield writer.writerow([safe(c) for c in cells(row)])


def csv_response(rows: Sequence[Row], name: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(_csv_lines(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{slugify(name)}.csv"'
    return response


def xlsx_bytes(rows: Sequence[Row]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_("Caseload")[:31])
    sheet.append(headers())
    for row in rows:
        sheet.append([safe(c) for c in cells(row)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_response(rows: Sequence[Row], name: str) -> HttpResponse:
    response = HttpResponse(
        xlsx_bytes(rows), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{slugify(name)}.xlsx"'
    return response

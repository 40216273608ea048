"""The caseload as CSV and XLSX: the same rows and columns as the page, headers in the language
of the request (Dutch unless the user chose English). Support needs are never exported."""

from __future__ import annotations

import io
from collections.abc import Sequence

from django.http import HttpResponse, StreamingHttpResponse
from django.utils.text import slugify
from django.utils.translation import gettext as _

from werkplaats.core.exports import XLSX, file_response, spreadsheet_safe
from werkplaats.core.exports import csv_response as core_csv_response

from .caseloads import Row


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


def csv_response(rows: Sequence[Row], name: str) -> StreamingHttpResponse:
    return core_csv_response(headers(), (cells(row) for row in rows), filename=f"{slugify(name)}.csv")


def xlsx_bytes(rows: Sequence[Row]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_("Caseload")[:31])
    sheet.append(headers())
    for row in rows:
        sheet.append([spreadsheet_safe(c) for c in cells(row)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_response(rows: Sequence[Row], name: str) -> HttpResponse:
    return file_response(xlsx_bytes(rows), content_type=XLSX, filename=f"{slugify(name)}.xlsx")

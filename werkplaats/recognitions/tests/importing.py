"""Helpers for the import tests: files made in memory, and a snapshot of everything an import may touch."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from typing import Any

from werkplaats.audit.models import AuditLogEntry
from werkplaats.recognitions.models import LearningCompany, Recognition

HEADER = [
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
]


def csv_bytes(
    rows: Iterable[Sequence[Any]], *, header: Sequence[str] = HEADER, encoding: str = "utf-8", delimiter: str = ","
) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(
    rows: Iterable[Sequence[Any]], *, header: Sequence[str] = HEADER, date_format: str = "yyyy-mm-dd"
) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    for cells in sheet.iter_rows(min_row=2):
        for cell in cells:
            if isinstance(cell.value, str) and cell.value.startswith("=DATE"):
                cell.number_format = date_format
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def with_saved_formula_values(data: bytes, value: str) -> bytes:
    """Give every formula in the first sheet a saved value, as Excel does when it saves a file
    (openpyxl itself writes formulas without one)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = re.sub(rb"(<f>[^<]*</f>)<v\s*/?>(</v>)?", rb"\1<v>" + value.encode() + rb"</v>", content)
            target.writestr(item, content)
    return out.getvalue()


def snapshot() -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]], int]:
    """Everything an import writes: recognitions, learning companies, audit entries."""
    recognitions = list(
        Recognition.objects.order_by("pk").values_list(
            "pk",
            "employer_id",
            "crebo",
            "start_date",
            "end_date",
            "places_offered",
            "last_verified_on",
            "source",
            "updated_at",
            "withdrawn_at",
        )
    )
    companies = list(
        LearningCompany.objects.order_by("pk").values_list(
            "pk",
            "employer_id",
            "sbb_company_id",
            "sbb_adviser_name",
            "sbb_adviser_email",
            "sbb_adviser_phone",
            "updated_at",
        )
    )
    return recognitions, companies, AuditLogEntry.objects.count()

"""The stakeholder map in the form Kumu (kumu.io) imports: a workbook with a sheet "Elements"
(Label, Type, Description, Tags) and a sheet "Connections" (From, To, Type).

The sheet names and column headings are Kumu's and stay in English whatever the language of the
page; the cells are in the reader's language. Tags are separated by "|", as Kumu expects. Every
cell is made spreadsheet-safe: a stakeholder named "=SUM(…)" is shown, never run.
"""

from __future__ import annotations

import io
from collections.abc import Iterator

from django.utils.translation import gettext as _

from werkplaats.core.exports import spreadsheet_safe
from werkplaats.partnerships.models import Partnership

from .maps import relations_of, stakeholders_of, tensions_of

ELEMENTS = "Elements"
CONNECTIONS = "Connections"
ELEMENT_HEADER = ["Label", "Type", "Description", "Tags"]
CONNECTION_HEADER = ["From", "To", "Type"]
TAG_SEPARATOR = "|"
TENSION_TYPE = "tension"  # fixed, so a Kumu view can pick out tensions in any language


def element_rows(partnership: Partnership) -> Iterator[list[object]]:
    for stakeholder in stakeholders_of(partnership):
        tags = [str(stakeholder.get_stance_display()), str(stakeholder.quadrant.label)]
        yield [
            stakeholder.name,
            str(stakeholder.get_kind_display()),
            stakeholder.interests,
            TAG_SEPARATOR.join(tag.replace(TAG_SEPARATOR, "/") for tag in tags),
        ]


def connection_rows(partnership: Partnership) -> Iterator[list[object]]:
    """Relations, then the tensions that are not resolved (a resolved one is history, not a
    connection between the stakeholders any more)."""
    for relation in relations_of(partnership):
        yield [relation.source.name, relation.target.name, str(relation.get_kind_display())]
    for tension in tensions_of(partnership):
        if tension.is_open:
            yield [tension.first.name, tension.second.name, TENSION_TYPE]


def safe(row: list[object]) -> list[object]:
    return [spreadsheet_safe(cell) for cell in row]


def xlsx_bytes(elements: list[list[object]], connections: list[list[object]]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    for title, header, rows in ((ELEMENTS, ELEMENT_HEADER, elements), (CONNECTIONS, CONNECTION_HEADER, connections)):
        sheet = workbook.create_sheet(title=title)
        sheet.append(header)
        for row in rows:
            sheet.append(safe(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def filename(partnership: Partnership, part: str) -> str:
    from django.utils.text import slugify

    return slugify(f"{_('stakeholder map')} {partnership.slug} {part}")

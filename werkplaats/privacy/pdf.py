"""The subject-access export (AVG art. 15) as a readable A4 PDF, drawn by WeasyPrint with the
vendored fonts the certificates use; the data is exactly the JSON export's (``export.py``)."""

from __future__ import annotations

import datetime
from typing import Any

from django.apps import apps
from django.template.defaultfilters import yesno
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.utils.translation import get_language

from werkplaats.certificates.pdf import FONT_DIR

from .export import SubjectExport


def _readable(model: str, name: str, value: Any) -> str:
    """An exported value as a person reads it: a choice by its label, a date in words, a list
    joined, structured data indented; empty values as an empty string."""
    if value is None or value in ("", [], {}):
        return ""
    field = apps.get_model(model)._meta.get_field(name)
    if isinstance(value, dict) and getattr(field, "choices", None):
        return str(value["label"])
    if isinstance(value, bool):
        return str(yesno(value))
    if isinstance(value, str) and field.get_internal_type() == "DateTimeField":
        moment = datetime.datetime.fromisoformat(value)
        return format_date(timezone.localtime(moment) if timezone.is_aware(moment) else moment, "j F Y H:i")
    if isinstance(value, str) and field.get_internal_type() == "DateField":
        return format_date(datetime.date.fromisoformat(value), "j F Y")
    if isinstance(value, list) and all(isinstance(item, str | int | float) for item in value):
        return ", ".join(str(item) for item in value)
    if isinstance(value, list | dict):
        return "\n".join(_outline(value, 0))
    return str(value)


def _outline(value: Any, depth: int) -> list[str]:
    """Structured data (a JSON field) as indented "key: value" lines and "- " list items."""
    indent = "  " * depth
    lines: list[str] = []
    items = value.items() if isinstance(value, dict) else ((None, item) for item in value)
    for key, item in items:
        prefix = f"{indent}{key}: " if key is not None else f"{indent}- "
        if isinstance(item, dict | list) and item:
            nested = _outline(item, depth + 1)
            if key is None:  # the first line of a list item goes beside its dash
                lines.append(prefix + nested[0].lstrip())
                lines.extend(nested[1:])
            else:
                lines.append(prefix.rstrip())
                lines.extend(nested)
        else:
            lines.append((prefix + ("" if item in (None, {}, []) else str(item))).rstrip())
    return lines


def export_pdf(export: SubjectExport, *, requested_by: Any, erased: bool) -> bytes:
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    sections = [
        (
            section.title,
            [
                (record.label, [(label, _readable(section.model, name, value)) for name, label, value in record.fields])
                for record in section.records
            ],
        )
        for section in export.sections
    ]
    html = render_to_string(
        "privacy/subject_access_pdf.html",
        {
            "export": export,
            "learner": export.learner,
            "sections": sections,
            "requested_by": f"{requested_by.name} ({requested_by.email})" if requested_by.name else requested_by.email,
            "erased": erased,
            "language": get_language(),
            "font_dir": FONT_DIR.as_uri(),
        },
    )
    # Only the vendored fonts are read: nothing in an export reaches out to the network.
    return HTML(string=html, base_url=str(FONT_DIR), url_fetcher=URLFetcher(allowed_protocols={"file"})).write_pdf()

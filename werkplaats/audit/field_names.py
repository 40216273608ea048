"""Field names as the audit log shows them ("What changed"), in the reader's language.

A field declared without a verbose name gets one made from its attribute ("created by"), which
is plain text and never translated; ``field_label`` looks such names up in the catalogue, which
knows them from the list below. ``tests`` check that every audited field has a Dutch name.
"""

from __future__ import annotations

from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext, gettext_noop

GENERATED_NAMES = (
    gettext_noop("accepted by"),
    gettext_noop("approved by"),
    gettext_noop("assessed by"),
    gettext_noop("assessment"),
    gettext_noop("author"),
    gettext_noop("cancel token hash"),
    gettext_noop("certificate"),
    gettext_noop("content hash"),
    gettext_noop("content type"),
    gettext_noop("context"),
    gettext_noop("created by"),
    gettext_noop("decided by"),
    gettext_noop("logged by"),
    gettext_noop("membership"),
    gettext_noop("origin id"),
    gettext_noop("prompt"),
    gettext_noop("size"),
    gettext_noop("stored paths"),
    gettext_noop("trajectory"),
    gettext_noop("trajectory ids"),
    gettext_noop("uploaded at"),
    gettext_noop("uploaded by"),
    gettext_noop("version"),
    gettext_noop("work process"),
)


def field_label(field: Any) -> str:
    name = field.verbose_name
    return str(name) if isinstance(name, Promise) else gettext(str(name))

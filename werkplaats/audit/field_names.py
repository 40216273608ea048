"""Field names as the audit log ("What changed") and the subject-access export show them, in the
reader's language.

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
    gettext_noop("assessment seconds"),
    gettext_noop("author"),
    gettext_noop("body html"),
    gettext_noop("cancel token hash"),
    gettext_noop("certificate"),
    gettext_noop("content hash"),
    gettext_noop("content type"),
    gettext_noop("context"),
    gettext_noop("core task"),
    gettext_noop("created at"),
    gettext_noop("created by"),
    gettext_noop("decided by"),
    gettext_noop("employer id"),
    gettext_noop("ended at"),
    gettext_noop("error count"),
    gettext_noop("errors"),
    gettext_noop("file"),
    gettext_noop("funding"),
    gettext_noop("furthest"),
    gettext_noop("headers"),
    gettext_noop("in progress seconds"),
    gettext_noop("intake seconds"),
    gettext_noop("key"),
    gettext_noop("key hash"),
    gettext_noop("last"),
    gettext_noop("learner"),
    gettext_noop("learner organisation id"),
    gettext_noop("level"),
    gettext_noop("logged by"),
    gettext_noop("mapping"),
    gettext_noop("membership"),
    gettext_noop("origin id"),
    gettext_noop("outcome after six months"),
    gettext_noop("outcome at completion"),
    gettext_noop("paused seconds"),
    gettext_noop("pdf sha256"),
    gettext_noop("place"),
    gettext_noop("placed seconds"),
    gettext_noop("position"),
    gettext_noop("preview"),
    gettext_noop("progress"),
    gettext_noop("prompt"),
    gettext_noop("prompt set"),
    gettext_noop("public id"),
    gettext_noop("published by"),
    gettext_noop("qualification"),
    gettext_noop("ranked by"),
    gettext_noop("referred seconds"),
    gettext_noop("region"),
    gettext_noop("region id"),
    gettext_noop("rejected"),
    gettext_noop("results"),
    gettext_noop("route"),
    gettext_noop("row count"),
    gettext_noop("school id"),
    gettext_noop("searching seconds"),
    gettext_noop("sequence"),
    gettext_noop("session"),
    gettext_noop("size"),
    gettext_noop("stop reason"),
    gettext_noop("stored paths"),
    gettext_noop("summary"),
    gettext_noop("target group"),
    gettext_noop("token hash"),
    gettext_noop("total"),
    gettext_noop("trajectory"),
    gettext_noop("trajectory ids"),
    gettext_noop("uid"),
    gettext_noop("uploaded at"),
    gettext_noop("uploaded by"),
    gettext_noop("version"),
    gettext_noop("work process"),
)


def field_label(field: Any) -> str:
    name = field.verbose_name
    return str(name) if isinstance(name, Promise) else gettext(str(name))

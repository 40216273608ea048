"""Types and schemas shared by the routers."""

from __future__ import annotations

import datetime
from typing import Annotated

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import AfterValidator

# Database keys in paths and filters: positive and small enough for every database's integers.
MAX_ID = 2**53


def _aware(value: datetime.datetime) -> datetime.datetime:
    """A moment with a time zone (a naive one is read in the site's zone), within the range the
    databases store."""
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    try:
        value.astimezone(datetime.UTC)
    except OverflowError as exc:
        raise ValueError(_("Enter a moment between the years 1900 and 9998.")) from exc
    if not 1900 <= value.year <= 9998:
        raise ValueError(_("Enter a moment between the years 1900 and 9998."))
    return value


Moment = Annotated[datetime.datetime, AfterValidator(_aware)]
Id = Annotated[int, Field(ge=1, le=MAX_ID)]


class UpdatedSince(Schema):
    updated_since: Moment | None = Field(
        None, description="Only what changed at or after this moment (ISO 8601, e.g. 2026-01-31T12:00:00+01:00)."
    )


class ProblemError(Schema):
    in_: str = Field(..., alias="in", description="Where: body, query, path or header.")
    field: str = Field(..., description="The field, dotted for nested fields; empty for the whole request.")
    pointer: str = Field(..., description="JSON pointer to the field in the request body or parameters.")
    code: str
    message: str = Field(..., description="What is wrong, in the request's language.")


class Problem(Schema):
    """RFC 9457 problem details."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    instance: str
    errors: list[ProblemError] | None = None

"""Reading one cell as the value of a field. Each parser raises ``CellError`` with a message
for the person who wrote the file; the text, date, KvK and crebo rules are the recognition
import's (``werkplaats.recognitions.importer``)."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import models
from django.utils import translation
from django.utils.translation import gettext as _

from werkplaats.organisations.validators import validate_brin, validate_postcode
from werkplaats.recognitions import importer

Parser = Callable[[Any], Any]


class CellError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _wrapped(parse: Parser) -> Parser:
    def run(cell: Any) -> Any:
        try:
            return parse(cell)
        except importer._CellError as exc:
            raise CellError(exc.message) from exc

    return run


def is_blank(cell: Any) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def shown(cell: Any) -> str:
    """A cell as text, for the preview and the rejected rows."""
    if cell is None:
        return ""
    if isinstance(cell, datetime.datetime):
        return cell.strftime("%Y-%m-%d") if cell.time() == datetime.time() else cell.strftime("%Y-%m-%d %H:%M")
    if isinstance(cell, datetime.date):
        return cell.isoformat()
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


date = _wrapped(importer._date)
kvk = _wrapped(importer._kvk)
crebo = _wrapped(importer._crebo)
_text = _wrapped(importer._text)


def text(max_length: int) -> Parser:
    def parse(cell: Any) -> str:
        value = _text(cell)
        if len(value) > max_length:
            raise CellError(_("longer than %(max)d characters") % {"max": max_length})
        return value

    return parse


def email(cell: Any) -> str:
    value = text(254)(cell)
    if value:
        try:
            validate_email(value)
        except ValidationError as exc:
            raise CellError(_("'%(value)s' is not an e-mail address") % {"value": value}) from exc
    return value


def website(cell: Any) -> str:
    value = text(200)(cell)
    if value and "://" not in value:
        value = f"https://{value}"
    if value:
        try:
            URLValidator()(value)
        except ValidationError as exc:
            raise CellError(_("'%(value)s' is not a web address") % {"value": value}) from exc
    return value


def postcode(cell: Any) -> str:
    value = text(7)(cell).upper()
    if value:
        try:
            validate_postcode(value)
        except ValidationError as exc:
            raise CellError(_("'%(value)s' is not a Dutch postcode") % {"value": value}) from exc
        if " " not in value:
            value = f"{value[:4]} {value[4:]}"
    return value


def brin(cell: Any) -> str:
    value = text(4)(cell).upper()
    if value:
        try:
            validate_brin(value)
        except ValidationError as exc:
            raise CellError(_("'%(value)s' is not a BRIN code") % {"value": value}) from exc
    return value


def whole_number(low: int, high: int) -> Parser:
    def parse(cell: Any) -> int | None:
        if is_blank(cell):
            return None
        value = shown(cell)
        if isinstance(cell, bool) or not value.isdigit() or not low <= int(value) <= high:
            raise CellError(
                _("'%(value)s' is not a whole number from %(low)d to %(high)d")
                % {"value": value, "low": low, "high": high}
            )
        return int(value)

    return parse


def choice(choices: type[models.TextChoices]) -> Parser:
    """A choice written as its code or its name, in Dutch or English, in any case."""
    known: dict[str, str] = {}
    loaded = False

    def load() -> None:
        for language in ("en", "nl"):
            with translation.override(language):
                for value, label in choices.choices:
                    known[str(label).strip().lower()] = value
        for value in choices.values:
            known[value.lower()] = value

    def parse(cell: Any) -> str:
        nonlocal loaded
        if not loaded:
            load()
            loaded = True
        value = text(200)(cell)
        if not value:
            return ""
        found = known.get(value.lower())
        if found is None:
            raise CellError(
                _("'%(value)s' is not one of: %(choices)s")
                % {"value": value, "choices": ", ".join(v for v in choices.values if v)}
            )
        return found

    return parse

"""Form pieces every app uses the same way."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# A date field accepts what the browser's date picker sends and what people type in the Netherlands.
DATE_FORMATS = ["%Y-%m-%d", "%d-%m-%Y"]


class DatePickerInput(forms.DateInput):
    """The browser's date picker, which shows only YYYY-MM-DD: a date typed as DD-MM-YYYY is shown
    back in that form after another field's error, instead of as an empty field."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, str):
            for fmt in DATE_FORMATS:
                try:
                    return datetime.datetime.strptime(value.strip(), fmt).date().isoformat()
                except ValueError:
                    continue
            return value
        return super().format_value(value)


def date_field(label: Any, **kwargs: Any) -> forms.DateField:
    return forms.DateField(
        label=label,
        input_formats=DATE_FORMATS,
        widget=DatePickerInput(),
        error_messages={"invalid": _("Enter a date as DD-MM-YYYY.")},
        **kwargs,
    )


def add_validation_error(form: forms.BaseForm, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form: next to the field it names, otherwise at
    the top of the form, so the person can act on it where they are."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Django's field, but a key no database column can hold is "not a valid value" before any
    query: SQLite raises OverflowError for an integer beyond 64 bits in ``pk__in``."""

    def _check_values(self, value: Any) -> Any:
        if self.to_field_name is None:
            for key in value:
                try:
                    number = int(str(key).strip())
                except ValueError:
                    continue  # the parent reports it
                if not -(2**63) <= number < 2**63:
                    raise ValidationError(
                        self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": key}
                    )
        return super()._check_values(value)  # type: ignore[misc]  # private in django-stubs

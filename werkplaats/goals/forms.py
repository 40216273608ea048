from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from werkplaats.core.forms import ModelMultipleChoiceField, date_field
from werkplaats.partnerships.models import Partnership

from .models import Direction, IndicatorSource

MAX_NUMBER = Decimal("9999999999.99")  # what the database columns hold (12 digits, 2 decimals)


class NumberField(forms.Field):
    """A number as people type it in the Netherlands or elsewhere: ``12,5`` and ``12.5`` both mean
    twelve and a half. Non-numbers and more than two decimals get a message at the field."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}))
        super().__init__(*args, **kwargs)

    def to_python(self, value: Any) -> Decimal | None:
        if isinstance(value, Decimal):
            return value
        text = str(value or "").strip().replace(" ", "")
        if not text:
            return None
        if len(text) > 30:
            raise ValidationError(_("This number is too large."), code="too_large")
        if "," in text and "." not in text:
            text = text.replace(",", ".")
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ValidationError(_("Enter a number, for example 40 or 12,5."), code="invalid") from None
        if not number.is_finite():
            raise ValidationError(_("Enter a number, for example 40 or 12,5."), code="invalid")
        if number != number.quantize(Decimal("0.01")):
            raise ValidationError(_("Use at most two decimals."), code="decimals")
        if abs(number) > MAX_NUMBER:
            raise ValidationError(_("This number is too large."), code="too_large")
        return number.quantize(Decimal("0.01"))

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, Decimal):
            return format(value.normalize(), "f") if value == value.to_integral() else format(value, "f")
        return value


class GoalForm(forms.Form):
    title = forms.CharField(label=_("title"), max_length=200)
    description = forms.CharField(
        label=_("description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What the partners want to achieve, and why."),
    )
    groups: forms.ModelMultipleChoiceField = ModelMultipleChoiceField(
        label=_("linked groups"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Groups that work on this goal and report against it; their members may enter values."),
    )
    order = forms.IntegerField(
        label=_("order"), min_value=0, max_value=32767, initial=0, help_text=_("Goals are shown from low to high.")
    )

    def __init__(self, *args: Any, partnership: Partnership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["groups"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = partnership.groups.open().order_by("kind", "name")


class IndicatorForm(forms.Form):
    name = forms.CharField(label=_("indicator"), max_length=200, help_text=_("What is measured."))
    source = forms.ChoiceField(
        label=_("value"),
        choices=IndicatorSource.choices,
        initial=IndicatorSource.ENTERED,
        help_text=_("Entered by hand, with a date and a source, or computed live from the platform's data."),
    )
    unit = forms.CharField(
        label=_("unit"),
        max_length=50,
        required=False,
        help_text=_("For example: students, days, %. A computed indicator has its own unit when left empty."),
    )
    target = NumberField(label=_("target"))
    direction = forms.ChoiceField(label=_("direction"), choices=Direction.choices, initial=Direction.HIGHER)
    cumulative = forms.BooleanField(
        label=_("counts up over the period"),
        required=False,
        help_text=_(
            "Only for an entered number that only grows during the period (a total so far). Computed counts "
            "do this by themselves."
        ),
    )
    period_start = date_field(_("period from"))
    period_end = date_field(_("period until"))
    order = forms.IntegerField(label=_("order"), min_value=0, max_value=32767, initial=0)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("The end of the period cannot be before its start."))
        return data


class ValueForm(forms.Form):
    value = NumberField(label=_("value"))
    measured_on = date_field(_("measured on"), help_text=_("The date the value applies to."))
    source = forms.CharField(
        label=_("source"),
        max_length=200,
        required=False,
        help_text=_("Where the number comes from, e.g. SBB-rapportage Q3."),
    )

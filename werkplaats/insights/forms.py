"""The dashboard's filters: whose figures, which period, and optionally a second column to compare."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from werkplaats.core.forms import date_field

from .dashboard import MAX_PERIOD_DAYS
from .figures import Period, Scope


class DashboardForm(forms.Form):
    scope = forms.ChoiceField(label=gettext_lazy("Region or organisation"), choices=())
    date_from = date_field(gettext_lazy("From"))
    date_to = date_field(gettext_lazy("To"))
    compare_scope = forms.ChoiceField(
        label=gettext_lazy("Compare with region or organisation"), choices=(), required=False
    )
    compare_from = date_field(gettext_lazy("Compare with the period from"), required=False)
    compare_to = date_field(pgettext_lazy("the last day of the period to compare with", "to"), required=False)

    def __init__(self, data: QueryDict, *, scopes: list[Scope]) -> None:
        """Always bound: what is left out is the default (the user's first scope, this year up to
        today), so that the page, the form and the downloads all show the same figures."""
        data = data.copy()
        today = timezone.localdate()
        defaults = {
            "scope": scopes[0].key if scopes else "",
            "date_from": today.replace(month=1, day=1).isoformat(),
            "date_to": today.isoformat(),
        }
        for name, value in defaults.items():
            if not data.get(name):
                data[name] = value
        super().__init__(data)
        self.scopes = {scope.key: scope for scope in scopes}
        choices = [(scope.key, self._label(scope)) for scope in scopes]
        self._choice("scope").choices = choices
        self._choice("compare_scope").choices = [("", _("(the same)")), *choices]

    def _choice(self, name: str) -> forms.ChoiceField:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        return field

    @staticmethod
    def _label(scope: Scope) -> str:
        if scope.exact:
            return scope.label
        return _("%(name)s (numbers below 5 hidden)") % {"name": scope.label}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        self._check_period(cleaned, "date_from", "date_to")
        compare_from, compare_to = cleaned.get("compare_from"), cleaned.get("compare_to")
        if (compare_from is None) != (compare_to is None) and not (
            self.has_error("compare_from") or self.has_error("compare_to")
        ):
            missing = "compare_to" if compare_to is None else "compare_from"
            self.add_error(missing, _("Give both dates of the period to compare with, or neither."))
        else:
            self._check_period(cleaned, "compare_from", "compare_to")
        return cleaned

    def _check_period(self, cleaned: dict[str, Any], start: str, end: str) -> None:
        date_from, date_to = cleaned.get(start), cleaned.get(end)
        if date_from is None or date_to is None:
            return
        if date_to < date_from:
            self.add_error(end, _("The end of the period cannot be before its start."))
        elif (date_to - date_from).days > MAX_PERIOD_DAYS:
            self.add_error(end, _("Choose a period of at most 10 years."))

    def columns(self) -> list[tuple[Scope, Period]]:
        """The one or two columns of figures the filters ask for."""
        data = self.cleaned_data
        scope = self.scopes[data["scope"]]
        period = Period(data["date_from"], data["date_to"])
        result = [(scope, period)]
        other_scope = self.scopes.get(data.get("compare_scope") or "")
        other_period = Period(data["compare_from"], data["compare_to"]) if data.get("compare_from") else None
        if other_scope is not None or other_period is not None:
            result.append((other_scope or scope, other_period or period))
        return result

    def as_audit(self) -> dict[str, Any]:
        return {
            name: (value.isoformat() if hasattr(value, "isoformat") else value)
            for name, value in self.cleaned_data.items()
            if value not in (None, "")
        }

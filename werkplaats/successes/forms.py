from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from werkplaats.core.forms import date_field
from werkplaats.partnerships.models import Group, Partnership


class SuccessForm(forms.Form):
    title = forms.CharField(
        label=_("success"),
        max_length=200,
        help_text=_("For example: first employers' breakfast with 20 companies."),
    )
    happened_on = date_field(_("date"))
    description = forms.CharField(
        label=_("what happened"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What was achieved, by whom, and what made it work."),
    )
    group = forms.ModelChoiceField(
        label=_("group"),
        queryset=Group.objects.none(),
        required=False,
        empty_label=_("the whole partnership"),
        help_text=_("The group that achieved it, if it was one group's work."),
    )

    def __init__(self, *args: Any, partnership: Partnership, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("happened_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        field = self.fields["group"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = partnership.groups.order_by("kind", "name")

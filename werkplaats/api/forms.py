from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from werkplaats.core.forms import date_field


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=100, help_text=_("What the token is for, e.g. the system that uses it.")
    )
    access = forms.ChoiceField(
        label=_("Access"),
        choices=[("read", _("read only")), ("write", _("read and write"))],
        initial="read",
        widget=forms.RadioSelect,
    )
    expires_on = date_field(_("Valid until"), help_text=_("At most a year from today."))

    def expires_at(self) -> datetime.datetime:
        """The end of the chosen day, in the site's time zone."""
        day: datetime.date = self.cleaned_data["expires_on"]
        return timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min))

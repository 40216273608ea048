from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from werkplaats.core.forms import date_field


class IssueForm(forms.Form):
    issued_on = date_field(_("Date of issue"))
    language = forms.ChoiceField(
        label=_("Language of the certificate"),
        choices=settings.LANGUAGES,
        help_text=_("The learner's own language where they chose one; Dutch otherwise."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["issued_on"].initial = timezone.localdate()


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        help_text=_(
            "Stays with the certificate. The public verification page shows only that and when it was revoked."
        ),
    )
    revoked_on = date_field(_("Revoked on"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["revoked_on"].initial = timezone.localdate()


class VerifyForm(forms.Form):
    code = forms.CharField(
        label=_("Verification code"),
        max_length=40,
        help_text=_("The 16 characters printed next to the QR code, for example 7K2M-9QXD-4RTB-H8NP."),
    )

from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import RegexValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from werkplaats.core.forms import date_field
from werkplaats.core.uploads import check_size

from .importer import MAX_PLACES, TEXT_LIMITS

MAX_UPLOAD_BYTES = 20 * 1024 * 1024


class RecognitionForm(forms.Form):
    """Add a recognition (with a crebo) or change one (without: the crebo stays)."""

    crebo = forms.CharField(
        label=_("Crebo"),
        max_length=5,
        help_text=_("The 5-digit code of the qualification, for example 25173 (Uitvoerend bakker)."),
        validators=[RegexValidator(r"^\d{5}$", _("A crebo is 5 digits."))],
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    start_date = date_field(_("Recognised from"))
    end_date = date_field(
        _("Recognised until"), required=False, help_text=_("Leave empty when the recognition has no end date.")
    )
    places_offered = forms.IntegerField(
        label=_("Places offered"),
        min_value=0,
        max_value=MAX_PLACES,
        initial=1,
        help_text=_("How many learners the company can train at the same time."),
    )
    last_verified_on = date_field(
        _("Last verified on"),
        required=False,
        help_text=_("The day someone last checked the recognition in SBB's register."),
    )

    def __init__(self, *args: Any, with_crebo: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not with_crebo:
            del self.fields["crebo"]

    def clean_crebo(self) -> str:
        return str(self.cleaned_data["crebo"]).strip()


class WithdrawalForm(forms.Form):
    end_date = date_field(
        _("Last day of the recognition"),
        help_text=_("From the day after, the employer is no longer recognised for this qualification."),
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("For example: SBB withdrew the recognition, or the company stopped training."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"end_date": timezone.localdate()})
        super().__init__(*args, **kwargs)


class LearningCompanyForm(forms.Form):
    sbb_company_id = forms.CharField(
        label=_("SBB learning-company ID"), max_length=TEXT_LIMITS["sbb_company_id"], required=False
    )
    sbb_adviser_name = forms.CharField(
        label=_("Name of the SBB adviser"),
        max_length=TEXT_LIMITS["sbb_adviser_name"],
        required=False,
        help_text=_("The fixed contact at SBB for this company."),
    )
    sbb_adviser_email = forms.EmailField(
        label=_("E-mail address of the SBB adviser"), max_length=TEXT_LIMITS["sbb_adviser_email"], required=False
    )
    sbb_adviser_phone = forms.CharField(
        label=_("Phone number of the SBB adviser"),
        max_length=TEXT_LIMITS["sbb_adviser_phone"],
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    offer = forms.CharField(
        label=_("What the company offers"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("For example support for specific target groups, hours, or how many trainers are available."),
    )


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_("A CSV file (UTF-8 or Windows-1252, comma or semicolon) or an Excel workbook (.xlsx)."),
        widget=forms.FileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        check_size([upload], MAX_UPLOAD_BYTES)
        return upload

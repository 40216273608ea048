"""Forms for agreements. They validate and normalise; the rules are in services."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from werkplaats.core.forms import date_field

from .files import check_pdf
from .models import AgreementKind, AgreementVersion, SignatureMethod


def text_field(name: str, *, rows: int = 5) -> forms.CharField:
    model_field = AgreementVersion._meta.get_field(name)
    return forms.CharField(
        label=str(getattr(model_field, "verbose_name", name)).capitalize(),
        help_text=getattr(model_field, "help_text", ""),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class PdfField(forms.FileField):
    """A PDF up to files.MAX_BYTES, recognised by its first bytes."""

    def clean(self, data: Any, initial: Any = None) -> Any:
        upload = super().clean(data, initial)
        if upload:
            check_pdf(upload)
        return upload


class VersionForm(forms.Form):
    goals = text_field("goals")
    conditions = text_field("conditions")
    approach = text_field("approach")
    roles_and_decisions = text_field("roles_and_decisions")
    starts_on = date_field(_("In force from"), required=False)
    ends_on = date_field(_("In force until"), required=False)
    revisit_on = date_field(
        _("Revisit on"), required=False, help_text=_("When the parties look at the agreement again.")
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", _("The end cannot be before the start."))
        return data

    def text(self) -> dict[str, Any]:
        return {name: self.cleaned_data.get(name) for name in VersionForm.base_fields}


class AgreementForm(VersionForm):
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=AgreementKind.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "A covenant is signed by every partner. A professional statute holds the agreements within a school "
            "or team about professional space, decision-making and roles; the team adopts it."
        ),
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    scope = forms.CharField(
        label=_("For whom"),
        max_length=200,
        required=False,
        help_text=_("For example: all partners; or the school or team a statute is for."),
    )
    field_order = ["kind", "title", "scope"]


class AdoptForm(forms.Form):
    adopted_on = date_field(_("Adopted on"))
    adopted_by = forms.CharField(
        label=_("Adopted by"),
        max_length=300,
        required=False,
        help_text=_("For example: the team meeting, with the consent of the team leader."),
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is the version withdrawn?"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class SignForm(forms.Form):
    method = forms.ChoiceField(label=_("How do you sign?"), widget=forms.RadioSelect)
    signatory = forms.CharField(
        label=_("Signed by"),
        max_length=200,
        required=False,
        help_text=_("Name and position of who signs for the partner. Leave empty to use your own name."),
    )
    file = PdfField(
        label=_("Signed copy"),
        required=False,
        help_text=_(
            "Needed when you upload a signed copy: the version signed on paper, scanned as a PDF file of at most 10 MB."
        ),
    )
    confirm = forms.BooleanField(label=_("I am authorised to sign this version for the partner."), required=False)

    def __init__(self, *args: Any, methods: Iterable[str] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["method"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(value, label) for value, label in SignatureMethod.choices if value in set(methods)]
        if len(field.choices) == 1:
            field.initial = field.choices[0][0]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        method = data.get("method")
        if method == SignatureMethod.IN_APP and not data.get("confirm"):
            self.add_error("confirm", _("Confirm that you are authorised to sign for the partner."))
        if method == SignatureMethod.SIGNED_COPY and not data.get("file") and "file" not in self.errors:
            self.add_error("file", _("Upload the signed copy."))
        return data

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from werkplaats.core.uploads import check_size
from werkplaats.organisations.models import Organisation

from .kinds import Spec
from .models import DuplicateAction, ImportKind, ImportMode, MappingTemplate

MAX_UPLOAD_BYTES = 20 * 1024 * 1024


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("What the file holds"), choices=ImportKind.choices)
    organisation = forms.ModelChoiceField(
        label=_("For organisation"), queryset=Organisation.objects.none(), empty_label=None
    )
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "A CSV file (UTF-8 or Windows-1252; comma, semicolon or tab) or an Excel workbook (.xlsx, first sheet)."
        ),
        widget=forms.FileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = organisations

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        check_size([upload], MAX_UPLOAD_BYTES)
        return upload


class MappingForm(forms.Form):
    """One choice of column per field, a template to start from, and a name to save it under."""

    template = forms.ModelChoiceField(
        label=_("Use a saved mapping"),
        queryset=MappingTemplate.objects.none(),
        required=False,
        empty_label="—",
    )
    save_as = forms.CharField(
        label=_("Save this mapping as"),
        max_length=100,
        required=False,
        help_text=_("Give it a name to use it again for the next file of your organisation."),
    )

    def __init__(self, *args: Any, spec: Spec, headers: list[str], templates: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.spec = spec
        template = self.fields["template"]
        assert isinstance(template, forms.ModelChoiceField)
        template.queryset = templates
        choices = [("", _("— not in the file —")), *((str(i), h or f"#{i + 1}") for i, h in enumerate(headers))]
        self.mapped_fields = []
        for field in spec.fields:
            self.fields[f"column_{field.name}"] = forms.ChoiceField(
                label=field.label, choices=choices, required=field.required
            )
            self.mapped_fields.append(self[f"column_{field.name}"])

    def mapping(self) -> dict[str, int]:
        return {
            field.name: int(self.cleaned_data[f"column_{field.name}"])
            for field in self.spec.fields
            if self.cleaned_data.get(f"column_{field.name}") not in (None, "")
        }


class RunForm(forms.Form):
    mode = forms.ChoiceField(
        label=_("How to import"),
        choices=ImportMode.choices,
        initial=ImportMode.ALL_OR_NOTHING,
        widget=forms.RadioSelect,
    )
    duplicates = forms.ChoiceField(
        label=_("Records that are already registered, or repeated in the file"),
        choices=DuplicateAction.choices,
        initial=DuplicateAction.SKIP,
        widget=forms.RadioSelect,
    )

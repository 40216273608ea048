from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from werkplaats.core.uploads import check_size

from .models import Qualification

SORTS = {
    "name": ("name", "crebo", "pk"),
    "-name": ("-name", "-crebo", "-pk"),
    "crebo": ("crebo", "file__dossier_crebo", "pk"),
    "-crebo": ("-crebo", "-file__dossier_crebo", "-pk"),
    "level": ("level", "name", "crebo", "pk"),
    "-level": ("-level", "name", "crebo", "pk"),
}
SORT_CHOICES = [
    ("name", _("name (A to Z)")),
    ("-name", _("name (Z to A)")),
    ("crebo", _("crebo (low to high)")),
    ("-crebo", _("crebo (high to low)")),
    ("level", _("level (1 to 4)")),
    ("-level", _("level (4 to 1)")),
]
LEVEL_CHOICES = [("", _("All levels"))] + [(str(n), str(n)) for n in range(1, 5)]


class CatalogueSearchForm(forms.Form):
    """The catalogue's search and filters. Every field is optional; an invalid value counts as empty."""

    q = forms.CharField(
        label=_("Crebo or words in the name"),
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={"type": "search", "class": "utrecht-textbox utrecht-textbox--html-input", "autocomplete": "off"}
        ),
    )
    level = forms.TypedChoiceField(
        label=_("Level"),
        choices=LEVEL_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.Select(attrs={"class": "utrecht-select utrecht-select--html-select"}),
    )
    domain = forms.ChoiceField(
        label=_("Domain"),
        required=False,
        widget=forms.Select(attrs={"class": "utrecht-select utrecht-select--html-select"}),
    )
    sort = forms.ChoiceField(
        label=_("Order by"),
        choices=SORT_CHOICES,
        required=False,
        widget=forms.Select(attrs={"class": "utrecht-select utrecht-select--html-select"}),
    )
    with_work_processes = forms.BooleanField(
        label=_("Only qualifications with work processes"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "utrecht-checkbox utrecht-checkbox--html-input"}),
    )
    all_versions = forms.BooleanField(
        label=_("Include older versions"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "utrecht-checkbox utrecht-checkbox--html-input"}),
    )

    def __init__(self, *args: Any, domains: Sequence[str] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["domain"].choices = [("", _("All domains"))] + [(d, d) for d in domains]  # type: ignore[attr-defined]

    def filters(self) -> dict[str, Any]:
        """The cleaned filters; fields with an invalid value are left out instead of failing the page."""
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        return {
            "q": cleaned.get("q", ""),
            "level": cleaned.get("level"),
            "domain": cleaned.get("domain", ""),
            "sort": cleaned.get("sort") or "name",
            "with_work_processes": bool(cleaned.get("with_work_processes")),
            "all_versions": bool(cleaned.get("all_versions")),
        }

    @classmethod
    def domains(cls) -> list[str]:
        return list(
            Qualification.objects.exclude(domain="").order_by("domain").values_list("domain", flat=True).distinct()
        )


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """A file field that accepts several files at once and cleans each of them."""

    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        single_clean = super().clean
        if isinstance(data, list | tuple):
            if not data:
                return [single_clean(None, initial)]
            return [single_clean(item, initial) for item in data]
        return [single_clean(data, initial)]


def max_upload_bytes() -> int:
    return int(getattr(settings, "WERKPLAATS_CATALOGUE_MAX_UPLOAD_BYTES", 20 * 1024 * 1024))


class CatalogueImportForm(forms.Form):
    files = MultipleFileField(  # type: ignore[assignment]  # a field called "files", not Form.files
        label=_("Files"),
        help_text=_(
            "SBB qualification files in KD-XML format (.xml) and/or the crebo list (.csv, UTF-8). "
            "You can choose several files at once."
        ),
        widget=MultipleFileInput(attrs={"accept": ".xml,.csv,text/xml,application/xml,text/csv"}),
    )

    def clean_files(self) -> list[UploadedFile]:
        files: list[UploadedFile] = self.cleaned_data["files"]
        check_size(files, max_upload_bytes())
        return files

    def file_contents(self) -> list[tuple[str, bytes]]:
        return [(f.name or "", f.read()) for f in self.cleaned_data["files"]]

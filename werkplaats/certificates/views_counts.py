"""The counts page for coordinators: how many praktijkverklaringen were issued in their regions,
with the same numbers as CSV and XLSX downloads."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseNotAllowed, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from werkplaats.audit.models import Action
from werkplaats.audit.recorder import record
from werkplaats.core.exports import XLSX, csv_response, file_response
from werkplaats.core.forms import date_field
from werkplaats.organisations.models import Region

from . import counts, services


class CountsFilterForm(forms.Form):
    date_from = date_field(gettext_lazy("From"))
    date_to = date_field(gettext_lazy("To"))
    region = forms.TypedChoiceField(
        label=gettext_lazy("Region"), coerce=int, required=False, empty_value=None, choices=()
    )
    include_revoked = forms.BooleanField(label=gettext_lazy("Include revoked praktijkverklaringen"), required=False)

    def __init__(self, data: QueryDict, *, regions: list[Region]) -> None:
        """Always bound: a date left out or left empty is the default, so that the page, the
        form and the exports all work with the same, visible period."""
        data = data.copy()
        date_from, date_to = counts.default_period()
        if not data.get("date_from"):
            data["date_from"] = date_from.isoformat()
        if not data.get("date_to"):
            data["date_to"] = date_to.isoformat()
        super().__init__(data)
        self.regions = {region.pk: region for region in regions}
        # A plain choice of ids (no query): anything else, "abc" or another region's id, is an
        # invalid choice.
        region_field = self.fields["region"]
        assert isinstance(region_field, forms.TypedChoiceField)
        region_field.choices = [("", _("All your regions")), *((str(r.pk), r.name) for r in regions)]

    @property
    def shows_region(self) -> bool:
        """Only who has more than one region chooses one (and who sent a wrong one sees why)."""
        return len(self.regions) > 1 or bool(self["region"].errors)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        date_from, date_to = cleaned.get("date_from"), cleaned.get("date_to")
        if date_from and date_to:
            if date_to < date_from:
                self.add_error("date_to", _("The end of the period cannot be before its start."))
            elif counts.month_count(date_from, date_to) > counts.MAX_PERIOD_MONTHS:
                self.add_error(
                    "date_to",
                    _("Choose a period of at most %(years)s years.") % {"years": counts.MAX_PERIOD_MONTHS // 12},
                )
        return cleaned

    def filters(self) -> counts.Filters:
        data = self.cleaned_data
        region_id = data.get("region")
        return counts.Filters(
            date_from=data["date_from"],
            date_to=data["date_to"],
            region=self.regions[region_id] if region_id is not None else None,
            include_revoked=bool(data.get("include_revoked")),
        )


SAFE_METHODS = ("GET", "HEAD")


def _form(request: HttpRequest) -> CountsFilterForm:
    if not services.can_see_counts(request.user):
        raise PermissionDenied
    return CountsFilterForm(request.GET, regions=counts.regions_for(request.user))


@login_required
def page(request: HttpRequest) -> HttpResponse:
    # The access check comes before the method check: a POST tells nobody more than a GET.
    form = _form(request)
    if request.method not in SAFE_METHODS:
        return HttpResponseNotAllowed(SAFE_METHODS)
    result = counts.count(request.user, form.filters()) if form.is_valid() else None
    return render(
        request,
        "certificates/counts.html",
        {"form": form, "counts": result, "milestones": counts.milestones(request.user)},
    )


def _export(request: HttpRequest, fmt: str) -> HttpResponseBase:
    form = _form(request)
    if request.method not in SAFE_METHODS:
        return HttpResponseNotAllowed(SAFE_METHODS)
    if not form.is_valid():
        # Nothing to download: the page says what is wrong with the filters.
        query = request.GET.urlencode()
        return redirect(reverse("certificates:counts") + (f"?{query}" if query else ""))
    filters = form.filters()
    result = counts.count(request.user, filters)
    record(
        Action.EXPORT,
        object_repr=f"certificate-counts.{fmt} ({result.total})",
        changes={"format": fmt, "total": result.total, "filters": filters.as_audit()},
    )
    name = slugify(f"{_('praktijkverklaringen')} {filters.date_from.isoformat()} {filters.date_to.isoformat()}")
    if fmt == "csv":
        return csv_response(counts.CSV_HEADER, counts.csv_rows(result), filename=f"{name}.csv")
    return file_response(counts.xlsx_bytes(result), content_type=XLSX, filename=f"{name}.xlsx")


@login_required
def export_csv(request: HttpRequest) -> HttpResponseBase:
    return _export(request, "csv")


@login_required
def export_xlsx(request: HttpRequest) -> HttpResponseBase:
    return _export(request, "xlsx")

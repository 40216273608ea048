"""The "Find a learning company" page and its CSV export. The search itself lives in ``search.py``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.template.defaultfilters import floatformat
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.text import capfirst, slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from werkplaats.core.exports import Column, Table, export
from werkplaats.core.forms import date_field
from werkplaats.organisations.models import SCHOOL_KINDS, Municipality, Organisation, OrganisationKind, Region

from .models import Recognition
from .search import (
    LearningCompany,
    Point,
    SearchResult,
    Selection,
    parse_code,
    search_learning_companies,
    select_qualifications,
)

PAGE_SIZE = 25
MAX_RADIUS_KM = 300
# Reference points for a distance: municipalities (place centres and the municipality's own
# offices) and schools. Not employers: there are hundreds of thousands, a list nobody can use.
NEAR_KINDS = (OrganisationKind.MUNICIPALITY, *sorted(SCHOOL_KINDS))

# The places of the "Near" list change rarely, but finding the schools and municipalities among
# hundreds of thousands of organisations (there is no index on their kind) costs a scan of all of
# them: the list is kept in the cache, dropped whenever a municipality or an organisation is saved
# or deleted, and built again at most this many seconds later in any case (for changes that send
# no signal, such as ``QuerySet.update()``, and for the other processes when the cache is per
# process).
NEAR_PLACES_CACHE_KEY = "recognitions:search:near-places"
NEAR_PLACES_SECONDS = 300


@dataclass(frozen=True)
class NearPlaces:
    """What the "Near" list offers, without its (translated) group names: the places (municipality
    centres), the organisations per kind, both as (key, name) in order, and the point of each key."""

    places: list[tuple[str, str]]
    by_kind: dict[str, list[tuple[str, str]]]
    points: dict[str, Point]


def _load_near_places() -> NearPlaces:
    points: dict[str, Point] = {}
    places: list[tuple[str, str]] = []
    municipalities = Municipality.objects.filter(latitude__isnull=False, longitude__isnull=False)
    for municipality in municipalities.order_by("name"):
        key = f"m{municipality.pk}"
        points[key] = Point.of(municipality)  # type: ignore[assignment]
        places.append((key, municipality.name))
    by_kind: dict[str, list[tuple[str, str]]] = {kind: [] for kind in NEAR_KINDS}
    organisations = Organisation.objects.active().filter(
        kind__in=NEAR_KINDS, latitude__isnull=False, longitude__isnull=False
    )
    for organisation in organisations.order_by("name", "pk"):
        key = f"o{organisation.pk}"
        points[key] = Point.of(organisation)  # type: ignore[assignment]
        by_kind[organisation.kind].append((key, organisation.name))
    return NearPlaces(places=places, by_kind=by_kind, points=points)


def near_places() -> NearPlaces:
    """The places of the "Near" list, from the cache when they are there."""
    found = cache.get(NEAR_PLACES_CACHE_KEY)
    if not isinstance(found, NearPlaces):
        found = _load_near_places()
        cache.set(NEAR_PLACES_CACHE_KEY, found, NEAR_PLACES_SECONDS)
    return found


def forget_near_places(**kwargs: Any) -> None:
    """Drop the cached list now, and once more when the transaction commits: a search in between
    may have read (and cached) the list as it was before the change."""
    cache.delete(NEAR_PLACES_CACHE_KEY)
    transaction.on_commit(lambda: cache.delete(NEAR_PLACES_CACHE_KEY))


def connect_near_places() -> None:
    """Called once, from the app's ``ready()``: whatever process changes a place drops the list."""
    for signal in (post_save, post_delete):
        for sender in (Municipality, Organisation):
            signal.connect(
                forget_near_places, sender=sender, dispatch_uid=f"near_places_{id(signal)}_{sender.__name__}"
            )


class LearningCompanySearchForm(forms.Form):
    q = forms.CharField(
        label=gettext_lazy("Crebo or work process"),
        max_length=20,
        help_text=gettext_lazy(
            "For example 25173 (a crebo) or B1-K1-W2 (a work process: every qualification that contains it)."
        ),
        error_messages={"required": gettext_lazy("Enter a crebo or a work-process code.")},
    )
    region = forms.ModelChoiceField(
        label=gettext_lazy("Labour-market region"),
        queryset=Region.objects.order_by("name"),
        required=False,
        empty_label=gettext_lazy("All regions"),
    )
    near = forms.ChoiceField(
        label=gettext_lazy("Near"),
        required=False,
        error_messages={"invalid_choice": gettext_lazy("Choose a place or organisation from the list.")},
    )
    radius = forms.IntegerField(
        label=gettext_lazy("Within (km)"),
        required=False,
        min_value=1,
        max_value=MAX_RADIUS_KM,
        error_messages={
            "invalid": gettext_lazy("Enter a whole number of kilometres."),
            "min_value": gettext_lazy("Enter a distance of at least 1 km."),
            "max_value": gettext_lazy("Enter a distance of at most %(limit_value)s km."),
        },
    )
    on = date_field(gettext_lazy("Recognised on"), required=False, help_text=gettext_lazy("Empty means today."))
    free_only = forms.BooleanField(label=gettext_lazy("Only companies with a free place"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        near = near_places()
        self.points: dict[str, Point] = near.points
        places, by_kind = near.places, near.by_kind
        choices: list[tuple[str, Any]] = [("", _("Anywhere (no distance)"))]
        if places:
            choices.append((_("Places"), places))
        schools = [choice for kind in sorted(SCHOOL_KINDS) for choice in by_kind[kind]]
        if by_kind[OrganisationKind.MUNICIPALITY]:
            choices.append((_("Municipalities"), by_kind[OrganisationKind.MUNICIPALITY]))
        if schools:
            choices.append((_("Schools"), sorted(schools, key=lambda choice: choice[1])))
        self.fields["near"].choices = choices  # type: ignore[attr-defined]

    def clean_q(self) -> Selection:
        parsed = parse_code(self.cleaned_data["q"])
        if parsed is None:
            raise forms.ValidationError(
                _("Enter a crebo of 5 digits (for example 25173) or a work-process code (for example B1-K1-W2).")
            )
        selection = select_qualifications(*parsed)
        if not selection.qualifications:
            if selection.kind == "crebo":
                message = _("Crebo %(code)s is not in the catalogue.")
            else:
                message = _("Work process %(code)s is not in the catalogue (in a current qualification file).")
            raise forms.ValidationError(message, params={"code": selection.code})
        return selection

    def clean_near(self) -> Point | None:
        key = self.cleaned_data["near"]
        return self.points[key] if key else None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("radius") is not None and not data.get("near") and "near" not in self.errors:
            self.add_error("radius", _("Choose a place under “Near” to measure the distance from."))
        return data

    def search(self) -> SearchResult:
        data = self.cleaned_data
        selection: Selection = data["q"]
        return search_learning_companies(
            selection.crebos,
            qualifications=selection.qualifications,
            day=data["on"] or timezone.localdate(),
            region=data["region"],
            near=data["near"],
            radius_km=data["radius"],
            free_only=data["free_only"],
        )


def _register_url(employer_slug: str) -> str | None:
    """The employer's page in the recognition register, when the register's pages are installed."""
    try:
        return reverse("recognitions:register", kwargs={"slug": employer_slug})
    except NoReverseMatch:
        return None


def _rows(request: HttpRequest, companies: list[LearningCompany]) -> list[dict[str, Any]]:
    """Each row with the links the user may follow: the organisation page only when it is visible to them."""
    visible = set(
        Organisation.objects.visible_to(request.user)
        .filter(pk__in={c.employer_id for c in companies})
        .values_list("pk", flat=True)
    )
    rows = []
    for company in companies:
        organisation_url = (
            reverse("organisations:detail", kwargs={"slug": company.employer_slug})
            if company.employer_id in visible
            else None
        )
        rows.append(
            {
                "company": company,
                "organisation_url": organisation_url,
                "register_url": _register_url(company.employer_slug),
            }
        )
    return rows


@login_required
def search(request: HttpRequest) -> HttpResponse:
    """Every logged-in role may search: the register is reference information, not personal data."""
    form = LearningCompanySearchForm(request.GET if "q" in request.GET else None)
    context: dict[str, Any] = {"form": form, "page_size": PAGE_SIZE}
    if form.is_bound and form.is_valid():
        result = form.search()
        page = Paginator(result, PAGE_SIZE).get_page(request.GET.get("page"))
        query = request.GET.copy()
        query.pop("page", None)
        rows = _rows(request, list(page.object_list))
        context.update(
            searched=True,
            result=result,
            selection=form.cleaned_data["q"],
            region=form.cleaned_data["region"],
            page=page,
            rows=rows,
            has_register=any(row["register_url"] for row in rows),
            export_query=query.urlencode(),
            day=result.day,
        )
    return render(request, "recognitions/search.html", context)


# --- CSV and XLSX ---------------------------------------------------------------------------------


def _verbose_name(name: str) -> str:
    field = Recognition._meta.get_field(name)
    return capfirst(str(getattr(field, "verbose_name", name)))


def _distance(company: LearningCompany) -> str:
    return "" if company.distance_km is None else floatformat(company.distance_km, 1)


def _table(with_distance: bool) -> Table[LearningCompany]:
    """The columns of both downloads, in the language of the request (Dutch unless the user chose
    English); the distance only when the search measured one."""
    columns: list[Column[LearningCompany]] = [
        Column(_verbose_name("employer"), lambda c: c.employer_name),
        Column(_("Place"), lambda c: c.place),
        Column(_("Labour-market region"), lambda c: c.region),
        Column(_verbose_name("crebo"), lambda c: c.crebo),
        Column(capfirst(_("qualification")), lambda c: c.qualification),
        Column(_verbose_name("places_offered"), lambda c: c.places_offered),
        Column(_("Places taken"), lambda c: c.places_taken),
        Column(_("Free places"), lambda c: c.free_places),
    ]
    if with_distance:
        columns.append(Column(_("Distance (km)"), _distance))
    return Table(columns, title=_("learning companies"))


def _export(request: HttpRequest, fmt: str) -> HttpResponseBase:
    """The rows of the search, all pages: CSV separated by semicolons (what Excel expects in
    Dutch) or XLSX, with the same columns."""
    form = LearningCompanySearchForm(request.GET)
    if not form.is_valid():
        # Back to the page, which shows the same form with its messages next to the fields.
        query = request.GET.copy()
        query.setdefault("q", "")
        return redirect(f"{reverse('learning_companies:search')}?{query.urlencode()}")
    result = form.search()
    selection: Selection = form.cleaned_data["q"]
    name = f"{slugify(_('learning companies'))}-{slugify(selection.code)}-{result.day.isoformat()}"
    return export(
        _table(result.point is not None),
        result,
        count=len(result),
        fmt=fmt,
        name=name,
        what="learning-companies",
        filters=request.GET.urlencode(),
    )


@login_required
def export_csv(request: HttpRequest) -> HttpResponseBase:
    return _export(request, "csv")


@login_required
def export_xlsx(request: HttpRequest) -> HttpResponseBase:
    return _export(request, "xlsx")

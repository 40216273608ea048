"""Every trajectory the user may see, beyond their own caseload: a coordinator's region, a
school's or an employer's trajectories, filtered and paginated, and the same list as CSV and XLSX
(headers in the language of the request, Dutch unless the user chose English). Support needs and
other sensitive data are never on it."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from werkplaats.core.exports import Column, Table, dated_name, filtered_list_export
from werkplaats.organisations.models import Region

from .caseloads import ALL, OPEN
from .models import FINAL_STATES, Route, Status, Trajectory

PAGE_SIZE = 50


class TrajectoryListForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Learner, school or employer"), required=False, max_length=100)
    state = forms.ChoiceField(label=gettext_lazy("State"), required=False)
    route = forms.ChoiceField(label=gettext_lazy("Learning route"), required=False)
    crebo = forms.RegexField(
        label=gettext_lazy("Crebo"),
        regex=r"^[0-9]{5}$",
        required=False,
        error_messages={"invalid": gettext_lazy("Enter a crebo of 5 digits.")},
    )
    region = forms.ModelChoiceField(
        label=gettext_lazy("Region"),
        queryset=Region.objects.order_by("name"),
        required=False,
        empty_label=gettext_lazy("All regions"),
        error_messages={"invalid_choice": gettext_lazy("Choose a region from the list.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        state = self.fields["state"]
        assert isinstance(state, forms.ChoiceField)
        state.choices = [(OPEN, _("all open trajectories")), (ALL, _("all")), *Status.choices]
        route = self.fields["route"]
        assert isinstance(route, forms.ChoiceField)
        route.choices = [("", _("All routes")), *Route.choices]

    def filter(self, trajectories: Any) -> Any:
        data = self.cleaned_data
        state = data.get("state") or OPEN
        if state == OPEN:
            trajectories = trajectories.exclude(status__in=FINAL_STATES)
        elif state != ALL:
            trajectories = trajectories.filter(status=state)
        if data.get("route"):
            trajectories = trajectories.filter(route=data["route"])
        if data.get("crebo"):
            trajectories = trajectories.filter(qualification__crebo=data["crebo"])
        if data.get("region") is not None:
            trajectories = trajectories.filter(region=data["region"])
        query = (data.get("q") or "").strip()
        for word in query.split()[:5]:
            trajectories = trajectories.filter(
                Q(learner__first_name__icontains=word)
                | Q(learner__last_name__icontains=word)
                | Q(school__name__icontains=word)
                | Q(employer__name__icontains=word)
            )
        return trajectories


def trajectories(request: HttpRequest, form: TrajectoryListForm) -> Any:
    """The trajectories the user may see that the (valid) form selects, with everything a row shows."""
    visible = Trajectory.objects.visible_to(request.user)
    return (
        form.filter(visible)
        .select_related("learner__organisation", "qualification", "school", "employer", "region")
        .order_by("learner__last_name", "learner__first_name", "pk")
    )


def _name(organisation: Any) -> str:
    return organisation.name if organisation is not None else ""


def _since(trajectory: Trajectory) -> datetime.date:
    return timezone.localdate(trajectory.status_changed_at)


TABLE: Table[Trajectory] = Table(
    [
        Column(gettext_lazy("Learner"), lambda t: t.learner.full_name),
        Column(gettext_lazy("Registered by"), lambda t: t.learner.organisation.name),
        Column(gettext_lazy("Learning route"), lambda t: str(t.get_route_display())),
        Column(gettext_lazy("Qualification"), lambda t: t.qualification.name if t.qualification else ""),
        Column(gettext_lazy("Crebo"), lambda t: t.qualification.crebo if t.qualification else ""),
        Column(gettext_lazy("School"), lambda t: _name(t.school)),
        Column(gettext_lazy("Employer"), lambda t: _name(t.employer)),
        Column(gettext_lazy("Region"), lambda t: _name(t.region)),
        Column(gettext_lazy("State"), lambda t: str(t.get_status_display())),
        Column(capfirst(gettext_lazy("in this state since")), _since),
        Column(gettext_lazy("Planned start"), lambda t: t.planned_start),
        Column(gettext_lazy("Planned end"), lambda t: t.planned_end),
    ],
    title=gettext_lazy("Trajectories"),
)


def _form(request: HttpRequest) -> TrajectoryListForm:
    form = TrajectoryListForm(request.GET)
    form.is_valid()
    return form


@login_required
def trajectory_list(request: HttpRequest) -> HttpResponse:
    form = _form(request)
    page = None
    if form.is_valid():
        page = Paginator(trajectories(request, form), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "trajectories/lists/trajectories.html",
        {
            "form": form,
            "page": page,
            "rows": [(t, _since(t)) for t in page.object_list] if page is not None else [],
            "export_query": query.urlencode(),
            "headers": TABLE.headers(),
        },
    )


@login_required
def trajectory_export(request: HttpRequest, fmt: str) -> HttpResponseBase:
    form = _form(request)
    return filtered_list_export(
        request,
        TABLE,
        form=form,
        select=lambda: trajectories(request, form),
        fmt=fmt,
        list_url=reverse("trajectories:list"),
        name=dated_name(_("trajectories")),
        what="trajectories",
    )

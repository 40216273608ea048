from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from werkplaats.audit.recorder import record_view
from werkplaats.core.exports import csv_response
from werkplaats.core.forms import add_validation_error
from werkplaats.organisations.access import require_role
from werkplaats.organisations.models import Organisation
from werkplaats.qualifications.models import Qualification
from werkplaats.trajectories.models import Status, Trajectory
from werkplaats.trajectories.services import can_manage

from . import services
from .forms import AnswerForm, CapacitySortForm, LearningPlaceForm, PreferenceForm, ProposeForm, WithdrawForm
from .models import EMPLOYER_ROLES, LearnerPreference, LearningPlace, PlacementRequest, RequestStatus


def _posted(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


def _managed_trajectory(request: HttpRequest, pk: int) -> Trajectory:
    """A trajectory the user sees (else 404) and steers (else 403)."""
    trajectory = get_object_or_404(
        Trajectory.objects.visible_to(request.user).for_page().select_related("learner__organisation__municipality"),
        pk=pk,
    )
    if not services.can_suggest(request.user, trajectory):
        raise PermissionDenied
    return trajectory


def _visible_request(request: HttpRequest, pk: int) -> PlacementRequest:
    return get_object_or_404(
        PlacementRequest.objects.visible_to(request.user).select_related(
            "trajectory__learner", "trajectory__qualification", "employer", "place", "proposed_by", "decided_by"
        ),
        pk=pk,
    )


@login_required
def suggestions(request: HttpRequest, pk: int) -> HttpResponse:
    trajectory = _managed_trajectory(request, pk)
    record_view(request, trajectory, subject_organisation_id=trajectory.learner.organisation_id)
    result = services.suggest_places(trajectory)
    return render(
        request,
        "matching/suggestions.html",
        {"trajectory": trajectory, "result": result, "preference": services.preference_of(trajectory)},
    )


@login_required
def preferences(request: HttpRequest, pk: int) -> HttpResponse:
    trajectory = _managed_trajectory(request, pk)
    instance = LearnerPreference.objects.filter(learner=trajectory.learner).first() or LearnerPreference(
        learner=trajectory.learner
    )
    form = PreferenceForm(_posted(request), instance=instance)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The learner's preferences are saved."))
        return redirect("matching:suggestions", pk=trajectory.pk)
    return render(request, "matching/preferences.html", {"trajectory": trajectory, "form": form})


@login_required
def propose(request: HttpRequest, pk: int, place: int) -> HttpResponse:
    trajectory = _managed_trajectory(request, pk)
    chosen = get_object_or_404(LearningPlace.objects.visible_to(request.user).select_related("employer"), pk=place)
    form = ProposeForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.propose_place(trajectory, chosen, by=request.user, message=form.cleaned_data["message"])
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(
                request, _("%(employer)s is asked to take on the learner.") % {"employer": chosen.employer.name}
            )
            return redirect("matching:suggestions", pk=trajectory.pk)
    return render(request, "matching/propose.html", {"trajectory": trajectory, "place": chosen, "form": form})


@login_required
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    placement_request = _visible_request(request, pk)
    trajectory = placement_request.trajectory
    manages = can_manage(request.user, trajectory)
    if manages:
        record_view(request, trajectory, subject_organisation_id=trajectory.learner.organisation_id)
    return render(
        request,
        "matching/request_detail.html",
        {
            "placement_request": placement_request,
            "trajectory": trajectory,
            "manages": manages,
            "answers": services.is_employer_staff(request.user, placement_request.employer_id),
            "can_place": manages
            and placement_request.status == RequestStatus.ACCEPTED
            and trajectory.status == Status.SEARCHING,
            "employer_is_set": trajectory.employer_id == placement_request.employer_id,
        },
    )


@login_required
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    """The employer's staff accept or decline a request. They see what they need to decide:
    the learner's first name and initial, the qualification, start date and hours."""
    placement_request = _visible_request(request, pk)
    if not services.is_employer_staff(request.user, placement_request.employer_id):
        raise PermissionDenied
    trajectory = placement_request.trajectory
    record_view(request, trajectory, subject_organisation_id=trajectory.learner.organisation_id)
    form = AnswerForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        accept = form.cleaned_data["decision"] == "accept"
        try:
            services.answer_request(
                placement_request, accept=accept, by=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(request, _("Your answer was sent to the consultant."))
            return redirect("matching:incoming", slug=placement_request.employer.slug)
    return render(
        request,
        "matching/decide.html",
        {"placement_request": placement_request, "trajectory": trajectory, "form": form},
    )


@login_required
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    placement_request = _visible_request(request, pk)
    if not can_manage(request.user, placement_request.trajectory):
        raise PermissionDenied
    form = WithdrawForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.withdraw_request(placement_request, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(request, _("The request is withdrawn."))
            return redirect("matching:suggestions", pk=placement_request.trajectory_id)
    return render(request, "matching/withdraw.html", {"placement_request": placement_request, "form": form})


@login_required
def incoming(request: HttpRequest, slug: str) -> HttpResponse:
    """Requests to one employer, for its staff."""
    employer = get_object_or_404(Organisation.objects.visible_to(request.user), slug=slug)
    require_role(request.user, employer, *EMPLOYER_ROLES)
    requests = list(
        PlacementRequest.objects.filter(employer=employer)
        .select_related("trajectory__learner", "trajectory__qualification", "place")
        .order_by("status", "-created_at")
    )
    return render(
        request,
        "matching/incoming.html",
        {
            "employer": employer,
            "open_requests": [r for r in requests if r.status == RequestStatus.PROPOSED],
            "answered": [r for r in requests if r.status != RequestStatus.PROPOSED],
        },
    )


def _capacity_rows(request: HttpRequest) -> tuple[CapacitySortForm, list[Organisation]]:
    if not services.can_see_capacity(request.user):
        raise PermissionDenied
    form = CapacitySortForm(request.GET or None)
    sort = (form.cleaned_data.get("sort") or "name") if form.is_valid() else "name"
    return form, list(services.capacity(request.user, sort=sort))


@login_required
def capacity(request: HttpRequest) -> HttpResponse:
    form, rows = _capacity_rows(request)
    return render(request, "matching/capacity.html", {"form": form, "rows": rows})


@login_required
def capacity_csv(request: HttpRequest) -> HttpResponseBase:
    _form, found = _capacity_rows(request)
    rows: list[Any] = found
    header = [
        _("Employer"),
        _("KvK number"),
        _("Region"),
        _("Places offered"),
        _("Open requests"),
        _("Accepted, not placed yet"),
        _("Filled"),
        _("Free"),
    ]
    lines = (
        [
            row.name,
            row.kvk_number,
            row.region.name if row.region else "",
            row.offered,
            row.requested,
            row.accepted,
            row.filled,
            row.free,
        ]
        for row in rows
    )
    return csv_response(header, lines, filename="capaciteit-leerbedrijven.csv")


def _managed_employer(request: HttpRequest, slug: str) -> Organisation:
    employer = get_object_or_404(Organisation.objects.visible_to(request.user).filter(kind="employer"), slug=slug)
    if not services.can_manage_places(request.user, employer):
        raise PermissionDenied
    return employer


@login_required
def places(request: HttpRequest, slug: str) -> HttpResponse:
    employer = _managed_employer(request, slug)
    offered: list[Any] = list(services.places_with_use(employer))
    names = dict(Qualification.objects.filter(crebo__in={p.crebo for p in offered}).values_list("crebo", "name"))
    for place in offered:
        place.qualification_name = names.get(place.crebo, "")
        place.free = place.capacity - place.accepted - place.placed
    return render(request, "matching/places.html", {"employer": employer, "places": offered})


@login_required
def place_edit(request: HttpRequest, slug: str, pk: int | None = None) -> HttpResponse:
    employer = _managed_employer(request, slug)
    instance = get_object_or_404(LearningPlace, employer=employer, pk=pk) if pk else LearningPlace(employer=employer)
    form = LearningPlaceForm(_posted(request), instance=instance, employer=employer)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The places are saved."))
        return redirect("matching:places", slug=employer.slug)
    return render(request, "matching/place_form.html", {"employer": employer, "form": form, "place": instance})

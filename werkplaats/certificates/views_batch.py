"""Issuing several praktijkverklaringen in one action, and following the batch as it runs."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods
from django.views.decorators.vary import vary_on_headers

from werkplaats.core.forms import add_validation_error
from werkplaats.core.htmx import wants_fragment
from werkplaats.organisations.models import Organisation

from . import batches
from .forms_batch import BatchForm, SchoolChoiceForm
from .models import IssueBatch

RECENT_BATCHES = 10


def _chosen_school(request: HttpRequest, schools: list[Organisation]) -> tuple[Organisation | None, SchoolChoiceForm]:
    """The school the page is about: the only one, or the one chosen in the query string."""
    bound = "school" in request.GET
    chooser = SchoolChoiceForm(request.GET if bound else None, schools=schools)
    if len(schools) == 1:
        return schools[0], chooser
    if bound and chooser.is_valid():
        chosen = chooser.cleaned_data["school"]
        return next(school for school in schools if school.pk == chosen), chooser
    return None, chooser


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def batch_start(request: HttpRequest) -> HttpResponse:
    """GET: the trajectories of one school in the assessment phase, the ready ones to select.
    POST: issue the selected ones, as a batch run by the task worker."""
    schools = batches.issuing_schools(request.user)
    if not schools:
        raise PermissionDenied
    school, chooser = _chosen_school(request, schools)
    context: dict[str, Any] = {"schools": schools, "chooser": chooser, "school": school}
    if school is None:
        return render(request, "certificates/batch_start.html", context)
    candidates = batches.candidates(request.user, school)
    posted = request.method == "POST"
    form = BatchForm(request.POST if posted else None, ready_ids=[c.trajectory.pk for c in candidates if c.ready])
    if posted and form.is_valid():
        try:
            batch = batches.start_batch(
                school,
                by=request.user,
                on=form.cleaned_data["issued_on"],
                trajectory_ids=form.cleaned_data["trajectories"],
            )
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            return redirect(batch)
    context.update(
        {
            "form": form,
            "candidates": candidates,
            "ready_count": sum(1 for c in candidates if c.ready),
            "selected": form.selected(),
            "recent": IssueBatch.objects.filter(school=school, started_by_id=request.user.pk)[:RECENT_BATCHES],
            "max_size": batches.MAX_BATCH_SIZE,
        }
    )
    return render(request, "certificates/batch_start.html", context)


def _status_context(batch: IssueBatch) -> dict[str, Any]:
    issued = sum(1 for result in batch.results if result.get("number"))
    return {"batch": batch, "issued": issued, "not_issued": len(batch.results) - issued}


@login_required
@vary_on_headers("HX-Request")
def batch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    # A batch is the school's: for everyone else it does not exist. Only then does the method matter.
    batch = get_object_or_404(batches.visible_batches(request.user).select_related("school", "started_by"), pk=pk)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    if wants_fragment(request):
        # The status polls every second; answer "nothing new" without a body so that the page
        # (and a screen reader) only hears about real changes.
        if request.GET.get("seen") == f"{batch.status}-{batch.progress}":
            return HttpResponse(status=204)
        return render(request, "certificates/batch/_status.html", _status_context(batch))
    return render(request, "certificates/batch_detail.html", _status_context(batch))

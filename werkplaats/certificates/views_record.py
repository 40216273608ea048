"""The learner's portable record as a download."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404
from django.utils import timezone

from werkplaats.audit.models import Action
from werkplaats.audit.recorder import record as audit
from werkplaats.core.exports import file_response
from werkplaats.trajectories.models import Trajectory

from . import record as portable


@login_required
def record(request: HttpRequest, pk: int) -> HttpResponse:
    """A ZIP of the trajectory, for the learner to keep: another organisation's trajectory is a
    404, a party who is not the learner nor manages it for them gets a 403."""
    trajectory = get_object_or_404(Trajectory.objects.visible_to(request.user).for_page(), pk=pk)
    if not portable.can_download_record(request.user, trajectory):
        raise PermissionDenied
    # GET only, but checked after access (not with require_GET): a refused method must not tell
    # an outsider that the trajectory exists.
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    data = portable.build_record(trajectory, made_at=timezone.now())
    audit(
        Action.EXPORT,
        trajectory,
        changes={"format": "zip"},
        subject_organisation_id=trajectory.learner.organisation_id,
    )
    return file_response(data, content_type="application/zip", filename=portable.file_name(trajectory))

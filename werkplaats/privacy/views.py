from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from werkplaats.organisations.access import get_access
from werkplaats.trajectories.models import Learner
from werkplaats.trajectories.services import can_see_sensitive

from . import pdf, register, services
from .export import build_export

PAGE_SIZE = 50


def _learner(request: HttpRequest, pk: int) -> Learner:
    """A learner the user may see (else 404) and may ask the data of (else 403)."""
    learner = get_object_or_404(Learner.objects.visible_to(request.user).select_related("organisation"), pk=pk)
    if not services.can_request_access(request.user, learner):
        raise PermissionDenied
    return learner


@login_required
def processing_register(request: HttpRequest) -> HttpResponse:
    """The register of processing activities (AVG art. 30), for platform administrators."""
    if not get_access(request.user).is_platform_admin:
        raise PermissionDenied
    groups = [
        (purpose, [(entry, entry.model_class()._meta, entry.django_field()) for entry in fields])
        for purpose, fields in register.by_purpose()
    ]
    return render(
        request,
        "privacy/register.html",
        {"groups": groups, "retention_days": services.retention_days(), "subjects": dict(register.Subject.choices)},
    )


@login_required
def subject_access(request: HttpRequest, pk: int) -> HttpResponse:
    learner = _learner(request, pk)
    export = build_export(learner, include_sensitive=can_see_sensitive(request.user, learner))
    services.record_export(learner, file_format="html")
    return render(
        request,
        "privacy/subject_access.html",
        {
            "learner": learner,
            "export": export,
            "can_erase": services.can_erase(request.user, learner),
            "erased": services.is_erased(learner.pk),
        },
    )


@login_required
def subject_access_json(request: HttpRequest, pk: int) -> HttpResponse:
    learner = _learner(request, pk)
    export = build_export(learner, include_sensitive=can_see_sensitive(request.user, learner))
    services.record_export(learner, file_format="json")
    response = HttpResponse(
        json.dumps(export.as_dict(), cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="learner-{learner.pk}.json"'
    return response


@login_required
def subject_access_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    learner = _learner(request, pk)
    export = build_export(learner, include_sensitive=can_see_sensitive(request.user, learner))
    services.record_export(learner, file_format="pdf")
    response = HttpResponse(
        pdf.export_pdf(export, requested_by=request.user, erased=services.is_erased(learner.pk)),
        content_type="application/pdf",
    )
    response["Content-Disposition"] = f'attachment; filename="learner-{learner.pk}.pdf"'
    return response


@login_required
@require_POST
def erase(request: HttpRequest, pk: int) -> HttpResponse:
    learner = get_object_or_404(Learner.objects.visible_to(request.user).select_related("organisation"), pk=pk)
    if not services.can_erase(request.user, learner):
        raise PermissionDenied
    if request.POST.get("confirm") != "yes":
        messages.error(request, _("Tick the box to confirm the erasure."))
        return redirect("privacy:access", pk=learner.pk)
    try:
        services.erase_learner(learner, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The learner's personal data has been erased."))
    return redirect("privacy:access", pk=learner.pk)


@login_required
def my_data(request: HttpRequest) -> HttpResponse:
    """For a learner: who viewed or changed their record, and when."""
    user_id = get_access(request.user).user_id
    learner = Learner.objects.filter(user_id=user_id).select_related("organisation").first() if user_id else None
    page = None
    if learner is not None:
        page = Paginator(services.audit_entries_about(learner), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "privacy/my_data.html", {"learner": learner, "page": page})

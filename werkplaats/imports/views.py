from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.vary import vary_on_headers

from werkplaats.audit.models import Action as AuditAction
from werkplaats.audit.recorder import record
from werkplaats.core.forms import add_validation_error
from werkplaats.core.htmx import wants_fragment
from werkplaats.organisations.access import get_access
from werkplaats.organisations.models import Organisation

from . import retention, services
from .forms import MappingForm, RunForm, UploadForm
from .kinds import ACTION_LABELS, spec_for
from .models import ImportJob, ImportKind, JobStatus, MappingTemplate

PAGE_SIZE = 25


def _organisations(request: HttpRequest) -> Any:
    access = get_access(request.user)
    return Organisation.objects.filter(pk__in=access.organisation_ids()).order_by("name")


def _allowed_kinds(request: HttpRequest, organisations: list[Organisation]) -> list[tuple[str, Any, list[Any]]]:
    """Per kind of record, the organisations the user may import it for."""
    allowed = []
    for kind, label in ImportKind.choices:
        spec = spec_for(kind)
        for_organisations = [o for o in organisations if spec.may_import(request.user, o)]
        if for_organisations:
            allowed.append((kind, label, for_organisations))
    return allowed


@login_required
def index(request: HttpRequest) -> HttpResponse:
    organisations = _organisations(request)
    allowed = _allowed_kinds(request, list(organisations))
    form = UploadForm(request.POST or None, request.FILES or None, organisations=organisations)
    kind_field = form.fields["kind"]
    assert isinstance(kind_field, forms.ChoiceField)
    kind_field.choices = [(kind, label) for kind, label, _orgs in allowed]
    if request.method == "POST" and allowed and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = services.start_import(
                form.cleaned_data["organisation"],
                kind=form.cleaned_data["kind"],
                by=request.user,
                file_name=upload.name,
                data=upload.read(),
            )
        except ValidationError as exc:
            form.add_error("file", exc)
        else:
            return redirect(job)
    jobs = (
        ImportJob.objects.visible_to(request.user)
        .filter(created_by_id=request.user.pk)
        .defer("data", "rejected", "preview", "errors")
        .select_related("organisation")
    )
    page = Paginator(jobs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "imports/index.html", {"form": form, "allowed": allowed, "page": page})


def _job(request: HttpRequest, pk: int) -> ImportJob:
    return get_object_or_404(
        ImportJob.objects.visible_to(request.user).select_related("organisation", "created_by"), pk=pk
    )


def _mapping_form(request: HttpRequest, job: ImportJob, data: Any = None) -> MappingForm:
    spec = spec_for(job.kind)
    templates = MappingTemplate.objects.filter(organisation=job.organisation, kind=job.kind)
    initial: dict[str, Any] = {f"column_{name}": str(position) for name, position in job.mapping.items()}
    chosen = request.GET.get("template")
    if data is None and chosen and chosen.isdigit():
        template = templates.filter(pk=int(chosen)).first()
        if template is not None:
            mapping = services.mapping_from_template(template, job.headers)
            initial = {f"column_{name}": str(position) for name, position in mapping.items()}
            initial["template"] = template.pk
            initial["save_as"] = template.name
    return MappingForm(data, spec=spec, headers=job.headers, templates=templates, initial=initial)


@login_required
@vary_on_headers("HX-Request")
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    if wants_fragment(request):
        # Polled while the worker checks or imports: "nothing new" has no body.
        if request.GET.get("seen") == f"{job.status}-{job.progress}-{job.total}":
            return HttpResponse(status=204)
        return render(request, "imports/includes/status.html", {"job": job})
    mapping_form = None
    run_form = RunForm(initial={"mode": job.mode or None, "duplicates": job.duplicates})
    step = request.POST.get("step") if request.method == "POST" else None
    if step is not None and job.created_by_id != request.user.pk and not get_access(request.user).is_platform_admin:
        raise PermissionDenied
    if step is not None and job.is_purged:
        messages.error(request, retention.removed_message())
        return redirect(job)
    if step == "mapping":
        mapping_form = _mapping_form(request, job, request.POST)
        if mapping_form.is_valid():
            try:
                services.choose_mapping(
                    job,
                    mapping=mapping_form.mapping(),
                    by=request.user,
                    template_name=mapping_form.cleaned_data.get("save_as") or "",
                )
            except ValidationError as exc:
                _add_mapping_errors(mapping_form, exc)
            else:
                return redirect(job)
    elif step == "run":
        run_form = RunForm(request.POST)
        if run_form.is_valid():
            try:
                services.start_run(job, by=request.user, **run_form.cleaned_data)
            except ValidationError as exc:
                add_validation_error(run_form, exc)
            else:
                return redirect(job)
    if (
        mapping_form is None
        and not job.is_purged
        and job.status in (JobStatus.MAPPING, JobStatus.CHECKED, JobStatus.FAILED)
    ):
        mapping_form = _mapping_form(request, job)
    spec = spec_for(job.kind)
    labels = {field.name: field.label for field in spec.fields}
    preview = job.preview or {}
    return render(
        request,
        "imports/detail.html",
        {
            "job": job,
            "mapping_form": mapping_form,
            "run_form": run_form,
            "may_run": services.may_run(job) and job.status != JobStatus.DONE,
            "first_rows": services.first_rows(job) if job.status == JobStatus.MAPPING and not job.is_purged else [],
            "preview": preview,
            "preview_columns": [labels.get(name, name) for name in preview.get("fields", [])],
            "sample": [
                {**row, "action_label": ACTION_LABELS.get(row["action"], "")} for row in preview.get("sample", [])
            ],
            "hidden_errors": max(0, job.error_count - len(job.errors)),
            "retention_days": retention.retention_days(),
        },
    )


def _add_mapping_errors(form: MappingForm, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            for message in errors:
                form.add_error(f"column_{name}" if f"column_{name}" in form.fields else None, message)
    else:
        add_validation_error(form, exc)


@login_required
def rejected(request: HttpRequest, pk: int) -> HttpResponse:
    """The rejected rows with their errors, as XLSX (personal data: the download is recorded)."""
    job = _job(request, pk)
    if job.is_purged:
        messages.error(request, retention.removed_message())
        return redirect(job)
    if not job.rejected:
        return HttpResponse(status=404)
    record(
        AuditAction.EXPORT,
        job,
        changes={"rejected_rows": job.summary.get("errors", 0)},
        subject_organisation_id=job.organisation_id,
    )
    response = HttpResponse(
        bytes(job.rejected), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{_("rejected-rows")}-{job.pk}.xlsx"'
    return response

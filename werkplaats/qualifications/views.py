from __future__ import annotations

from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import F, Prefetch
from django.db.models.lookups import GreaterThan
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.vary import vary_on_headers

from werkplaats.core.htmx import wants_fragment
from werkplaats.organisations.access import get_access

from . import services
from .forms import SORTS, CatalogueImportForm, CatalogueSearchForm, max_upload_bytes
from .models import CorePart, ImportRun, Qualification, WorkProcess

PAGE_SIZE = 50


def _sort_columns(current: str) -> dict[str, dict[str, str]]:
    """Per sortable column: the sort its header link asks for, and its aria-sort state."""
    columns = {}
    for key in ("crebo", "name", "level"):
        if current == key:
            columns[key] = {"next": f"-{key}", "state": "ascending"}
        elif current == f"-{key}":
            columns[key] = {"next": key, "state": "descending"}
        else:
            columns[key] = {"next": key, "state": ""}
    return columns


@login_required
@vary_on_headers("HX-Request")
def qualification_list(request: HttpRequest) -> HttpResponse:
    form = CatalogueSearchForm(request.GET or None, domains=CatalogueSearchForm.domains())
    filters = form.filters()
    qualifications = Qualification.objects.visible_to(request.user).select_related("file")
    if not filters["all_versions"]:
        qualifications = qualifications.current()
    qualifications = qualifications.search(filters["q"])
    if filters["level"]:
        qualifications = qualifications.filter(level=filters["level"])
    if filters["domain"]:
        qualifications = qualifications.filter(domain=filters["domain"])
    counted = qualifications.with_work_process_count()
    if filters["with_work_processes"]:
        counted = counted.filter(GreaterThan(F("work_process_count"), 0))
    page = Paginator(counted.order_by(*SORTS[filters["sort"]]), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "filters": filters,
        "page": page,
        "columns": _sort_columns(filters["sort"]),
        "is_filtered": any(filters[k] for k in ("q", "level", "domain", "with_work_processes")),
    }
    if wants_fragment(request):
        return render(request, "qualifications/includes/catalogue_results.html", context)
    return render(request, "qualifications/qualification_list.html", context)


def _recognitions(user: Any, qualification: Qualification) -> list[Any] | None:
    """The employers recognised for this qualification today, when the recognition register is installed."""
    if not apps.is_installed("werkplaats.recognitions"):
        return None
    from werkplaats.recognitions.models import Recognition

    return list(
        Recognition.objects.visible_to(user)
        .for_crebo(qualification.crebo)
        .valid_on(timezone.localdate())
        .select_related("employer", "employer__region")
        .order_by("employer__name", "start_date", "pk")
    )


@login_required
def qualification_detail(request: HttpRequest, pk: int) -> HttpResponse:
    qualification = get_object_or_404(Qualification.objects.visible_to(request.user).select_related("file"), pk=pk)
    core_tasks = list(
        qualification.core_tasks().prefetch_related(
            Prefetch("work_processes", queryset=WorkProcess.objects.order_by("position", "code"))
        )
    )
    other_versions = (
        Qualification.objects.visible_to(request.user)
        .filter(crebo=qualification.crebo)
        .exclude(pk=qualification.pk)
        .select_related("file")
        .order_by("-file__version_number", "-pk")
    )
    context: dict[str, Any] = {
        "qualification": qualification,
        "file": qualification.file,
        "basis_tasks": [t for t in core_tasks if t.part == CorePart.BASIS],
        "profile_tasks": [t for t in core_tasks if t.part == CorePart.PROFILE],
        "work_process_count": sum(len(t.work_processes.all()) for t in core_tasks),
        "other_versions": other_versions,
    }
    recognitions = _recognitions(request.user, qualification)
    if recognitions is not None:
        context["recognitions"] = recognitions
    return render(request, "qualifications/qualification_detail.html", context)


# --- Imports (platform administrators) ------------------------------------------------------


def _require_platform_admin(request: HttpRequest) -> None:
    if not get_access(request.user).is_platform_admin:
        raise PermissionDenied


def import_storage_dir() -> Path:
    """Uploaded files wait here for the worker: a private directory, never served over HTTP.
    With workers on other machines it must be a shared volume."""
    return Path(getattr(settings, "WERKPLAATS_PRIVATE_DIR", settings.BASE_DIR / "var")) / "imports"


@login_required
def import_start(request: HttpRequest) -> HttpResponse:
    _require_platform_admin(request)
    posted = request.method == "POST"
    form = CatalogueImportForm(request.POST, request.FILES) if posted else CatalogueImportForm()
    if posted and form.is_valid():
        run = services.start_import(form.file_contents(), by=request.user, storage_dir=import_storage_dir())
        return redirect(run)
    return render(request, "qualifications/import_start.html", {"form": form, "max_size": max_upload_bytes()})


@login_required
def import_list(request: HttpRequest) -> HttpResponse:
    _require_platform_admin(request)
    runs = ImportRun.objects.select_related("started_by").order_by("-created_at", "-pk")
    page = Paginator(runs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "qualifications/import_list.html", {"page": page})


@login_required
@vary_on_headers("HX-Request")
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_platform_admin(request)
    run = get_object_or_404(ImportRun.objects.select_related("started_by"), pk=pk)
    if wants_fragment(request):
        # The status polls every second; answer "nothing new" without a body so that the page
        # (and a screen reader) only hears about real changes.
        if request.GET.get("seen") == f"{run.status}-{run.progress}-{run.total}":
            return HttpResponse(status=204)
        return render(request, "qualifications/includes/import_status.html", {"run": run})
    return render(request, "qualifications/import_detail.html", {"run": run})

"""Pages for the work along a trajectory: the three-party learning plan, progress reviews,
practice hours, work-process assessments with evidence files, and the evidence and reflection
log.

Every object is fetched through its trajectory, and the trajectory through ``visible_to``: a
trajectory the user may not see is a 404, and so is an object of another trajectory. Who may
do what is decided by the services (they raise PermissionDenied, a 403); the views only check
it early so that a form is never shown to someone who cannot send it.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from werkplaats.audit.recorder import record_view
from werkplaats.core.forms import add_validation_error
from werkplaats.qualifications.models import WorkProcess

from . import files, services
from .forms_work import (
    AssessmentForm,
    HoursForm,
    LogEntryForm,
    PlanForm,
    ReviewForm,
    SignedCopyForm,
)
from .models import (
    EvidenceFile,
    LearningPlanVersion,
    Level,
    Party,
    PlanApproval,
    PracticeHours,
    Trajectory,
    WorkProcessAssessment,
)
from .views import visible_trajectory
from .work import approval_rows, hours_overview, review_status, work_process_groups

# --- Fetching and context -----------------------------------------------------------------


def _version(trajectory: Trajectory, number: int) -> LearningPlanVersion:
    return get_object_or_404(trajectory.plan_versions.select_related("created_by"), number=number)


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _page(request: HttpRequest, template: str, trajectory: Trajectory, section: str, **context: Any) -> HttpResponse:
    return render(
        request,
        f"trajectories/work/{template}",
        {"trajectory": trajectory, "section": section, **context},
    )


def _url(name: str, trajectory: Trajectory, *args: Any) -> str:
    return reverse(f"trajectories:{name}", args=[trajectory.pk, *args])


def _attachment(fileobj: Any, *, filename: str, content_type: str) -> FileResponse:
    """Always a download, never shown inline: an uploaded file cannot act as a page of ours."""
    response = FileResponse(fileobj, as_attachment=True, filename=filename, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def _work_processes(trajectory: Trajectory) -> list[WorkProcess]:
    if trajectory.qualification is None:
        return []
    return list(
        trajectory.qualification.work_processes().order_by("core_task__part", "core_task__position", "position")
    )


# --- The learning plan ----------------------------------------------------------------------


def _versions(trajectory: Trajectory) -> list[LearningPlanVersion]:
    return list(
        trajectory.plan_versions.select_related("created_by")
        .prefetch_related(
            Prefetch("approvals", queryset=PlanApproval.objects.select_related("approved_by").order_by("at"))
        )
        .order_by("-number")
    )


@login_required
def plan(request: HttpRequest, pk: int) -> HttpResponse:
    trajectory = visible_trajectory(request, pk)
    versions = _versions(trajectory)
    current = versions[0] if versions else None
    party = services.party_of(request.user, trajectory)
    context: dict[str, Any] = {
        "versions": versions,
        "current": current,
        "party": Party(party[0]) if party else None,
        "on_behalf": bool(party and party[1]),
        "can_edit": services.is_party(request.user, trajectory),
        "can_upload": services.can_upload_signed_copy(request.user, trajectory),
    }
    if current is not None:
        context.update(
            approvals=approval_rows(current),
            groups=work_process_groups(current.work_processes.select_related("core_task")),
            may_approve=services.can_approve_plan(request.user, trajectory, current),
        )
    return _page(request, "plan.html", trajectory, "plan", **context)


@login_required
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    trajectory = visible_trajectory(request, pk)
    _require(services.is_party(request.user, trajectory))
    current = services.current_plan(trajectory)
    choices = _work_processes(trajectory)
    initial: dict[str, Any] = {"based_on": current.number if current else None}
    if current is not None:
        initial.update({name: getattr(current, name) for name in services.PLAN_FIELDS})
        initial["work_processes"] = [wp.pk for wp in current.work_processes.all()]
    else:
        initial.update(start_date=trajectory.planned_start, end_date=trajectory.planned_end)
    form = PlanForm(request.POST or None, initial=initial, work_processes=choices)
    conflict = False
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            version = services.propose_plan(
                trajectory,
                by=request.user,
                based_on=data["based_on"],
                work_processes=data["work_processes"],
                **{name: data[name] for name in services.PLAN_FIELDS},
            )
        except services.Conflict as exc:
            conflict = True
            form.add_error(None, exc)
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(
                request,
                _("Version %(number)s of the learning plan was saved. It needs the approval of all three parties.")
                % {"number": version.number},
            )
            return redirect(_url("plan", trajectory))
    chosen = {str(v) for v in (form["work_processes"].value() or [])}
    return _page(
        request,
        "plan_form.html",
        trajectory,
        "plan",
        form=form,
        current=current,
        conflict=conflict,
        groups=work_process_groups(choices),
        chosen=chosen,
    )


@login_required
def plan_approve(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    """GET asks to confirm (so the action also works from a link); POST approves."""
    trajectory = visible_trajectory(request, pk)
    version = _version(trajectory, number)
    party = services.party_of(request.user, trajectory)
    _require(party is not None)
    assert party is not None
    if request.method == "POST":
        try:
            services.approve_plan(version, by=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            if party[1]:
                text = _("You approved version %(number)s on behalf of the learner.")
            else:
                text = _("You approved version %(number)s for the %(party)s.")
            messages.success(request, text % {"number": number, "party": Party(party[0]).label})
        return redirect(_url("plan", trajectory))
    return _page(
        request,
        "plan_approve.html",
        trajectory,
        "plan",
        version=version,
        party=Party(party[0]),
        on_behalf=party[1],
        is_current=services.current_plan(trajectory) == version,
    )


@login_required
def plan_version(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    """One version as it was, and what changed since the version before it."""
    trajectory = visible_trajectory(request, pk)
    version = _version(trajectory, number)
    previous = trajectory.plan_versions.filter(number__lt=number).order_by("-number").first()
    return _page(
        request,
        "plan_version.html",
        trajectory,
        "plan",
        version=version,
        previous=previous,
        diff=services.plan_diff(previous, version),
        approvals=approval_rows(version),
        groups=work_process_groups(version.work_processes.select_related("core_task")),
    )


@login_required
def plan_signed(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    trajectory = visible_trajectory(request, pk)
    version = _version(trajectory, number)
    _require(services.can_upload_signed_copy(request.user, trajectory))
    form = SignedCopyForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_signed_copy(version, by=request.user, file=form.cleaned_data["file"])
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(
                request,
                _("The signed copy of version %(number)s was stored; the version is agreed.") % {"number": number},
            )
            return redirect(_url("plan", trajectory))
    return _page(request, "plan_signed.html", trajectory, "plan", version=version, form=form)


@login_required
def plan_signed_download(request: HttpRequest, pk: int, number: int) -> HttpResponseBase:
    trajectory = visible_trajectory(request, pk)
    version = _version(trajectory, number)
    if not version.signed_copy:
        raise Http404
    try:
        handle = version.signed_copy.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    content_type = files.sniff(handle) or "application/octet-stream"
    record_view(request, version, subject_organisation_id=trajectory.learner.organisation_id)
    extension = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg"}.get(content_type, "bin")
    return _attachment(
        handle, filename=f"leerplan-{trajectory.pk}-v{version.number}.{extension}", content_type=content_type
    )


# --- Progress reviews -----------------------------------------------------------------------


@login_required
def reviews(request: HttpRequest, pk: int) -> HttpResponse:
    trajectory = visible_trajectory(request, pk)
    rows = list(trajectory.reviews.select_related("created_by").order_by("-held_on", "-id"))
    return _page(
        request,
        "reviews.html",
        trajectory,
        "reviews",
        reviews=rows,
        status=review_status(trajectory, rows),
        can_add=services.can_record_review(request.user, trajectory),
    )


@login_required
def review_add(request: HttpRequest, pk: int) -> HttpResponse:
    trajectory = visible_trajectory(request, pk)
    _require(services.can_record_review(request.user, trajectory))
    form = ReviewForm(request.POST or None, initial={"held_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            review = services.record_review(trajectory, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(
                request,
                _("The review of %(date)s was recorded. The next review is on %(next)s.")
                % {"date": review.held_on.strftime("%d-%m-%Y"), "next": _date(review.next_review_on)},
            )
            return redirect(_url("reviews", trajectory))
    return _page(request, "review_form.html", trajectory, "reviews", form=form)


def _date(day: datetime.date | None) -> str:
    return day.strftime("%d-%m-%Y") if day else "—"


# --- Practice hours -------------------------------------------------------------------------


@login_required
def hours(request: HttpRequest, pk: int) -> HttpResponse:
    trajectory = visible_trajectory(request, pk)
    entries = list(trajectory.hours.select_related("logged_by", "approved_by").order_by("-week_start"))
    return _page(
        request,
        "hours.html",
        trajectory,
        "hours",
        entries=entries,
        overview=hours_overview(trajectory, entries, services.current_plan(trajectory)),
        can_log=services.can_log_hours(request.user, trajectory),
        can_approve=services.is_workplace_trainer(request.user, trajectory),
    )


@login_required
def hours_log(request: HttpRequest, pk: int) -> HttpResponse:
    trajectory = visible_trajectory(request, pk)
    _require(services.can_log_hours(request.user, trajectory))
    today = timezone.localdate()
    form = HoursForm(request.POST or None, initial={"week_start": today - datetime.timedelta(days=today.weekday())})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            entry = services.log_hours(
                trajectory, by=request.user, week_start=data["week_start"], hours=data["hours"], note=data["note"]
            )
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(
                request,
                _("%(hours)s hours logged for the week of %(date)s.")
                % {"hours": entry.hours, "date": entry.week_start.strftime("%d-%m-%Y")},
            )
            return redirect(_url("hours", trajectory))
    return _page(request, "hours_form.html", trajectory, "hours", form=form)


@login_required
@require_POST
def hours_approve(request: HttpRequest, pk: int, entry: int) -> HttpResponse:
    trajectory = visible_trajectory(request, pk)
    row = get_object_or_404(PracticeHours.objects.filter(trajectory=trajectory), pk=entry)
    row.trajectory = trajectory
    services.approve_hours(row, by=request.user)
    messages.success(
        request, _("The hours of the week of %(date)s are approved.") % {"date": row.week_start.strftime("%d-%m-%Y")}
    )
    return redirect(_url("hours", trajectory))


# --- Work-process assessments ---------------------------------------------------------------


@login_required
def assessments(request: HttpRequest, pk: int) -> HttpResponse:
    trajectory = visible_trajectory(request, pk)
    found = {
        a.work_process_id: a
        for a in trajectory.assessments.select_related("assessed_by", "confirmed_by", "work_process__core_task")
        .prefetch_related(Prefetch("files", queryset=EvidenceFile.objects.order_by("uploaded_at", "pk")))
        .order_by("pk")
    }
    processes = _work_processes(trajectory)
    known = {wp.pk for wp in processes}
    # Assessments of a work process outside the qualification (changed since) still show.
    processes += [a.work_process for a in found.values() if a.work_process_id not in known]
    groups = work_process_groups(processes)
    for group in groups:
        group["rows"] = [{"work_process": wp, "assessment": found.get(wp.pk)} for wp in group["work_processes"]]
    counts = {level: sum(1 for a in found.values() if a.level == level) for level in Level.values}
    plan = services.current_plan(trajectory)
    in_plan = set(plan.work_processes.values_list("pk", flat=True)) if plan is not None else set()
    return _page(
        request,
        "assessments.html",
        trajectory,
        "assessments",
        groups=groups,
        in_plan=in_plan,
        counts=counts,
        total=len(processes),
        confirmed=sum(1 for a in found.values() if a.confirmed_at),
        can_assess=services.is_workplace_trainer(request.user, trajectory),
        can_confirm=services.is_school_staff(request.user, trajectory),
    )


@login_required
def assessment_edit(request: HttpRequest, pk: int, work_process: int) -> HttpResponse:
    trajectory = visible_trajectory(request, pk)
    qualification = trajectory.qualification
    process = get_object_or_404(
        qualification.work_processes() if qualification is not None else WorkProcess.objects.none(), pk=work_process
    )
    _require(services.is_workplace_trainer(request.user, trajectory))
    existing = (
        trajectory.assessments.filter(work_process=process).prefetch_related("files").select_related("assessed_by")
    ).first()
    initial: dict[str, Any] = {"assessed_on": timezone.localdate(), "level": Level.DEVELOPING}
    if existing is not None:
        initial.update(level=existing.level, evidence_note=existing.evidence_note)
    form = AssessmentForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            # The assessment and its file together, or neither.
            with transaction.atomic():
                assessment = services.assess_work_process(
                    trajectory,
                    process,
                    by=request.user,
                    level=data["level"],
                    on=data["assessed_on"],
                    evidence_note=data["evidence_note"],
                )
                if data["file"]:
                    assessment.trajectory = trajectory
                    services.add_evidence_file(assessment, by=request.user, upload=data["file"])
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(
                request,
                _("%(code)s is recorded as %(level)s.") % {"code": process.code, "level": Level(data["level"]).label},
            )
            return redirect(_url("assessments", trajectory))
    return _page(
        request,
        "assessment_form.html",
        trajectory,
        "assessments",
        form=form,
        work_process=process,
        assessment=existing,
    )


@login_required
@require_POST
def assessment_confirm(request: HttpRequest, pk: int, assessment: int) -> HttpResponse:
    trajectory = visible_trajectory(request, pk)
    row = get_object_or_404(
        WorkProcessAssessment.objects.filter(trajectory=trajectory).select_related("work_process"), pk=assessment
    )
    row.trajectory = trajectory
    try:
        services.confirm_assessment(row, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The school confirmed %(code)s as mastered.") % {"code": row.work_process.code})
    return redirect(_url("assessments", trajectory))


@login_required
def evidence_download(request: HttpRequest, pk: int, file: int) -> HttpResponseBase:
    trajectory = visible_trajectory(request, pk)
    evidence = get_object_or_404(EvidenceFile.objects.filter(assessment__trajectory=trajectory), pk=file)
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    record_view(request, evidence, subject_organisation_id=trajectory.learner.organisation_id)
    # The type was read from the file's first bytes at upload, not taken from the browser.
    return _attachment(handle, filename=evidence.original_name, content_type=evidence.content_type)


# --- The evidence and reflection log --------------------------------------------------------


@login_required
def log(request: HttpRequest, pk: int) -> HttpResponse:
    trajectory = visible_trajectory(request, pk)
    entries = trajectory.log_entries.select_related("author", "work_process").order_by("-created_at", "-id")
    return _page(
        request,
        "log.html",
        trajectory,
        "log",
        entries=list(entries),
        can_add=services.is_party(request.user, trajectory),
    )


@login_required
def log_add(request: HttpRequest, pk: int) -> HttpResponse:
    trajectory = visible_trajectory(request, pk)
    _require(services.is_party(request.user, trajectory))
    form = LogEntryForm(request.POST or None, work_processes=_work_processes(trajectory))
    if request.method == "POST" and form.is_valid():
        try:
            services.add_log_entry(trajectory, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(request, _("Your entry was added to the log."))
            return redirect(_url("log", trajectory))
    return _page(request, "log_form.html", trajectory, "log", form=form)

"""Learner and trajectory pages, transitions and caseloads. Thin: parse, call a service, render."""

from __future__ import annotations

import contextlib
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.db import transaction
from django.db.models import QuerySet
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from werkplaats.audit.models import Action
from werkplaats.audit.recorder import record, record_view
from werkplaats.core.forms import add_validation_error
from werkplaats.organisations.access import require_role
from werkplaats.organisations.models import Invitation, Organisation, Role

from . import caseloads, exports, pagecache, services, work
from .forms import (
    CaseloadFilterForm,
    ChangeEmployerForm,
    FundingFormSet,
    LearnerForm,
    OutcomeForm,
    TrajectoryForm,
    TransitionForm,
)
from .models import FundingSource, Learner, Status, StopReason, Trajectory, TrajectoryEvent

PAGE_SIZE = 50

# What the button for each change of state says.
TRANSITION_LABELS = {
    Status.INTAKE: gettext_lazy("Start the intake"),
    Status.SEARCHING: gettext_lazy("Start looking for a workplace"),
    Status.PLACED: gettext_lazy("Place the learner"),
    Status.IN_PROGRESS: gettext_lazy("Start learning at work"),
    Status.ASSESSMENT: gettext_lazy("Start the assessment"),
    Status.COMPLETED: gettext_lazy("Complete the trajectory"),
    Status.PAUSED: gettext_lazy("Pause the trajectory"),
    Status.STOPPED: gettext_lazy("Stop the trajectory"),
}


def _transition_label(trajectory: Trajectory, to: str) -> str:
    if trajectory.status == Status.PAUSED and to != Status.STOPPED:
        return _("Resume: %(state)s") % {"state": Status(to).label}
    if trajectory.status in (Status.PLACED, Status.ASSESSMENT) and to in (Status.SEARCHING, Status.IN_PROGRESS):
        return _("Back to: %(state)s") % {"state": Status(to).label}
    return str(TRANSITION_LABELS[Status(to)])


def _learner(request: HttpRequest, pk: int) -> Learner:
    return get_object_or_404(
        Learner.objects.visible_to(request.user).select_related("organisation__region", "referring_organisation"),
        pk=pk,
    )


def visible_trajectory(request: HttpRequest, pk: int) -> Trajectory:
    """The trajectory ``pk`` if the user may see it, else a 404; for every trajectory page."""
    return get_object_or_404(Trajectory.objects.visible_to(request.user).for_page(), pk=pk)


def _managed(request: HttpRequest, pk: int) -> Trajectory:
    trajectory = visible_trajectory(request, pk)
    if not services.can_manage(request.user, trajectory):
        raise PermissionDenied
    return trajectory


def _posted(request: HttpRequest) -> Any:
    """The POST data on a POST (even when empty: a form of buttons only), else None."""
    return request.POST if request.method == "POST" else None


def _version(form: Form) -> int | None:
    value = form.cleaned_data.get("expected_version")
    return int(value) if value is not None else None


# --- Learners ---------------------------------------------------------------------------------


@login_required
def learner_register(request: HttpRequest) -> HttpResponse:
    organisation = getattr(request, "organisation", None)
    if organisation is None:
        raise PermissionDenied
    require_role(request.user, organisation, Role.CONSULTANT, Role.COORDINATOR)
    form = LearnerForm(_posted(request))
    duplicate: Learner | None = None
    if request.method == "POST" and form.is_valid():
        fields = form.learner_fields()
        try:
            learner = services.register_learner(
                organisation, by=request.user, allow_duplicate=form.cleaned_data["someone_else"], **fields
            )
        except ValidationError as exc:
            if getattr(exc, "code", None) == "duplicate":
                found = services.find_duplicates(
                    organisation,
                    first_name=fields["first_name"],
                    last_name=fields["last_name"],
                    date_of_birth=fields["date_of_birth"],
                )
                duplicate = found[0] if found else None
            add_validation_error(form, exc)
        else:
            messages.success(request, _("%(name)s is registered.") % {"name": learner.full_name})
            return redirect(learner)
    return render(
        request,
        "trajectories/learner_form.html",
        {"form": form, "organisation": organisation, "duplicate": duplicate},
    )


@login_required
def learner_detail(request: HttpRequest, pk: int) -> HttpResponse:
    learner = _learner(request, pk)
    record_view(request, learner, subject_organisation_id=learner.organisation_id)
    trajectories = (
        Trajectory.objects.visible_to(request.user)
        .filter(learner=learner)
        .select_related("qualification", "employer", "school")
        .order_by("-created_at", "-id")
    )
    return render(
        request,
        "trajectories/learner_detail.html",
        {
            "learner": learner,
            "trajectories": trajectories,
            "show_sensitive": services.can_see_sensitive(request.user, learner),
            "can_create": services.can_create_trajectory(request.user, learner),
            "can_invite": services.can_invite_learner(request.user, learner) and learner.user_id is None,
            "pending_invitation": learner.user_id is None
            and Invitation.objects.pending().filter(context__learner=learner.pk).exists(),
        },
    )


@login_required
def learner_invite(request: HttpRequest, pk: int) -> HttpResponse:
    """E-mail the learner an invitation to log in (to see their own trajectory); GET asks first."""
    learner = _learner(request, pk)
    if request.method != "POST":
        return render(request, "trajectories/learner_invite.html", {"learner": learner})
    try:
        invitation = services.invite_learner(learner, by=request.user, language=request.LANGUAGE_CODE)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("An invitation to log in was sent to %(email)s.") % {"email": invitation.email})
    return redirect(learner)


# --- Trajectories -----------------------------------------------------------------------------


def _funding_formset(request: HttpRequest, initial: list[dict[str, Any]] | None = None) -> Any:
    """The funding rows; the 'add a row' button re-shows the form with one more empty row."""
    if request.method != "POST":
        return FundingFormSet(prefix="funding", initial=initial)
    data = request.POST.copy()
    if "add_funding" in data:
        key = "funding-TOTAL_FORMS"
        with contextlib.suppress(ValueError):
            data[key] = str(min(int(data.get(key, "0")) + 1, 20))
    return FundingFormSet(data, prefix="funding")


def _funding_initial(trajectory: Trajectory) -> list[dict[str, Any]]:
    return [
        {"kind": f.kind, "amount": f.amount, "period_start": f.period_start, "period_end": f.period_end, "note": f.note}
        for f in trajectory.funding_sources.order_by("id")
    ]


def _save_trajectory(
    request: HttpRequest, form: TrajectoryForm, funding: Any, *, learner: Learner, trajectory: Trajectory | None
) -> Trajectory | None:
    """Create or change the trajectory and its funding in one transaction; on refusal put the
    messages on the form and return None, with nothing written."""
    try:
        with transaction.atomic():
            fields = form.trajectory_fields()
            if trajectory is None:
                saved = services.create_trajectory(learner, by=request.user, **fields)
            else:
                if form.fields["employer"].disabled:
                    fields.pop("employer")
                saved = services.update_trajectory(
                    trajectory, by=request.user, expected_version=_version(form), **fields
                )
            services.set_funding_sources(saved, by=request.user, rows=funding.rows())
    except services.Conflict as exc:
        form.add_error(None, exc)
        return None
    except ValidationError as exc:
        add_validation_error(form, exc)
        return None
    return saved


@login_required
def trajectory_create(request: HttpRequest, pk: int) -> HttpResponse:
    learner = _learner(request, pk)
    if not services.can_create_trajectory(request.user, learner):
        raise PermissionDenied
    form = TrajectoryForm(
        _posted(request), learner=learner, initial={"consultant": request.user.pk, "review_interval_weeks": 6}
    )
    funding = _funding_formset(request)
    if request.method == "POST" and "add_funding" not in request.POST and all([form.is_valid(), funding.is_valid()]):
        trajectory = _save_trajectory(request, form, funding, learner=learner, trajectory=None)
        if trajectory is not None:
            messages.success(request, _("The trajectory is registered."))
            return redirect(trajectory)
    return render(request, "trajectories/trajectory_form.html", {"form": form, "funding": funding, "learner": learner})


@login_required
def trajectory_edit(request: HttpRequest, pk: int) -> HttpResponse:
    trajectory = _managed(request, pk)
    initial = {
        "route": trajectory.route,
        "intended_outcome": trajectory.intended_outcome,
        "crebo": trajectory.qualification.crebo if trajectory.qualification else "",
        "school": trajectory.school_id,
        "employer": trajectory.employer_id,
        "workplace_trainer": trajectory.workplace_trainer_id,
        "school_coach": trajectory.school_coach_id,
        "consultant": trajectory.consultant_id,
        "planned_start": trajectory.planned_start,
        "planned_end": trajectory.planned_end,
        "review_interval_weeks": trajectory.review_interval_weeks,
        "expected_version": trajectory.version,
    }
    form = TrajectoryForm(
        _posted(request),
        initial=initial,
        learner=trajectory.learner,
        trajectory=trajectory,
        employer_locked=trajectory.status in services.PLACED_STATES,
    )
    funding = _funding_formset(request, _funding_initial(trajectory))
    if request.method == "POST" and "add_funding" not in request.POST and all([form.is_valid(), funding.is_valid()]):
        saved = _save_trajectory(request, form, funding, learner=trajectory.learner, trajectory=trajectory)
        if saved is not None:
            messages.success(request, _("The trajectory is saved."))
            return redirect(saved)
    return render(
        request,
        "trajectories/trajectory_form.html",
        {"form": form, "funding": funding, "learner": trajectory.learner, "trajectory": trajectory},
    )


def _per_state(timing: services.Timing) -> list[dict[str, Any]]:
    per_state = timing.lead_time.per_state
    return [{"state": s, "label": s.label, "days": per_state[s.value].days} for s in Status if s.value in per_state]


def _transition_forms(
    request: HttpRequest, trajectory: Trajectory, bound: TransitionForm | None = None
) -> list[dict[str, Any]]:
    """One small form per state the user may move the trajectory to, with what is still missing
    (the guards that do not depend on what the user types)."""
    rows = []
    for to in services.available_transitions(request.user, trajectory):
        form = bound if bound is not None and bound.to == to else None
        if form is None:
            form = TransitionForm(to=to, initial={"expected_version": trajectory.version})
        needs_input = to in (Status.PAUSED, Status.STOPPED)
        problems = [] if needs_input else services.guard_problems(trajectory, to)
        rows.append(
            {
                "to": to,
                "label": _transition_label(trajectory, to),
                "form": form,
                "problems": problems,
                "needs_input": needs_input,
                "open": form.is_bound,
            }
        )
    return rows


def _stop_reason_label(value: str) -> str:
    return str(StopReason(value).label) if value in StopReason.values else value


def _open_matching_rounds(request: HttpRequest, trajectory: Trajectory) -> list[Any]:
    """The open matching rounds of a searching trajectory in which the user ranks places for it."""
    if trajectory.status != Status.SEARCHING:
        return []
    from werkplaats.matching import rounds
    from werkplaats.matching.models import RoundLearner, RoundStatus

    rows = RoundLearner.objects.filter(trajectory=trajectory, round__status=RoundStatus.OPEN).select_related(
        "round", "trajectory__learner"
    )
    return [row for row in rows if rounds.can_rank_learner(request.user, row)]


def _detail_context(
    request: HttpRequest, trajectory: Trajectory, *, bound: TransitionForm | None = None
) -> dict[str, Any]:
    now = timezone.now()
    events = list(TrajectoryEvent.objects.filter(trajectory=trajectory).select_related("actor").order_by("at", "id"))
    timing = services.timing(trajectory, events=events, now=now)
    employer_names = dict(
        Organisation.objects.filter(
            pk__in={v for e in events for k, v in e.data.items() if k in ("from_employer", "to_employer") and v}
        ).values_list("pk", "name")
    )
    timeline = []
    for event in reversed(events):
        timeline.append(
            {
                "event": event,
                "from_employer": employer_names.get(event.data.get("from_employer")),
                "to_employer": employer_names.get(event.data.get("to_employer")),
                "stop_reason": _stop_reason_label(event.data.get("stop_reason", "")),
            }
        )
    manage = services.can_manage(request.user, trajectory)
    sections = work.sections(trajectory)
    return {
        "matching_rounds": _open_matching_rounds(request, trajectory),
        "trajectory": trajectory,
        "learner": trajectory.learner,
        "timing": timing,
        "lead_days": timing.lead_time.active.days,
        "paused_days": timing.lead_time.paused.days,
        "per_state": _per_state(timing),
        "timeline": timeline,
        "funding_sources": FundingSource.objects.filter(trajectory=trajectory).order_by("id"),
        "next_review": sections.review.due,
        "work": sections,
        "today": timezone.localdate(now),
        "valid_until": services.figures_valid_until(trajectory, events, now),
        "can_manage": manage,
        "transitions": _transition_forms(request, trajectory, bound),
        "can_change_employer": manage and trajectory.status in (Status.PLACED, Status.IN_PROGRESS),
        "can_record_outcome": manage and trajectory.status == Status.COMPLETED,
    }


def _detail_page(request: HttpRequest, learner_name: str, content: str) -> HttpResponse:
    return render(
        request,
        "trajectories/trajectory_detail.html",
        # Rendered by our own autoescaping template (_detail_content.html).
        {"learner_name": learner_name, "content": SafeString(content)},
    )


def _content(request: HttpRequest, context: dict[str, Any]) -> tuple[str, str]:
    """The page's content, and the CSRF token its forms carry."""
    token = get_token(request)
    return render_to_string("trajectories/_detail_content.html", {**context, "csrf_token": token}, request), token


def _render_detail(
    request: HttpRequest, trajectory: Trajectory, context: dict[str, Any], *, found: pagecache.Found | None = None
) -> HttpResponse:
    """The trajectory page from ``context``; with ``found``, its content is kept for the next
    request of the same user (pagecache)."""
    content, token = _content(request, context)
    if found is not None:
        pagecache.keep(request, found, content, token=token, valid_until=context["valid_until"])
    return _detail_page(request, trajectory.learner.full_name, content)


@login_required
def trajectory_detail(request: HttpRequest, pk: int) -> HttpResponse:
    found = pagecache.find(request, pk)
    record_view(request, Trajectory(pk=found.pk), subject_organisation_id=found.organisation_id)
    content = pagecache.kept(request, found)
    if content is not None:
        return _detail_page(request, found.learner_name, content)
    # ``find`` checked visible_to in this request: load the page's objects by key alone.
    trajectory = get_object_or_404(Trajectory.objects.for_page(), pk=found.pk)
    return _render_detail(request, trajectory, _detail_context(request, trajectory), found=found)


@login_required
def transition(request: HttpRequest, pk: int, to: str) -> HttpResponse:
    """GET: a page with the form for this one change of state. POST: make the change; a refusal
    shows the trajectory page again with what is missing."""
    trajectory = visible_trajectory(request, pk)
    if to not in Status.values:
        raise Http404
    if to not in services.available_transitions(request.user, trajectory):
        if services.can_manage(request.user, trajectory) or services.is_school_staff(request.user, trajectory):
            messages.error(
                request,
                _("A trajectory cannot go from %(from)s to %(to)s.")
                % {"from": trajectory.get_status_display(), "to": Status(to).label},
            )
            return redirect(trajectory)
        raise PermissionDenied
    form = TransitionForm(_posted(request), to=to, initial={"expected_version": trajectory.version})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.transition(
                trajectory,
                to,
                by=request.user,
                reason=data.get("reason") or "",
                stop_reason=data.get("stop_reason") or "",
                outcome=data.get("outcome") or "",
                expected_version=_version(form),
            )
        except ValidationError as exc:
            add_validation_error(form, exc)
            trajectory = visible_trajectory(request, pk)
            context = _detail_context(request, trajectory, bound=form)
            context["refused"] = {"label": _transition_label(trajectory, to), "messages": form.non_field_errors()}
            return _render_detail(request, trajectory, context)
        messages.success(request, _("The trajectory is now: %(state)s.") % {"state": Status(to).label})
        return redirect(trajectory)
    return render(
        request,
        "trajectories/transition.html",
        {
            "trajectory": trajectory,
            "form": form,
            "to": to,
            "label": _transition_label(trajectory, to),
            "problems": [] if to in (Status.PAUSED, Status.STOPPED) else services.guard_problems(trajectory, to),
        },
    )


@login_required
def change_employer(request: HttpRequest, pk: int) -> HttpResponse:
    trajectory = _managed(request, pk)
    form = ChangeEmployerForm(_posted(request), trajectory=trajectory)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.change_employer(
                trajectory,
                employer=data["employer"],
                workplace_trainer=data["workplace_trainer"],
                by=request.user,
                reason=data["reason"],
                on=data["on"],
                expected_version=_version(form),
            )
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(request, _("The learner now learns at %(employer)s.") % {"employer": data["employer"]})
            return redirect(trajectory)
    return render(request, "trajectories/change_employer.html", {"trajectory": trajectory, "form": form})


@login_required
def outcome(request: HttpRequest, pk: int) -> HttpResponse:
    trajectory = _managed(request, pk)
    form = OutcomeForm(
        _posted(request),
        initial={
            "outcome_at_completion": trajectory.outcome_at_completion,
            "outcome_after_six_months": trajectory.outcome_after_six_months,
            "aftercare_checked_on": trajectory.aftercare_checked_on,
            "expected_version": trajectory.version,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.record_outcome(
                trajectory,
                by=request.user,
                expected_version=_version(form),
                at_completion=data["outcome_at_completion"],
                after_six_months=data["outcome_after_six_months"],
                checked_on=data["aftercare_checked_on"],
            )
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(request, _("The outcome is saved."))
            return redirect(trajectory)
    return render(request, "trajectories/outcome.html", {"trajectory": trajectory, "form": form})


# --- Caseloads --------------------------------------------------------------------------------


def _caseload_trajectories(
    request: HttpRequest,
) -> tuple[CaseloadFilterForm, QuerySet[Trajectory], QuerySet[Trajectory] | None]:
    """The filter form, the chosen trajectories, and the same in the chosen order when the
    database can sort by it."""
    form = CaseloadFilterForm(request.GET or None)
    chosen = form.values()
    organisation = getattr(request, "organisation", None)
    trajectories = caseloads.in_state(caseloads.queryset(request.user, organisation), chosen["state"])
    return form, trajectories, caseloads.ordered(trajectories, chosen["sort"], descending=chosen["order"] == "desc")


def _caseload_rows(request: HttpRequest) -> tuple[CaseloadFilterForm, list[caseloads.Row]]:
    form, trajectories, in_order = _caseload_trajectories(request)
    return form, _rows(form, trajectories, in_order)


def _rows(
    form: CaseloadFilterForm, trajectories: QuerySet[Trajectory], in_order: QuerySet[Trajectory] | None
) -> list[caseloads.Row]:
    chosen = form.values()
    if in_order is not None:
        return caseloads.select(caseloads.build_rows(in_order), warning=chosen["warning"])
    rows = caseloads.select(caseloads.build_rows(trajectories), warning=chosen["warning"])
    return caseloads.sort(rows, chosen["sort"], descending=chosen["order"] == "desc")


@login_required
def caseload(request: HttpRequest) -> HttpResponse:
    form, trajectories, in_order = _caseload_trajectories(request)
    if in_order is not None and not form.values()["warning"]:
        # Sorted by the database and not filtered by a warning (computed per row): only the rows
        # of this page are built, whatever the length of the caseload.
        of_page = Paginator(in_order, PAGE_SIZE).get_page(request.GET.get("page"))
        page: Page[Any] = of_page
        page.object_list = caseloads.build_rows(of_page.object_list)
        count = of_page.paginator.count
    else:
        rows = _rows(form, trajectories, in_order)
        page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
        count = len(rows)
    query = request.GET.copy()
    query.pop("page", None)
    querystring = f"{query.urlencode()}&" if query else ""
    organisation = getattr(request, "organisation", None)
    membership = getattr(request, "membership", None)
    roles = set(membership.roles) if membership is not None else set()
    return render(
        request,
        "trajectories/caseload.html",
        {
            "form": form,
            "page": page,
            "count": count,
            "querystring": querystring,
            "export_query": query.urlencode(),
            "organisation": organisation,
            "can_register": bool({Role.CONSULTANT, Role.COORDINATOR} & roles),
            "columns": _columns(request, form.values()),
        },
    )


COLUMNS = (
    ("learner", gettext_lazy("Learner")),
    ("qualification", gettext_lazy("Qualification")),
    ("employer", gettext_lazy("Employer")),
    ("state", gettext_lazy("State")),
    ("days", gettext_lazy("Days in state")),
    ("review", gettext_lazy("Next review")),
    ("warnings", gettext_lazy("Warnings")),
)


def _columns(request: HttpRequest, chosen: dict[str, str]) -> list[dict[str, str]]:
    """Each column header links to the list sorted by it (again: the other way round)."""
    columns = []
    for key, label in COLUMNS:
        current = chosen["sort"] == key
        order = "desc" if current and chosen["order"] == "asc" else "asc"
        query = request.GET.copy()
        query.pop("page", None)
        query["sort"], query["order"] = key, order
        columns.append(
            {
                "key": key,
                "label": str(label),
                "href": f"?{query.urlencode()}",
                "aria_sort": ("ascending" if chosen["order"] == "asc" else "descending") if current else "",
            }
        )
    return columns


@login_required
def caseload_export(request: HttpRequest, fmt: str) -> HttpResponseBase:
    if fmt not in ("csv", "xlsx"):
        raise Http404
    _form, rows = _caseload_rows(request)
    name = f"{_('caseload')}-{timezone.localdate().isoformat()}"
    # Names of learners leave the platform: who took them, and how many, goes in the audit log.
    organisation = getattr(request, "organisation", None)
    record(
        Action.EXPORT,
        object_repr=f"caseload.{fmt} ({len(rows)})",
        changes={"rows": len(rows), "format": fmt, "filters": request.GET.urlencode()[:500]},
        subject_organisation_id=organisation.pk if organisation is not None else None,
    )
    if fmt == "csv":
        return exports.csv_response(rows, name)
    return exports.xlsx_response(rows, name)

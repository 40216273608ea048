from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, OuterRef, Subquery
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from werkplaats.core.forms import add_validation_error
from werkplaats.partnerships.access import PartnershipAccess, partnership_access
from werkplaats.partnerships.models import Group, GroupKind, GroupMember

from . import services
from .forms import (
    CommunityForm,
    ExperimentForm,
    InvolvedForm,
    KnowledgeForm,
    MeetingForm,
    PhaseForm,
    ProjectForm,
    ResultForm,
)
from .models import (
    PHASE_FIELDS,
    PHASES,
    Community,
    CommunityResult,
    Decision,
    Experiment,
    Involved,
    KnowledgeEntry,
    Meeting,
    Phase,
    ResearchProject,
)


def _community(pa: PartnershipAccess, pk: int) -> Group:
    return get_object_or_404(
        Group.objects.select_related("partnership", "coordinator"),
        partnership=pa.partnership,
        kind=GroupKind.LEARNING_COMMUNITY,
        pk=pk,
    )


def _meeting(pa: PartnershipAccess, pk: int) -> Meeting:
    return get_object_or_404(
        Meeting.objects.select_related("group", "group__partnership", "created_by"),
        group__partnership=pa.partnership,
        pk=pk,
    )


def _project(pa: PartnershipAccess, pk: int) -> ResearchProject:
    return get_object_or_404(
        ResearchProject.objects.select_related("partnership", "group", "created_by"), partnership=pa.partnership, pk=pk
    )


def _errors_to_messages(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def _ctx(pa: PartnershipAccess, **extra: Any) -> dict[str, Any]:
    return {"partnership": pa.partnership, "pa": pa, **extra}


def _closed_notice(group: Group) -> str:
    """What the pages of a closed group say at the top; empty for an open group."""
    return "" if group.is_open else services.closed_message(group)


def _closed(request: HttpRequest, group: Group) -> bool:
    """Whether ``group`` is closed, with the message for the person who tried to change its record.

    Checked before the role: whoever still has a page of a closed group open learns why nothing
    can be changed, rather than a bare refusal. Every member reads the closure on the pages."""
    if group.is_open:
        return False
    messages.error(request, services.closed_message(group))
    return True


# --- Overview -------------------------------------------------------------------------------


@login_required
def overview(request: HttpRequest, slug: str) -> HttpResponse:
    pa = partnership_access(request, slug)
    latest = Meeting.objects.filter(group=OuterRef("pk")).order_by("-held_on", "-id")
    communities = list(
        Group.objects.filter(partnership=pa.partnership, kind=GroupKind.LEARNING_COMMUNITY)
        .select_related("coordinator", "learning_community")
        .prefetch_related("learning_community__goals")
        .annotate(
            latest_meeting_pk=Subquery(latest.values("pk")[:1]),
            latest_meeting_title=Subquery(latest.values("title")[:1]),
            latest_meeting_on=Subquery(latest.values("held_on")[:1]),
            project_count=Count("research_projects", distinct=True),
        )
        .order_by("closed_on", "name")
    )
    projects = list(
        ResearchProject.objects.filter(partnership=pa.partnership)
        .select_related("group")
        .annotate(experiment_count=Count("experiments"))
        .order_by("-updated_at", "-id")
    )
    projects.sort(key=lambda p: p.is_completed)
    return render(
        request,
        "learning/list.html",
        _ctx(
            pa,
            communities=communities,
            projects=projects,
            may_start=bool(services.research_groups(pa)),
            phase_count=len(PHASES),
        ),
    )


# --- Learning communities -------------------------------------------------------------------


@login_required
def community(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    pa = partnership_access(request, slug)
    group = _community(pa, pk)
    profile = Community.objects.filter(group=group).prefetch_related("goals").first()
    members = (
        GroupMember.objects.active()
        .filter(group=group)
        .select_related("member__user", "member__partner__organisation")
        .order_by("member__user__name", "member__user__email")
    )
    meetings = (
        Meeting.objects.filter(group=group).annotate(decision_count=Count("decisions")).order_by("-held_on", "-id")
    )
    knowledge = (
        KnowledgeEntry.objects.filter(group=group).select_related("expert", "added_by").order_by("kind", "title", "id")
    )
    return render(
        request,
        "learning/community.html",
        _ctx(
            pa,
            group=group,
            goals=list(profile.goals.all()) if profile else [],
            members=list(members),
            meetings=list(meetings),
            knowledge=list(knowledge),
            results=list(CommunityResult.objects.filter(group=group).select_related("added_by")),
            projects=list(ResearchProject.objects.filter(group=group).order_by("-created_at", "-id")),
            may_write=services.may_change(pa, group),
            closed=_closed_notice(group),
        ),
    )


@login_required
def community_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    pa = partnership_access(request, slug)
    group = _community(pa, pk)
    if _closed(request, group):
        return redirect("learning:community", slug=slug, pk=group.pk)
    pa.require(services.writes_for(pa, group))
    profile = Community.objects.filter(group=group).first()
    initial = {"goals": list(profile.goals.all()) if profile else []}
    form = CommunityForm(request.POST or None, partnership=pa.partnership, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.set_theme_goals(group, goals=form.cleaned_data["goals"])
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(request, _("The goals of the theme were saved."))
            return redirect("learning:community", slug=slug, pk=group.pk)
    return render(request, "learning/community_edit.html", _ctx(pa, group=group, form=form))


def _meeting_form(request: HttpRequest, pa: PartnershipAccess, group: Group, meeting: Meeting | None) -> HttpResponse:
    initial = {}
    if meeting is not None:
        initial = {"title": meeting.title, "held_on": meeting.held_on, "agenda": meeting.agenda, "notes": meeting.notes}
    form = MeetingForm(request.POST or None, partnership=pa.partnership, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_meeting(
                group, by=request.user, decisions=form.decisions(), meeting=meeting, **form.meeting_data()
            )
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(request, _("The meeting was saved."))
            return redirect("learning:meeting", slug=pa.partnership.slug, pk=saved.pk)
    decisions = list(meeting.decisions.select_related("action__owner")) if meeting else []
    return render(
        request,
        "learning/meeting_form.html",
        _ctx(pa, group=group, meeting=meeting, form=form, decisions=decisions),
    )


@login_required
def meeting_add(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    pa = partnership_access(request, slug)
    group = _community(pa, pk)
    if _closed(request, group):
        return redirect("learning:community", slug=slug, pk=group.pk)
    pa.require(services.writes_for(pa, group))
    return _meeting_form(request, pa, group, None)


@login_required
def meeting_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    pa = partnership_access(request, slug)
    meeting = _meeting(pa, pk)
    if _closed(request, meeting.group):
        return redirect(meeting)
    pa.require(services.writes_for(pa, meeting.group))
    return _meeting_form(request, pa, meeting.group, meeting)


@login_required
def meeting(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    pa = partnership_access(request, slug)
    found = _meeting(pa, pk)
    decisions = Decision.objects.filter(meeting=found).select_related("action__owner").order_by("id")
    return render(
        request,
        "learning/meeting.html",
        _ctx(
            pa,
            meeting=found,
            group=found.group,
            decisions=list(decisions),
            may_write=services.may_change(pa, found.group),
            closed=_closed_notice(found.group),
        ),
    )


def _add_to_community(
    request: HttpRequest,
    slug: str,
    pk: int,
    *,
    form_class: type[Any],
    add: Any,
    template: str,
    done: str,
    form_knows_partnership: bool = False,
) -> HttpResponse:
    """Add an entry to one of a community's lists (knowledge, results) through ``add(group, by=, **data)``."""
    pa = partnership_access(request, slug)
    group = _community(pa, pk)
    if _closed(request, group):
        return redirect("learning:community", slug=slug, pk=group.pk)
    pa.require(services.writes_for(pa, group))
    extra = {"partnership": pa.partnership} if form_knows_partnership else {}
    form = form_class(request.POST or None, **extra)
    if request.method == "POST" and form.is_valid():
        try:
            add(group, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(request, done)
            return redirect("learning:community", slug=slug, pk=group.pk)
    return render(request, template, _ctx(pa, group=group, form=form))


def _remove_from_community(
    request: HttpRequest, pa: PartnershipAccess, entry: Any, *, remove: Any, done: str
) -> HttpResponse:
    """Remove an entry (with a ``group``) from one of its community's lists; a closed group keeps it."""
    if not _closed(request, entry.group):
        pa.require(services.writes_for(pa, entry.group))
        try:
            remove(entry)
        except ValidationError as exc:
            _errors_to_messages(request, exc)
        else:
            messages.success(request, done)
    return redirect("learning:community", slug=pa.partnership.slug, pk=entry.group_id)


@login_required
def knowledge_add(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    return _add_to_community(
        request,
        slug,
        pk,
        form_class=KnowledgeForm,
        add=services.add_knowledge,
        template="learning/knowledge_form.html",
        done=_("The entry was added to the knowledge list."),
        form_knows_partnership=True,
    )


@login_required
@require_POST
def knowledge_remove(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    pa = partnership_access(request, slug)
    entry = get_object_or_404(KnowledgeEntry.objects.select_related("group"), group__partnership=pa.partnership, pk=pk)
    return _remove_from_community(
        request,
        pa,
        entry,
        remove=services.remove_knowledge,
        done=_("“%(title)s” was removed from the knowledge list.") % {"title": entry.title},
    )


@login_required
def result_add(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    return _add_to_community(
        request,
        slug,
        pk,
        form_class=ResultForm,
        add=services.add_result,
        template="learning/result_form.html",
        done=_("The result was added. The whole partnership sees it on its overview."),
    )


@login_required
@require_POST
def result_remove(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    pa = partnership_access(request, slug)
    result = get_object_or_404(
        CommunityResult.objects.select_related("group"), group__partnership=pa.partnership, pk=pk
    )
    return _remove_from_community(
        request,
        pa,
        result,
        remove=services.remove_result,
        done=_("The result “%(title)s” was removed.") % {"title": result.title},
    )


# --- Action research ------------------------------------------------------------------------


@login_required
def project_add(request: HttpRequest, slug: str) -> HttpResponse:
    pa = partnership_access(request, slug)
    groups = services.research_groups(pa)
    pa.require(bool(groups))
    initial = {}
    if (wanted := request.GET.get("group", "")).isdigit():
        initial["group"] = int(wanted)
    form = ProjectForm(request.POST or None, groups=groups, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            project = services.start_project(pa.partnership, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(request, _("The project was started. Begin with the problem and the research questions."))
            return redirect(project)
    return render(request, "learning/project_add.html", _ctx(pa, form=form))


def _steps(project: ResearchProject) -> list[dict[str, Any]]:
    return [
        {
            "phase": phase,
            "label": Phase(phase).label,
            "number": n,
            "done": n - 1 < project.phase_index,
            "current": phase == project.phase,
            "editable": project.reached(phase) and bool(PHASE_FIELDS[phase]),
        }
        for n, phase in enumerate(PHASES, start=1)
    ]


@login_required
def project(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    pa = partnership_access(request, slug)
    found = _project(pa, pk)
    return render(
        request,
        "learning/project.html",
        _ctx(
            pa,
            project=found,
            steps=_steps(found),
            experiments=list(found.experiments.order_by("starts_on", "id")),
            involved=list(found.involved.all()),
            changes=list(found.phase_changes.select_related("by").order_by("-at", "-id")[:10]),
            missing=services.missing(found, found.phase) if not found.is_completed else {},
            may_write=services.may_change(pa, found.group),
            closed=_closed_notice(found.group),
            Phase=Phase,
        ),
    )


@login_required
def phase_edit(request: HttpRequest, slug: str, pk: int, phase: str) -> HttpResponse:
    pa = partnership_access(request, slug)
    found = _project(pa, pk)
    if _closed(request, found.group):
        return redirect(found)
    pa.require(services.writes_for(pa, found.group))
    if phase not in PHASES or not PHASE_FIELDS[phase]:
        raise Http404
    if not found.reached(phase):
        messages.error(request, _("The project has not reached this phase yet."))
        return redirect(found)
    form = PhaseForm(request.POST or None, phase=phase, project=found)
    if request.method == "POST" and form.is_valid():
        advance = "advance" in request.POST
        try:
            saved = services.save_phase(found, by=request.user, phase=phase, values=form.values(), advance=advance)
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            if advance:
                messages.success(
                    request,
                    _("Saved. The project moved on to: %(phase)s.") % {"phase": saved.get_phase_display()},
                )
            else:
                messages.success(request, _("The phase was saved."))
            return redirect(saved)
    return render(
        request,
        "learning/phase_form.html",
        _ctx(
            pa,
            project=found,
            phase=phase,
            phase_label=Phase(phase).label,
            form=form,
            is_current=phase == found.phase,
            is_last=PHASES.index(phase) == len(PHASES) - 2,
            experiments=list(found.experiments.order_by("starts_on", "id")) if phase == Phase.PRACTICE else [],
        ),
    )


@login_required
@require_POST
def project_back(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    pa = partnership_access(request, slug)
    found = _project(pa, pk)
    if _closed(request, found.group):
        return redirect(found)
    pa.require(services.writes_for(pa, found.group))
    try:
        moved = services.step_back(found, by=request.user)
    except ValidationError as exc:
        _errors_to_messages(request, exc)
    else:
        messages.success(request, _("The project went back to: %(phase)s.") % {"phase": moved.get_phase_display()})
    return redirect(found)


def _experiment_form(
    request: HttpRequest, pa: PartnershipAccess, found: ResearchProject, experiment: Experiment | None
) -> HttpResponse:
    if found.phase != Phase.PRACTICE:
        messages.error(request, _("Experiments are recorded in the practice cycle."))
        return redirect(found)
    initial = {}
    if experiment is not None:
        initial = {name: getattr(experiment, name) for name in ExperimentForm.base_fields}
    form = ExperimentForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_experiment(found, by=request.user, experiment=experiment, **form.cleaned_data)
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(request, _("The experiment was saved."))
            return redirect(found)
    return render(request, "learning/experiment_form.html", _ctx(pa, project=found, experiment=experiment, form=form))


@login_required
def experiment_add(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    pa = partnership_access(request, slug)
    found = _project(pa, pk)
    if _closed(request, found.group):
        return redirect(found)
    pa.require(services.writes_for(pa, found.group))
    return _experiment_form(request, pa, found, None)


@login_required
def experiment_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    pa = partnership_access(request, slug)
    experiment = get_object_or_404(
        Experiment.objects.select_related("project__partnership", "project__group"),
        project__partnership=pa.partnership,
        pk=pk,
    )
    if _closed(request, experiment.project.group):
        return redirect(experiment.project)
    pa.require(services.writes_for(pa, experiment.project.group))
    return _experiment_form(request, pa, experiment.project, experiment)


@login_required
def involved_add(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    pa = partnership_access(request, slug)
    found = _project(pa, pk)
    if _closed(request, found.group):
        return redirect(found)
    pa.require(services.writes_for(pa, found.group))
    form = InvolvedForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_involved(found, **form.cleaned_data)
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(request, _("They were added to the people involved."))
            return redirect(found)
    return render(request, "learning/involved_form.html", _ctx(pa, project=found, form=form))


@login_required
@require_POST
def involved_remove(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    pa = partnership_access(request, slug)
    involved = get_object_or_404(
        Involved.objects.select_related("project__partnership", "project__group"),
        project__partnership=pa.partnership,
        pk=pk,
    )
    if not _closed(request, involved.project.group):
        pa.require(services.writes_for(pa, involved.project.group))
        try:
            services.remove_involved(involved)
        except ValidationError as exc:
            _errors_to_messages(request, exc)
        else:
            messages.success(request, _("“%(name)s” was removed from the people involved.") % {"name": involved.name})
    return redirect(involved.project)

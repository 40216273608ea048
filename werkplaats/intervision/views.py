"""Intervision pages. A group and its sessions exist only for the group's current participants and
its facilitator: for everyone else, the manager who set the group up included, they are a 404."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Min, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from werkplaats.audit.recorder import record_view
from werkplaats.core.forms import add_validation_error
from werkplaats.partnerships.access import PartnershipAccess, partnership_access

from . import services
from .forms import FacilitatorForm, GroupForm, MembershipForm, MethodsForm, SessionForm
from .models import MAX_PARTICIPANTS, MIN_PARTICIPANTS, IntervisionGroup, IntervisionSession, Method, Participant


def _with_figures(groups: QuerySet[IntervisionGroup]) -> QuerySet[IntervisionGroup]:
    today = timezone.localdate()
    return groups.select_related("facilitator__user").annotate(
        participant_count=Count(
            "participants",
            filter=Q(participants__left_on__isnull=True, participants__member__left_on__isnull=True),
            distinct=True,
        ),
        next_session=Min("sessions__held_on", filter=Q(sessions__held_on__gte=today)),
    )


def _group(pa: PartnershipAccess, pk: int) -> IntervisionGroup:
    """The group, if the user takes part in it or facilitates it; a 404 otherwise."""
    group = get_object_or_404(
        IntervisionGroup.objects.select_related("partnership", "facilitator__user"),
        partnership=pa.partnership,
        pk=pk,
    )
    if not services.has_access(pa, group):
        raise Http404
    return group


def _session(group: IntervisionGroup, pk: int) -> IntervisionSession:
    return get_object_or_404(
        IntervisionSession.objects.select_related(
            "group__partnership", "case_contributor__user", "case_contributor__partner__organisation", "method"
        ),
        group=group,
        pk=pk,
    )


def _context(pa: PartnershipAccess, **extra: Any) -> dict[str, Any]:
    return {"partnership": pa.partnership, "pa": pa, "min": MIN_PARTICIPANTS, "max": MAX_PARTICIPANTS, **extra}


# --- Groups ---------------------------------------------------------------------------------


@login_required
def group_list(request: HttpRequest, slug: str) -> HttpResponse:
    pa = partnership_access(request, slug)
    groups = IntervisionGroup.objects.filter(partnership=pa.partnership)
    mine = list(_with_figures(groups.with_access(request.user)).order_by("name", "id"))
    others: list[IntervisionGroup] = []
    if pa.is_manager:
        others = list(_with_figures(groups.exclude(pk__in=[g.pk for g in mine])).order_by("name", "id"))
    may_replace = services.may_replace_facilitator(pa)
    # Only their names and sizes: enough for the manager to act, nothing of what the group does.
    without_facilitator = (
        sorted((g for g in [*mine, *others] if not g.has_active_facilitator), key=lambda g: (g.name, g.pk))
        if may_replace
        else []
    )
    return render(
        request,
        "intervision/list.html",
        _context(
            pa,
            mine=mine,
            others=others,
            may_create=services.may_create_groups(pa),
            may_edit_methods=services.may_edit_methods(pa),
            may_replace=may_replace,
            without_facilitator=without_facilitator,
        ),
    )


@login_required
def group_add(request: HttpRequest, slug: str) -> HttpResponse:
    pa = partnership_access(request, slug)
    pa.require(services.may_create_groups(pa))
    form = GroupForm(request.POST or None, partnership=pa.partnership)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            group = services.create_group(
                pa.partnership,
                by=request.user,
                name=data["name"],
                facilitator=data["facilitator"],
                participants=list(data["participants"]),
            )
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(
                request,
                _("The group “%(name)s” was set up. Its facilitator now manages who takes part.") % {"name": group},
            )
            return redirect("intervision:list", slug=slug)
    return render(request, "intervision/group_add.html", _context(pa, form=form))


@login_required
def group_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    pa = partnership_access(request, slug)
    group = _group(pa, pk)
    participants = services.current_participants(group)
    former = list(
        Participant.objects.former()
        .filter(group=group)
        .select_related("member__user")
        .order_by("-left_on", "member__user__name", "id")
    )
    sessions = list(group.sessions.select_related("case_contributor__user", "method").order_by("-held_on", "-id"))
    today = timezone.localdate()
    return render(
        request,
        "intervision/group_detail.html",
        _context(
            pa,
            group=group,
            participants=participants,
            former=former,
            upcoming=[s for s in reversed(sessions) if s.held_on >= today],
            past=[s for s in sessions if s.held_on < today],
            holds_sessions=services.holds_sessions(len(participants)),
            facilitates=services.facilitates(pa, group),
            takes_part=any(p.member.user_id == pa.user_id for p in participants),
            may_replace=services.may_replace_facilitator(pa),
        ),
    )


@login_required
def facilitator_replace(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    pa = partnership_access(request, slug)
    if not services.may_replace_facilitator(pa):
        raise Http404  # to anyone but its participants, facilitator and the manager, the group does not exist
    group = get_object_or_404(
        IntervisionGroup.objects.select_related("partnership", "facilitator__user"), partnership=pa.partnership, pk=pk
    )
    form = FacilitatorForm(request.POST or None, partnership=pa.partnership)
    if request.method == "POST" and form.is_valid():
        try:
            group = services.replace_facilitator(group, by=request.user, facilitator=form.cleaned_data["facilitator"])
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(
                request,
                _("%(name)s now facilitates “%(group)s” and has been told so in the app.")
                % {"name": group.facilitator.user, "group": group},
            )
            if services.has_access(pa, group):
                return redirect(group)
            return redirect("intervision:list", slug=slug)
    return render(
        request,
        "intervision/facilitator.html",
        _context(
            pa,
            group=group,
            form=form,
            participant_count=Participant.objects.current().filter(group=group).count(),
        ),
    )


@login_required
def membership(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    pa = partnership_access(request, slug)
    group = _group(pa, pk)
    pa.require(services.facilitates(pa, group))
    initial = {
        "participants": [p.member_id for p in services.current_participants(group)],
        "facilitator": group.facilitator_id,
    }
    form = MembershipForm(request.POST or None, partnership=pa.partnership, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            group = services.change_membership(
                group,
                participants=list(form.cleaned_data["participants"]),
                facilitator=form.cleaned_data["facilitator"],
            )
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(request, _("Who takes part was saved."))
            if services.has_access(pa, group):
                return redirect(group)
            return redirect("intervision:list", slug=slug)
    return render(request, "intervision/membership.html", _context(pa, group=group, form=form))


@login_required
@require_POST
def leave(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    pa = partnership_access(request, slug)
    group = _group(pa, pk)
    pa.require(services.takes_part(pa, group))
    try:
        services.leave_group(group, member=pa.member)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect(group)
    messages.success(
        request,
        _("You left “%(name)s”. Its sessions are no longer visible to you; what you contributed stays with the group.")
        % {"name": group},
    )
    return redirect("intervision:list", slug=slug)


# --- Sessions -------------------------------------------------------------------------------


def _session_form(
    request: HttpRequest, pa: PartnershipAccess, group: IntervisionGroup, session: IntervisionSession | None
) -> HttpResponse:
    participant_ids = [p.member_id for p in services.current_participants(group)]
    form = SessionForm(
        request.POST or None, participant_ids=participant_ids, partnership=pa.partnership, session=session
    )
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_session(group, by=request.user, session=session, **form.cleaned_data)
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(request, _("The session was saved."))
            return redirect(saved)
    return render(
        request,
        "intervision/session_form.html",
        _context(
            pa,
            group=group,
            session=session,
            form=form,
            holds_sessions=session is not None or services.holds_sessions(len(participant_ids)),
            participant_count=len(participant_ids),
            has_methods=Method.objects.filter(partnership=pa.partnership).active().exists(),
        ),
    )


@login_required
def session_add(request: HttpRequest, slug: str, group: int) -> HttpResponse:
    pa = partnership_access(request, slug)
    return _session_form(request, pa, _group(pa, group), None)


@login_required
def session_edit(request: HttpRequest, slug: str, group: int, pk: int) -> HttpResponse:
    pa = partnership_access(request, slug)
    found = _group(pa, group)
    return _session_form(request, pa, found, _session(found, pk))


@login_required
def session_detail(request: HttpRequest, slug: str, group: int, pk: int) -> HttpResponse:
    pa = partnership_access(request, slug)
    found = _group(pa, group)
    session = _session(found, pk)
    # The log says who opened the notes, never what they say (see apps.py: the texts are sensitive).
    record_view(request, session)
    return render(request, "intervision/session_detail.html", _context(pa, group=found, session=session))


# --- Methods --------------------------------------------------------------------------------


@login_required
def methods(request: HttpRequest, slug: str) -> HttpResponse:
    pa = partnership_access(request, slug)
    pa.require(services.may_edit_methods(pa))
    current = list(Method.objects.filter(partnership=pa.partnership).active())
    names = [m.name for m in current] or [str(name) for name in services.DEFAULT_METHODS]
    form = MethodsForm(request.POST or None, initial={"methods": "\n".join(names)})
    if request.method == "POST" and form.is_valid():
        try:
            services.save_methods(pa.partnership, names=form.names())
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(request, _("The list of methods was saved."))
            return redirect("intervision:list", slug=slug)
    archived = list(Method.objects.filter(partnership=pa.partnership, is_active=False))
    return render(request, "intervision/methods.html", _context(pa, form=form, archived=archived))

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from werkplaats.core.forms import add_validation_error
from werkplaats.partnerships.access import PartnershipAccess, partnership_access
from werkplaats.partnerships.models import Group, GroupQuerySet

from . import services
from .forms import AnswerForm, CloseForm, PlanForm, PromptSetFilterForm, PromptSetForm, SessionChangeForm
from .models import Answer, PromptSet, PromptSetPurpose, ReflectionSession

PAGE_SIZE = 20


def _session(pa: PartnershipAccess, pk: int) -> ReflectionSession:
    return get_object_or_404(
        ReflectionSession.objects.select_related("partnership", "group", "organiser", "closed_by"),
        partnership=pa.partnership,
        pk=pk,
    )


def _prompt_set(pa: PartnershipAccess, pk: int) -> PromptSet:
    return get_object_or_404(PromptSet.objects.select_related("partnership"), partnership=pa.partnership, pk=pk)


def _refuse_closed(request: HttpRequest, session: ReflectionSession) -> HttpResponse | None:
    if session.is_open:
        return None
    messages.error(request, _("The session is closed; it can no longer be changed."))
    return redirect(session)


# --- Sessions -------------------------------------------------------------------------------


@login_required
def session_list(request: HttpRequest, slug: str) -> HttpResponse:
    pa = partnership_access(request, slug)
    sessions = (
        ReflectionSession.objects.filter(partnership=pa.partnership)
        .select_related("group", "organiser")
        .annotate(respondents=Count("prompts__answers__author", distinct=True))
    )
    planned = list(sessions.planned().order_by("scheduled_on", "id"))
    closed = Paginator(sessions.closed().order_by("-scheduled_on", "-id"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "reflections/list.html",
        {
            "partnership": pa.partnership,
            "pa": pa,
            "planned": planned,
            "page": closed,
            "today": timezone.localdate(),
            "may_plan": services.may_plan(pa),
        },
    )


def _plannable_groups(pa: PartnershipAccess) -> GroupQuerySet:
    groups = Group.objects.open().filter(partnership=pa.partnership).order_by("kind", "name")
    return groups if pa.is_steering else groups.filter(pk__in=pa.coordinated_group_ids)


@login_required
def session_add(request: HttpRequest, slug: str) -> HttpResponse:
    pa = partnership_access(request, slug)
    pa.require(services.may_plan(pa))
    language = services.own_language()
    form = PlanForm(
        request.POST or None,
        partnership=pa.partnership,
        groups=_plannable_groups(pa),
        whole_partnership=pa.is_steering,
        language=language,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            session = services.plan_session(pa.partnership, by=request.user, **data)
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(request, _("The session was planned. Its participants can answer the prompts now."))
            return redirect(session)
    has_sets = PromptSet.objects.filter(partnership=pa.partnership).exists()
    may_edit_prompts = services.may_edit_prompts(pa)
    return render(
        request,
        "reflections/session_add.html",
        {
            "partnership": pa.partnership,
            "pa": pa,
            "form": form,
            "has_sets": has_sets,
            "may_edit_prompts": may_edit_prompts,
            "offers": (
                services.starting_set_offers(pa.partnership, language=language)
                if may_edit_prompts and not has_sets
                else []
            ),
        },
    )


@login_required
def session_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    pa = partnership_access(request, slug)
    session = _session(pa, pk)
    sees_answers = services.sees_answers(pa, session)
    answers = Answer.objects.select_related("author").order_by("author__name", "author__email", "id")
    prompts = session.prompts.order_by("position")
    if sees_answers:
        prompts = prompts.prefetch_related(Prefetch("answers", queryset=answers))
    prompts_list = list(prompts)
    people = services.participants(session)
    answered = set(Answer.objects.filter(prompt__session=session).values_list("author_id", flat=True).distinct())
    return render(
        request,
        "reflections/session_detail.html",
        {
            "partnership": pa.partnership,
            "pa": pa,
            "session": session,
            "prompts": prompts_list,
            "sees_answers": sees_answers,
            "takes_part": services.takes_part(pa, session),
            "runs": services.runs(pa, session),
            "participants": [(person, person.pk in answered) for person in people],
            "answered_count": len(answered),
            "actions": services.follow_up_actions(session),
            "today": timezone.localdate(),
        },
    )


@login_required
def session_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    pa = partnership_access(request, slug)
    session = _session(pa, pk)
    pa.require(services.runs(pa, session))
    if refused := _refuse_closed(request, session):
        return refused
    form = SessionChangeForm(
        request.POST or None, initial={"title": session.title, "scheduled_on": session.scheduled_on}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.change_session(session, **form.cleaned_data)
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(request, _("The session was saved."))
            return redirect(session)
    return render(
        request, "reflections/session_edit.html", {"partnership": pa.partnership, "session": session, "form": form}
    )


@login_required
def session_answer(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    pa = partnership_access(request, slug)
    session = _session(pa, pk)
    pa.require(services.takes_part(pa, session))
    if refused := _refuse_closed(request, session):
        return refused
    prompts = list(session.prompts.order_by("position"))
    mine = list(Answer.objects.filter(prompt__session=session, author_id=request.user.pk))
    form = AnswerForm(request.POST or None, session=session, prompts=prompts, mine=mine)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_answers(session, by=request.user, answers=form.answers())
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(request, _("Your answers were saved. You can change them until the session is closed."))
            return redirect(session)
    return render(
        request, "reflections/session_answer.html", {"partnership": pa.partnership, "session": session, "form": form}
    )


@login_required
def session_close(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    pa = partnership_access(request, slug)
    session = _session(pa, pk)
    pa.require(services.runs(pa, session))
    if refused := _refuse_closed(request, session):
        return refused
    form = CloseForm(request.POST or None, partnership=pa.partnership)
    if request.method == "POST" and form.is_valid():
        try:
            services.close_session(
                session, by=request.user, summary=form.cleaned_data["summary"], follow_ups=form.follow_ups()
            )
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(request, _("The session was closed. Its summary and follow-up actions are shared."))
            return redirect(session)
    prompts = session.prompts.order_by("position").prefetch_related(
        Prefetch("answers", queryset=Answer.objects.select_related("author").order_by("author__name", "id"))
    )
    return render(
        request,
        "reflections/session_close.html",
        {"partnership": pa.partnership, "session": session, "form": form, "prompts": prompts},
    )


# --- Prompt sets ----------------------------------------------------------------------------


@login_required
def prompt_sets(request: HttpRequest, slug: str) -> HttpResponse:
    pa = partnership_access(request, slug)
    language = services.own_language()
    filter_form = PromptSetFilterForm(request.GET or None)
    chosen = filter_form.chosen()
    sets = PromptSet.objects.filter(partnership=pa.partnership)
    if chosen:
        sets = sets.filter(language=chosen)
    may_edit = services.may_edit_prompts(pa)
    return render(
        request,
        "reflections/prompt_sets.html",
        {
            "partnership": pa.partnership,
            "pa": pa,
            "filter_form": filter_form,
            "chosen_language": chosen,
            "prompt_sets": list(sets.own_language_first(language).prefetch_related("prompts")),
            "may_edit": may_edit,
            "offers": services.starting_set_offers(pa.partnership, language=language) if may_edit else [],
        },
    )


@login_required
@require_POST
def prompt_set_add_built_in(request: HttpRequest, slug: str) -> HttpResponse:
    pa = partnership_access(request, slug)
    pa.require(services.may_edit_prompts(pa))
    try:
        prompt_set = services.add_starting_set(
            pa.partnership, key=request.POST.get("set", ""), language=request.POST.get("language", "")
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("reflections:prompt-sets", slug=slug)
    messages.success(request, _("The prompt set “%(name)s” is ready. Change it as you like.") % {"name": prompt_set})
    return redirect("reflections:prompt-set-edit", slug=slug, pk=prompt_set.pk)


def _prompt_set_form(request: HttpRequest, pa: PartnershipAccess, prompt_set: PromptSet | None) -> HttpResponse:
    initial: dict[str, str] = {"language": services.own_language(), "purpose": PromptSetPurpose.REFLECTION}
    if prompt_set is not None:
        initial = {
            "name": prompt_set.name,
            "language": prompt_set.language,
            "purpose": prompt_set.purpose,
            "prompts": "\n".join(p.text for p in prompt_set.prompts.all()),
        }
    form = PromptSetForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_prompt_set(
                pa.partnership,
                name=form.cleaned_data["name"],
                texts=form.texts(),
                language=form.cleaned_data["language"],
                purpose=form.cleaned_data["purpose"],
                prompt_set=prompt_set,
            )
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(request, _("The prompt set was saved."))
            return redirect("reflections:prompt-sets", slug=pa.partnership.slug)
    return render(
        request,
        "reflections/prompt_set_form.html",
        {"partnership": pa.partnership, "form": form, "prompt_set": prompt_set},
    )


@login_required
def prompt_set_add(request: HttpRequest, slug: str) -> HttpResponse:
    pa = partnership_access(request, slug)
    pa.require(services.may_edit_prompts(pa))
    return _prompt_set_form(request, pa, None)


@login_required
def prompt_set_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    pa = partnership_access(request, slug)
    pa.require(services.may_edit_prompts(pa))
    return _prompt_set_form(request, pa, _prompt_set(pa, pk))


@login_required
@require_POST
def prompt_set_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    pa = partnership_access(request, slug)
    pa.require(services.may_edit_prompts(pa))
    prompt_set = _prompt_set(pa, pk)
    services.delete_prompt_set(prompt_set)
    messages.success(request, _("The prompt set “%(name)s” was deleted.") % {"name": prompt_set.name})
    return redirect("reflections:prompt-sets", slug=slug)


@login_required
def prompt_set_guide(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The set as a printable guide for a conversation. Nothing said in it is stored."""
    pa = partnership_access(request, slug)
    prompt_set = _prompt_set(pa, pk)
    return render(
        request,
        "reflections/guide.html",
        {
            "partnership": pa.partnership,
            "prompt_set": prompt_set,
            "prompts": list(prompt_set.prompts.order_by("position")),
            "may_edit": services.may_edit_prompts(pa),
        },
    )

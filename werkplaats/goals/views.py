from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from werkplaats.core.forms import add_validation_error
from werkplaats.partnerships.access import PartnershipAccess, partnership_access
from werkplaats.partnerships.models import Group

from . import services
from .charts import line_chart
from .forms import GoalForm, IndicatorForm, ValueForm
from .metrics import METRICS
from .models import Goal, Indicator, IndicatorSource, IndicatorValue
from .progress import readings


def _goals(pa: PartnershipAccess) -> Any:
    return (
        Goal.objects.filter(partnership=pa.partnership)
        .select_related("partnership")
        .prefetch_related(
            Prefetch("groups", queryset=Group.objects.order_by("kind", "name")),
            Prefetch("indicators", queryset=Indicator.objects.prefetch_related("values")),
        )
    )


def _goal(pa: PartnershipAccess, pk: int) -> Goal:
    return get_object_or_404(_goals(pa), pk=pk)


def _indicator(goal: Goal, pk: int) -> Indicator:
    """From the goal's prefetched indicators, so the goal page's queries stay the same."""
    for indicator in goal.indicators.all():
        if indicator.pk == pk:
            return indicator
    raise Http404


@login_required
def goal_list(request: HttpRequest, slug: str) -> HttpResponse:
    pa = partnership_access(request, slug)
    goals = list(_goals(pa))
    found = readings(pa.partnership, [i for g in goals for i in g.indicators.all()])
    rows = [(goal, [found[i.pk] for i in goal.indicators.all()]) for goal in goals]
    return render(
        request,
        "goals/goal_list.html",
        {"partnership": pa.partnership, "pa": pa, "rows": rows, "today": timezone.localdate()},
    )


@login_required
def goal_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    pa = partnership_access(request, slug)
    goal = _goal(pa, pk)
    indicators = list(goal.indicators.all())
    found = readings(pa.partnership, indicators, series=True)
    items = []
    for indicator in indicators:
        reading = found[indicator.pk]
        chart = None
        if any(point.value is not None for point in reading.points):
            chart = line_chart(
                [(p.on, p.value) for p in reading.points],
                target=indicator.target,
                start=indicator.period_start,
                end=indicator.period_end,
            )
        items.append({"reading": reading, "chart": chart})
    return render(
        request,
        "goals/goal_detail.html",
        {
            "partnership": pa.partnership,
            "pa": pa,
            "goal": goal,
            "items": items,
            "can_enter": services.can_enter_values(pa, goal),
            "today": timezone.localdate(),
        },
    )


@login_required
def goal_create(request: HttpRequest, slug: str) -> HttpResponse:
    pa = partnership_access(request, slug)
    pa.require(pa.is_manager)
    form = GoalForm(request.POST or None, partnership=pa.partnership)
    if request.method == "POST" and form.is_valid():
        try:
            goal = services.create_goal(pa.partnership, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(request, _("The goal was added. Add its indicators next."))
            return redirect("goals:indicator-create", slug=slug, pk=goal.pk)
    return render(request, "goals/goal_form.html", {"partnership": pa.partnership, "form": form, "goal": None})


@login_required
def goal_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    pa = partnership_access(request, slug)
    pa.require(pa.is_manager)
    goal = _goal(pa, pk)
    initial = {
        "title": goal.title,
        "description": goal.description,
        "groups": list(goal.groups.all()),
        "order": goal.order,
    }
    form = GoalForm(request.POST or None, initial=initial, partnership=pa.partnership)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_goal(goal, **form.cleaned_data)
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(request, _("The goal was saved."))
            return redirect(goal)
    return render(request, "goals/goal_form.html", {"partnership": pa.partnership, "form": form, "goal": goal})


@login_required
@require_POST
def goal_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    pa = partnership_access(request, slug)
    pa.require(pa.is_manager)
    goal = _goal(pa, pk)
    services.delete_goal(goal)
    messages.success(request, _("The goal %(title)s was removed.") % {"title": goal.title})
    return redirect("goals:list", slug=slug)


def _indicator_form(request: HttpRequest, pa: PartnershipAccess, goal: Goal, indicator: Indicator | None) -> Any:
    if indicator is None:
        start = timezone.localdate().replace(month=1, day=1)
        initial: dict[str, Any] = {"period_start": start, "period_end": start.replace(month=12, day=31)}
    else:
        initial = {
            name: getattr(indicator, name)
            for name in (
                "name",
                "source",
                "unit",
                "target",
                "direction",
                "cumulative",
                "period_start",
                "period_end",
                "order",
            )
        }
    form = IndicatorForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_indicator(goal, indicator=indicator, **form.cleaned_data)
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(request, _("The indicator was saved."))
            return redirect(goal)
    return render(
        request,
        "goals/indicator_form.html",
        {
            "partnership": pa.partnership,
            "goal": goal,
            "indicator": indicator,
            "form": form,
            "metrics": list(METRICS.values()),
        },
    )


@login_required
def indicator_create(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    pa = partnership_access(request, slug)
    pa.require(pa.is_manager)
    return _indicator_form(request, pa, _goal(pa, pk), None)


@login_required
def indicator_edit(request: HttpRequest, slug: str, pk: int, indicator_pk: int) -> HttpResponse:
    pa = partnership_access(request, slug)
    pa.require(pa.is_manager)
    goal = _goal(pa, pk)
    return _indicator_form(request, pa, goal, _indicator(goal, indicator_pk))


@login_required
@require_POST
def indicator_delete(request: HttpRequest, slug: str, pk: int, indicator_pk: int) -> HttpResponse:
    pa = partnership_access(request, slug)
    pa.require(pa.is_manager)
    goal = _goal(pa, pk)
    indicator = _indicator(goal, indicator_pk)
    services.delete_indicator(indicator)
    messages.success(request, _("The indicator %(name)s was removed.") % {"name": indicator.name})
    return redirect(goal)


@login_required
def value_add(request: HttpRequest, slug: str, pk: int, indicator_pk: int) -> HttpResponse:
    pa = partnership_access(request, slug)
    goal = _goal(pa, pk)
    pa.require(services.can_enter_values(pa, goal))
    indicator = _indicator(goal, indicator_pk)
    if indicator.source != IndicatorSource.ENTERED:
        raise Http404
    today = timezone.localdate()
    form = ValueForm(request.POST or None, initial={"measured_on": min(today, indicator.period_end)})
    if request.method == "POST" and form.is_valid():
        try:
            services.enter_value(indicator, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_validation_error(form, exc)
        else:
            messages.success(request, _("The value was saved."))
            return redirect(goal)
    return render(
        request,
        "goals/value_form.html",
        {"partnership": pa.partnership, "goal": goal, "indicator": indicator, "form": form},
    )


@login_required
@require_POST
def value_delete(request: HttpRequest, slug: str, pk: int, indicator_pk: int, value_pk: int) -> HttpResponse:
    pa = partnership_access(request, slug)
    goal = _goal(pa, pk)
    pa.require(services.can_enter_values(pa, goal))
    indicator = _indicator(goal, indicator_pk)
    value = get_object_or_404(IndicatorValue, indicator=indicator, pk=value_pk)
    services.delete_value(value)
    messages.success(request, _("The value was removed."))
    return redirect(goal)

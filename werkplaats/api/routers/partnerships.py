"""Partnerships' goals, indicators and the values entered for them.

A partnership is visible through a token when the token's creator is an active member of it (as
in the interface) and the token's organisation is one of its active partners: the token speaks
for its organisation, not for everything its creator takes part in.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema

from werkplaats.goals.models import Goal, Indicator, IndicatorValue
from werkplaats.partnerships.models import Partner, Partnership

from ..auth import acting_organisation, acting_user
from ..pagination import PageParams, page_of, paginate
from ..schemas import Id, Moment, UpdatedSince

router = Router()


class PartnershipOut(Schema):
    id: int
    slug: str
    name: str
    kind: str
    regions: list[str] = Field(..., alias="api_regions", description="CBS codes of its labour-market regions.")
    started_on: datetime.date | None
    is_active: bool
    created_at: datetime.datetime
    updated_at: datetime.datetime


class IndicatorOut(Schema):
    id: int
    name: str
    source: str = Field(..., description="entered (values below) or the key of a computed metric.")
    unit: str
    target: Decimal
    direction: str
    cumulative: bool
    period_start: datetime.date
    period_end: datetime.date
    order: int


class GoalOut(Schema):
    id: int
    title: str
    description: str
    order: int
    created_at: datetime.datetime
    indicators: list[IndicatorOut] = Field(..., alias="api_indicators")


class IndicatorValueOut(Schema):
    id: int
    indicator_id: int
    goal_id: int = Field(..., alias="indicator.goal_id")
    value: Decimal
    measured_on: datetime.date
    source: str
    entered_at: datetime.datetime


class IndicatorValueFilters(Schema):
    indicator: Id | None = None
    measured_from: datetime.date | None = None
    measured_until: datetime.date | None = None
    entered_since: Moment | None = Field(None, description="Only values entered at or after this moment.")


def _partnerships(request: HttpRequest) -> QuerySet[Partnership]:
    partners = Partner.objects.active().filter(organisation=acting_organisation(request))
    return (
        Partnership.objects.visible_to(acting_user(request))
        .filter(pk__in=partners.values("partnership_id"))
        .prefetch_related("regions")
    )


def _partnership_out(partnership: Partnership) -> Partnership:
    partnership.api_regions = sorted(r.code for r in partnership.regions.all())  # type: ignore[attr-defined]
    return partnership


def _partnership(request: HttpRequest, slug: str) -> Partnership:
    return get_object_or_404(_partnerships(request), slug=slug[:80])


@router.get("", response=page_of(PartnershipOut), operation_id="listPartnerships", summary="List partnerships")
def list_partnerships(request: HttpRequest, page: Query[PageParams], filters: Query[UpdatedSince]) -> dict[str, Any]:
    partnerships = _partnerships(request)
    if filters.updated_since:
        partnerships = partnerships.filter(updated_at__gte=filters.updated_since)
    return paginate(request, partnerships.order_by("name", "pk"), page, item=_partnership_out)


@router.get("/{slug}", response=PartnershipOut, operation_id="getPartnership", summary="One partnership")
def get_partnership(request: HttpRequest, slug: str) -> Partnership:
    return _partnership_out(_partnership(request, slug))


def _goal_out(goal: Goal) -> Goal:
    goal.api_indicators = list(goal.indicators.all())  # type: ignore[attr-defined]
    return goal


@router.get(
    "/{slug}/goals",
    response=page_of(GoalOut),
    operation_id="listPartnershipGoals",
    summary="A partnership's goals with their indicators",
)
def list_goals(request: HttpRequest, slug: str, page: Query[PageParams]) -> dict[str, Any]:
    partnership = _partnership(request, slug)
    goals = Goal.objects.filter(partnership=partnership).prefetch_related(
        Prefetch("indicators", queryset=Indicator.objects.order_by("order", "id"))
    )
    return paginate(request, goals.order_by("order", "pk"), page, item=_goal_out)


@router.get(
    "/{slug}/goals/{pk}", response=GoalOut, operation_id="getPartnershipGoal", summary="One goal with its indicators"
)
def get_goal(request: HttpRequest, slug: str, pk: Id) -> Goal:
    partnership = _partnership(request, slug)
    return _goal_out(get_object_or_404(Goal.objects.filter(partnership=partnership), pk=pk))


@router.get(
    "/{slug}/indicator-values",
    response=page_of(IndicatorValueOut),
    operation_id="listPartnershipIndicatorValues",
    summary="Values entered for a partnership's indicators",
)
def list_indicator_values(
    request: HttpRequest, slug: str, page: Query[PageParams], filters: Query[IndicatorValueFilters]
) -> dict[str, Any]:
    partnership = _partnership(request, slug)
    values = IndicatorValue.objects.filter(indicator__goal__partnership=partnership).select_related("indicator")
    if filters.indicator is not None:
        values = values.filter(indicator_id=filters.indicator)
    if filters.measured_from:
        values = values.filter(measured_on__gte=filters.measured_from)
    if filters.measured_until:
        values = values.filter(measured_on__lte=filters.measured_until)
    if filters.entered_since:
        values = values.filter(entered_at__gte=filters.entered_since)
    return paginate(request, values.order_by("measured_on", "pk"), page)

"""Caseload rows: the user's trajectories with state, days in state, next review and warnings.

A fixed number of queries whatever the size of the caseload: one for the trajectories (with the
last review's dates annotated), one for their events, one for the recognitions. Timing and the
next review are computed from those rows, never with a query per trajectory.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from django.db import models
from django.db.models import Case, F, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce, Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from werkplaats.organisations.access import get_access
from werkplaats.organisations.models import Organisation, Role

from . import services
from .models import FINAL_STATES, EventKind, ProgressReview, Status, Trajectory, TrajectoryEvent


class CaseWarning(models.TextChoices):
    OVERDUE_REVIEW = "overdue_review", _("progress review overdue")
    AT_RISK = "at_risk", _("at risk against the 6-month norm")
    LATE = "late", _("past the 6-month norm")
    NOT_RECOGNISED = "not_recognised", _("employer not recognised (any more)")


# What the state filter offers besides the states themselves.
OPEN = "open"
ALL = "all"
# What the warning filter offers besides each warning: any of them, or either of the norm's two.
ANY = "any"
NORM = "norm"

SORT_KEYS = ("learner", "qualification", "employer", "state", "days", "review", "warnings")


@dataclass(frozen=True)
class Row:
    trajectory: Trajectory
    timing: services.Timing
    next_review: datetime.date | None
    warnings: tuple[str, ...]

    @property
    def learner_name(self) -> str:
        return self.trajectory.learner.full_name

    @property
    def qualification_label(self) -> str:
        q = self.trajectory.qualification
        return f"{q.name} ({q.crebo})" if q is not None else str(self.trajectory.get_route_display())

    @property
    def employer_name(self) -> str:
        return self.trajectory.employer.name if self.trajectory.employer is not None else ""

    @property
    def state_label(self) -> str:
        return str(self.trajectory.get_status_display())

    @property
    def days_in_state(self) -> int:
        return self.timing.days_in_state

    @property
    def warning_labels(self) -> list[str]:
        return [str(CaseWarning(w).label) for w in self.warnings]


def followed(
    user: Any, organisation: Organisation | None, *, roles: Iterable[str] | None = None
) -> QuerySet[Trajectory]:
    """The trajectories the user follows for ``organisation``, by the roles held there: a
    consultant the organisation's learners (and trajectories naming them as consultant), school
    staff their school's (and those they coach), a workplace trainer their company's (and those
    naming them), a coordinator the region's; only ``roles`` of them, when given. Always within
    ``visible_to``."""
    access = get_access(user)
    visible = Trajectory.objects.visible_to(user)
    if organisation is None:
        return visible if access.is_platform_admin else visible.none()
    held = access.roles_in(organisation)
    roles = held & set(roles) if roles is not None else held
    me = access.user_id
    query = Q(pk__in=[])
    if Role.CONSULTANT in roles:
        query |= Q(learner__organisation=organisation) | Q(consultant_id=me)
    if Role.SCHOOL_STAFF in roles:
        query |= Q(school=organisation) | Q(school_coach_id=me)
    if Role.WORKPLACE_TRAINER in roles:
        query |= Q(employer=organisation) | Q(workplace_trainer_id=me)
    if Role.COORDINATOR in roles and organisation.region_id is not None:
        region = organisation.region_id
        query |= (
            Q(learner__organisation__region_id=region) | Q(school__region_id=region) | Q(employer__region_id=region)
        )
    if access.is_platform_admin and not held:
        return visible
    return visible.filter(query)


def unrecognised_placements(trajectories: Iterable[Trajectory], *, on: datetime.date) -> set[int]:
    """Ids of placed trajectories whose employer is not (any more) recognised for the
    qualification on ``on``, asked of the registry once for the whole list."""
    from werkplaats.recognitions.services import recognised_pairs

    placed = [
        t
        for t in trajectories
        if t.status in services.PLACED_STATES
        and t.needs_recognition
        and t.employer is not None
        and t.qualification is not None
    ]
    pairs = {(t.employer.pk, t.qualification.crebo) for t in placed if t.employer and t.qualification}
    employers = {t.employer.pk: t.employer for t in placed if t.employer}.values()
    recognised = recognised_pairs(employers, pairs, on=on)
    return {
        t.pk
        for t in placed
        if t.employer and t.qualification and (t.employer.pk, t.qualification.crebo) not in recognised
    }


ROW_FIELDS = (
    "learner__first_name",
    "learner__last_name",
    "learner__organisation_id",
    "qualification__crebo",
    "qualification__name",
    "employer__name",
    "employer__slug",
    "employer__region_id",
    "route",
    "status",
    "status_changed_at",
    "created_at",
    "planned_start",
    "review_interval_weeks",
    "consultant_id",
    "school_id",
)


def queryset(
    user: Any, organisation: Organisation | None, *, roles: Iterable[str] | None = None
) -> QuerySet[Trajectory]:
    last_review = ProgressReview.objects.filter(trajectory=OuterRef("pk")).order_by("-held_on", "-id")
    return (
        followed(user, organisation, roles=roles)
        .select_related("learner", "qualification", "employer")
        # What the rows show and compute with, no more: every other column of four tables would be
        # read and converted for each of hundreds of rows (their timestamps above all).
        .only(*ROW_FIELDS)
        .annotate(
            last_review_held=Subquery(last_review.values("held_on")[:1]),
            last_review_next=Subquery(last_review.values("next_review_on")[:1]),
        )
    )


def _steps(trajectory_ids: set[int]) -> dict[int, list[_Step]]:
    """The changes of state of these trajectories, in order, in one query: plain tuples, not
    models (hundreds of trajectories, thousands of events)."""
    steps: dict[int, list[_Step]] = {}
    if not trajectory_ids:
        return steps
    events = (
        TrajectoryEvent.objects.filter(trajectory_id__in=trajectory_ids)
        .exclude(kind=EventKind.EMPLOYER_CHANGE)
        .order_by("at", "id")
        .values_list("trajectory_id", "kind", "to_status", "at")
    )
    for trajectory_id, kind, to_status, at in events:
        steps.setdefault(trajectory_id, []).append(_Step(kind, to_status, at))
    return steps


class _Step(NamedTuple):
    """What ``services.timing`` reads of an event."""

    kind: str
    to_status: str
    at: datetime.datetime


def build_rows(trajectories: Iterable[Trajectory], *, now: datetime.datetime | None = None) -> list[Row]:
    now = now or timezone.now()
    today = timezone.localdate(now)
    trajectories = list(trajectories)
    unrecognised = unrecognised_placements(trajectories, on=today)
    steps = _steps({t.pk for t in trajectories})
    rows = []
    for t in trajectories:
        timing = services.timing(t, now=now, events=steps.get(t.pk, []))
        next_review = services.next_review_due_after(
            t, last_held_on=getattr(t, "last_review_held", None), last_next_on=getattr(t, "last_review_next", None)
        )
        warnings = []
        if next_review is not None and next_review < today:
            warnings.append(CaseWarning.OVERDUE_REVIEW.value)
        if t.is_open and timing.norm == "at_risk":
            warnings.append(CaseWarning.AT_RISK.value)
        if t.is_open and timing.norm == "late":
            warnings.append(CaseWarning.LATE.value)
        if t.pk in unrecognised:
            warnings.append(CaseWarning.NOT_RECOGNISED.value)
        rows.append(Row(trajectory=t, timing=timing, next_review=next_review, warnings=tuple(warnings)))
    return rows


def in_state(trajectories: QuerySet[Trajectory], state: str = OPEN) -> QuerySet[Trajectory]:
    """The trajectories in ``state`` (a state, ``OPEN`` or ``ALL``), chosen by the database so that
    rows are built only for them: a long caseload is mostly completed trajectories."""
    if state == OPEN:
        return trajectories.exclude(status__in=FINAL_STATES)
    if state in Status.values:
        return trajectories.filter(status=state)
    return trajectories


def ordered(trajectories: QuerySet[Trajectory], key: str, *, descending: bool = False) -> QuerySet[Trajectory] | None:
    """``trajectories`` in the order of ``key`` when the database can give it (the learner's name,
    the employer, the state), so that a page of a long caseload is built alone; else None (the
    other keys are computed per row: ``sort``). Ties go by id, as in ``sort``."""
    keys: dict[str, list[Any]] = {
        "learner": [Lower("learner__last_name"), Lower("learner__first_name")],
        "employer": [Lower(Coalesce("employer__name", Value("")))],
        "state": [
            Case(
                *(When(status=value, then=Value(n)) for value, n in _STATE_ORDER.items()),
                default=Value(99),
                output_field=models.IntegerField(),
            )
        ],
    }
    if key not in keys:
        return None
    order = [*keys[key], F("pk")]
    return trajectories.order_by(*(term.desc() if descending else term.asc() for term in order))


def select(rows: Sequence[Row], *, warning: str = "") -> list[Row]:
    chosen = list(rows)
    if warning == ANY:
        chosen = [r for r in chosen if r.warnings]
    elif warning == NORM:
        chosen = [r for r in chosen if {CaseWarning.AT_RISK, CaseWarning.LATE} & set(r.warnings)]
    elif warning in CaseWarning.values:
        chosen = [r for r in chosen if warning in r.warnings]
    return chosen


_STATE_ORDER = {s.value: i for i, s in enumerate(Status)}
_FAR_FUTURE = datetime.date.max


def sort(rows: Sequence[Row], key: str, *, descending: bool = False) -> list[Row]:
    keys: dict[str, Any] = {
        "learner": lambda r: (r.trajectory.learner.last_name.lower(), r.trajectory.learner.first_name.lower()),
        "qualification": lambda r: r.qualification_label.lower(),
        "employer": lambda r: r.employer_name.lower(),
        "state": lambda r: _STATE_ORDER.get(r.trajectory.status, 99),
        "days": lambda r: r.days_in_state,
        "review": lambda r: r.next_review or _FAR_FUTURE,
        "warnings": lambda r: len(r.warnings),
    }
    function = keys.get(key, keys["learner"])
    return sorted(rows, key=lambda r: (function(r), r.trajectory.pk), reverse=descending)


@dataclass(frozen=True)
class Summary:
    total: int
    overdue_reviews: int
    at_risk: int


def summarise(rows: Sequence[Row]) -> Summary:
    """Counts of the open rows among ``rows`` (build them from ``in_state(..., OPEN)``: fewer)."""
    open_rows = [r for r in rows if r.trajectory.is_open]
    return Summary(
        total=len(open_rows),
        overdue_reviews=sum(CaseWarning.OVERDUE_REVIEW in r.warnings for r in open_rows),
        at_risk=sum(bool({CaseWarning.AT_RISK, CaseWarning.LATE} & set(r.warnings)) for r in open_rows),
    )

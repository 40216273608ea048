"""Read-side figures for the work along a trajectory: work processes grouped by core task, when
the next progress review is due, and practice hours against the agreement. No writes here;
the pages and the trajectory page's sections use these so they say the same thing."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from itertools import groupby
from typing import Any

from django.db.models import Count, Prefetch, Q
from django.utils import timezone

from werkplaats.qualifications.models import WorkProcess

from . import services
from .models import LearningPlanVersion, Level, Party, PlanApproval, PracticeHours, ProgressReview, Trajectory


def work_process_groups(work_processes: Iterable[WorkProcess]) -> list[dict[str, Any]]:
    """Work processes by core task (basisdeel first, then profieldeel), in catalogue order.
    Needs ``core_task`` loaded (select_related) to stay at one query."""
    ordered = sorted(
        work_processes,
        key=lambda wp: (wp.core_task.part, wp.core_task.position, wp.core_task.code, wp.position, wp.code),
    )
    return [
        {"core_task": core_task, "work_processes": list(items)}
        for core_task, items in groupby(ordered, key=lambda wp: wp.core_task)
    ]


def approval_rows(version: LearningPlanVersion) -> list[dict[str, Any]]:
    """One row per party, with its approval of ``version`` or None. Uses the prefetched approvals."""
    by_party = {a.party: a for a in version.approvals.all()}
    return [{"party": party, "approval": by_party.get(party.value)} for party in Party]


@dataclass(frozen=True)
class ReviewStatus:
    interval_weeks: int
    last: ProgressReview | None
    due: datetime.date | None
    today: datetime.date

    @property
    def days_overdue(self) -> int:
        return (self.today - self.due).days if self.due is not None and self.due < self.today else 0

    @property
    def is_overdue(self) -> bool:
        return self.days_overdue > 0

    @property
    def is_due_today(self) -> bool:
        return self.due == self.today


def review_status(
    trajectory: Trajectory, reviews: Sequence[ProgressReview], *, today: datetime.date | None = None
) -> ReviewStatus:
    """``reviews`` newest first, as the reviews page lists them (no extra query)."""
    last = reviews[0] if reviews else None
    due = services.next_review_due_after(
        trajectory,
        last_held_on=last.held_on if last else None,
        last_next_on=last.next_review_on if last else None,
    )
    return ReviewStatus(
        interval_weeks=trajectory.review_interval_weeks, last=last, due=due, today=today or timezone.localdate()
    )


def _monday(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


def _weeks(start: datetime.date, end: datetime.date) -> int:
    """Weeks from the week of ``start`` up to and including the week of ``end``."""
    if end < start:
        return 0
    return (_monday(end) - _monday(start)).days // 7 + 1


@dataclass(frozen=True)
class HoursOverview:
    logged: Decimal
    approved: Decimal
    waiting: int
    hours_per_week: Decimal | None
    start: datetime.date | None
    end: datetime.date | None
    weeks_so_far: int
    weeks_total: int | None
    weeks_without_hours: int

    @property
    def agreed_so_far(self) -> Decimal | None:
        return None if self.hours_per_week is None else self.hours_per_week * self.weeks_so_far

    @property
    def agreed_total(self) -> Decimal | None:
        if self.hours_per_week is None or self.weeks_total is None:
            return None
        return self.hours_per_week * self.weeks_total

    @property
    def percent_so_far(self) -> int | None:
        agreed = self.agreed_so_far
        if not agreed:
            return None
        return int(self.approved * 100 / agreed)


def hours_overview(
    trajectory: Trajectory,
    entries: Iterable[PracticeHours],
    plan: LearningPlanVersion | None,
    *,
    today: datetime.date | None = None,
) -> HoursOverview:
    """Logged and approved hours against the agreement: the plan's hours per week times the
    weeks from its start (or the planned start) up to this week, and up to its end."""
    today = today or timezone.localdate()
    rows = list(entries)
    logged = sum((r.hours for r in rows), Decimal(0))
    approved = sum((r.hours for r in rows if r.approved_at is not None), Decimal(0))
    start = (plan.start_date if plan else None) or trajectory.planned_start
    end = (plan.end_date if plan else None) or trajectory.planned_end
    last = min(today, end) if end else today
    weeks_so_far = _weeks(start, last) if start else 0
    weeks_logged = len({r.week_start for r in rows if start and _monday(start) <= r.week_start <= _monday(last)})
    return HoursOverview(
        logged=logged,
        approved=approved,
        waiting=sum(1 for r in rows if r.approved_at is None),
        hours_per_week=plan.hours_per_week if plan else None,
        start=start,
        end=end,
        weeks_so_far=weeks_so_far,
        weeks_total=_weeks(start, end) if start and end else None,
        weeks_without_hours=max(weeks_so_far - weeks_logged, 0),
    )


@dataclass(frozen=True)
class Sections:
    """The work along a trajectory in brief, for the trajectory page."""

    current: LearningPlanVersion | None
    approvals: list[dict[str, Any]]
    review: ReviewStatus
    hours: HoursOverview
    counts: dict[str, int]
    total: int
    entries: list[Any]


def sections(trajectory: Trajectory) -> Sections:
    """A fixed handful of queries, whatever the number of versions, weeks, reviews or entries."""
    current = (
        trajectory.plan_versions.prefetch_related(
            Prefetch("approvals", queryset=PlanApproval.objects.select_related("approved_by"))
        )
        .order_by("-number")
        .first()
    )
    counts = trajectory.assessments.aggregate(
        mastered=Count("pk", filter=Q(level=Level.MASTERED)),
        developing=Count("pk", filter=Q(level=Level.DEVELOPING)),
        confirmed=Count("pk", filter=Q(confirmed_at__isnull=False)),
    )
    return Sections(
        current=current,
        approvals=approval_rows(current) if current is not None else [],
        review=review_status(trajectory, list(trajectory.reviews.order_by("-held_on", "-id")[:1])),
        hours=hours_overview(trajectory, trajectory.hours.all(), current),
        counts=counts,
        total=trajectory.qualification.work_processes().count() if trajectory.qualification is not None else 0,
        entries=list(trajectory.log_entries.select_related("author", "work_process").order_by("-created_at")[:3]),
    )

"""Indicators computed live from the platform's data, for a partnership's scope and a period.

The scope of a partnership is its labour-market regions and its partner schools (``Scope``).
Each metric is computed in two steps:

- ``fetch`` reads what the metric needs for a window of dates in one or two aggregate queries
  (counts per day, or one row per completed trajectory), so the number of queries does not
  depend on the number of rows;
- ``measure`` computes the value for any period inside that window in plain Python.

So a page with many indicators fetches each metric once, for the union of their periods
(``Evaluator``), and the values per month of a progress chart cost no queries at all.

The definitions, as the goal page shows them (``Metric.definition``):

1. *praktijkverklaringen issued*: certificates with a date of issue in the period, counted in one
   of the partnership's regions (the region on the certificate) or issued by one of its partner
   schools; revoked ones are not counted (as on the counts page).
2. *trajectories started*: trajectories referred in the period (the date of their registration
   event, where the lead time starts), of a learner registered in one of the regions (else the
   employer's or the school's region, as for certificates) or at a partner school.
3. *median lead time*: of the trajectories of that scope completed in the period (the date of
   the completion event), the median of the days from referral to completion, paused time not
   counted (``trajectories.leadtime``, as on the trajectory page).
4. *share completed within 6 months*: of those same trajectories, the share whose lead time
   (paused time not counted) stayed within the six-month norm (``leadtime.norm_status``).
5. *recognised employers active*: employers in the partnership's regions with a recognition as
   learning company valid on the last day of the period, where at least one trajectory was
   placed (moved to "placed") in the period; a trajectory counts with the employer it is at now.
6. *progress reports on time*: of the progress reports of the partnership's groups due in the
   period, the share submitted on or before their due date. A report that has not come in
   counts once its due date has passed.
"""

from __future__ import annotations

import datetime
import statistics
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from werkplaats.certificates.models import Certificate
from werkplaats.organisations.models import OrganisationKind
from werkplaats.partnerships.models import Partnership, ProgressReport
from werkplaats.recognitions.models import Recognition
from werkplaats.trajectories import leadtime
from werkplaats.trajectories.models import EventKind, Status, Trajectory, TrajectoryEvent

from .models import Direction, IndicatorSource

ONE_DAY = datetime.timedelta(days=1)


@dataclass(frozen=True)
class Scope:
    """Whose data a partnership's indicators count."""

    partnership_id: int
    region_ids: tuple[int, ...]
    school_ids: tuple[int, ...]

    @classmethod
    def of(cls, partnership: Partnership) -> Scope:
        """Two queries: the regions and the partner schools."""
        regions = sorted(partnership.regions.values_list("pk", flat=True))
        return cls(partnership.pk, tuple(regions), tuple(sorted(partnership.school_ids())))

    @property
    def is_empty(self) -> bool:
        return not self.region_ids and not self.school_ids


@dataclass(frozen=True)
class Point:
    """The value of a metric for the period from its start through ``on``."""

    on: datetime.date
    value: Decimal | None


def _day_bounds(start: datetime.date, end: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """From the start of ``start`` to the start of the day after ``end``, in local time."""
    zone = timezone.get_current_timezone()
    first = datetime.datetime.combine(start, datetime.time.min, tzinfo=zone)
    after = datetime.datetime.combine(end + ONE_DAY, datetime.time.min, tzinfo=zone)
    return first, after


def scoped_trajectories(scope: Scope) -> QuerySet[Trajectory]:
    """Trajectories counted in the scope: their region (the learner's organisation's, else the
    employer's or the school's: the rule certificates are counted by) is one of the regions, or
    their school is a partner school."""
    return (
        Trajectory.objects.annotate(
            counting_region=Coalesce("learner__organisation__region_id", "employer__region_id", "school__region_id")
        )
        .filter(Q(counting_region__in=scope.region_ids) | Q(school_id__in=scope.school_ids))
        .order_by()
    )


def _in_days(days: dict[datetime.date, int], start: datetime.date, end: datetime.date) -> int:
    return sum(n for day, n in days.items() if start <= day <= end)


# --- 1. Praktijkverklaringen issued -------------------------------------------------------------


def _fetch_certificates(scope: Scope, start: datetime.date, end: datetime.date, today: datetime.date) -> Any:
    rows = (
        Certificate.objects.valid()
        .filter(Q(region_id__in=scope.region_ids) | Q(school_id__in=scope.school_ids))
        .filter(issued_on__range=(start, end))
        .order_by()
        .values("issued_on")
        .annotate(n=Count("pk"))
    )
    return {row["issued_on"]: row["n"] for row in rows}


def _count_days(data: dict[datetime.date, int], start: datetime.date, end: datetime.date) -> Decimal:
    return Decimal(_in_days(data, start, end))


# --- 2. Trajectories started ------------------------------------------------------------------


def _fetch_started(scope: Scope, start: datetime.date, end: datetime.date, today: datetime.date) -> Any:
    first, after = _day_bounds(start, end)
    rows = (
        TrajectoryEvent.objects.filter(
            kind=EventKind.CREATED,
            at__gte=first,
            at__lt=after,
            trajectory_id__in=scoped_trajectories(scope).values("pk"),
        )
        .order_by()
        .annotate(day=TruncDate("at"))
        .values("day")
        .annotate(n=Count("trajectory_id", distinct=True))
    )
    return {row["day"]: row["n"] for row in rows}


# --- 3 and 4. Lead times of completed trajectories ----------------------------------------------


@dataclass(frozen=True)
class Completed:
    on: datetime.date  # the day of the completion event
    days: int  # lead time in whole days, paused time not counted
    within_norm: bool  # within six months


def _fetch_completed(scope: Scope, start: datetime.date, end: datetime.date, today: datetime.date) -> Any:
    """One row per trajectory of the scope completed in the window, from all its events (one
    query): the lead time is computed the way the trajectory page does."""
    first, after = _day_bounds(start, end)
    completed = TrajectoryEvent.objects.filter(
        to_status=Status.COMPLETED,
        at__gte=first,
        at__lt=after,
        trajectory_id__in=scoped_trajectories(scope).values("pk"),
    ).values("trajectory_id")
    events = (
        TrajectoryEvent.objects.filter(trajectory_id__in=completed)
        .exclude(kind=EventKind.EMPLOYER_CHANGE)  # a change of employer is not a change of state
        .order_by()
        .values_list("trajectory_id", "at", "to_status")
    )
    steps: dict[int, list[leadtime.Step]] = defaultdict(list)
    for trajectory_id, at, to_status in events:
        steps[trajectory_id].append(leadtime.Step(at=at, to_status=to_status))
    now = timezone.now()
    rows = []
    for trajectory_steps in steps.values():
        lead_time = leadtime.compute(trajectory_steps, now)
        last = max(trajectory_steps, key=lambda s: s.at)
        if lead_time.ended_at is None or last.to_status != Status.COMPLETED:
            continue
        rows.append(
            Completed(
                on=timezone.localdate(lead_time.ended_at),
                days=lead_time.active.days,
                within_norm=leadtime.norm_status(lead_time) == "on_track",
            )
        )
    return rows


def _median_lead_time(data: list[Completed], start: datetime.date, end: datetime.date) -> Decimal | None:
    days = [row.days for row in data if start <= row.on <= end]
    if not days:
        return None
    return Decimal(str(statistics.median(days))).quantize(Decimal("0.1"))


def _share(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"))


def _within_six_months(data: list[Completed], start: datetime.date, end: datetime.date) -> Decimal | None:
    rows = [row for row in data if start <= row.on <= end]
    return _share(sum(1 for row in rows if row.within_norm), len(rows))


# --- 5. Recognised employers active -------------------------------------------------------------


@dataclass(frozen=True)
class EmployerActivity:
    placed: dict[int, set[datetime.date]]  # employer id: the days a trajectory was placed there
    recognitions: dict[int, list[tuple[datetime.date, datetime.date | None]]]  # employer id: periods


def _fetch_employers(scope: Scope, start: datetime.date, end: datetime.date, today: datetime.date) -> Any:
    """Two queries: the days trajectories were placed with employers of the regions, and those
    employers' recognitions."""
    first, after = _day_bounds(start, end)
    placements = (
        TrajectoryEvent.objects.filter(
            to_status=Status.PLACED,
            at__gte=first,
            at__lt=after,
            trajectory__employer__kind=OrganisationKind.EMPLOYER,
            trajectory__employer__region_id__in=scope.region_ids,
        )
        .order_by()
        .annotate(day=TruncDate("at"))
        .values_list("trajectory__employer_id", "day")
        .distinct()
    )
    placed: dict[int, set[datetime.date]] = defaultdict(set)
    for employer_id, day in placements:
        placed[employer_id].add(day)
    recognitions: dict[int, list[tuple[datetime.date, datetime.date | None]]] = defaultdict(list)
    if placed:
        rows = (
            Recognition.objects.filter(employer_id__in=sorted(placed))
            .order_by()
            .values_list("employer_id", "start_date", "end_date")
        )
        for employer_id, valid_from, valid_until in rows:
            recognitions[employer_id].append((valid_from, valid_until))
    return EmployerActivity(placed=dict(placed), recognitions=dict(recognitions))


def _employers_active(data: EmployerActivity, start: datetime.date, end: datetime.date) -> Decimal:
    def recognised(employer_id: int) -> bool:
        # The rule of ``recognitions.models.valid_on_condition``, on the last day of the period.
        return any(
            valid_from <= end and (valid_until is None or valid_until >= end)
            for valid_from, valid_until in data.recognitions.get(employer_id, [])
        )

    return Decimal(
        sum(
            1
            for employer_id, days in data.placed.items()
            if any(start <= day <= end for day in days) and recognised(employer_id)
        )
    )


# --- 6. Progress reports on time ----------------------------------------------------------------


def _fetch_reports(scope: Scope, start: datetime.date, end: datetime.date, today: datetime.date) -> Any:
    """Per due date: how many reports count (came in, or are overdue) and how many came in on
    time; "on time" is ``ProgressReport.on_time`` as a database expression."""
    rows = (
        ProgressReport.objects.filter(group__partnership_id=scope.partnership_id, due_on__range=(start, end))
        .order_by()
        .annotate(submitted_on=TruncDate("submitted_at"))
        .values("due_on")
        .annotate(
            counted=Count("pk", filter=Q(submitted_at__isnull=False) | Q(due_on__lt=today)),
            in_time=Count("pk", filter=Q(submitted_at__isnull=False, submitted_on__lte=F("due_on"))),
        )
    )
    return {row["due_on"]: (row["counted"], row["in_time"]) for row in rows}


def _reports_on_time(data: dict[datetime.date, tuple[int, int]], start: datetime.date, end: datetime.date) -> Any:
    rows = [counts for day, counts in data.items() if start <= day <= end]
    return _share(sum(on_time for _counted, on_time in rows), sum(counted for counted, _on_time in rows))


# --- The metrics ------------------------------------------------------------------------------

Fetch = Callable[[Scope, datetime.date, datetime.date, datetime.date], Any]
Measure = Callable[[Any, datetime.date, datetime.date], Decimal | None]


@dataclass(frozen=True)
class Metric:
    key: str
    label: Promise
    unit: Promise | str
    definition: Promise
    direction: str  # the usual direction, proposed when an indicator is made
    cumulative: bool  # a count that only grows during the period
    fetch: Fetch
    measure: Measure
    whole_number: bool = False


METRICS: dict[str, Metric] = {
    m.key: m
    for m in [
        Metric(
            IndicatorSource.CERTIFICATES_ISSUED,
            _("Praktijkverklaringen issued"),
            _("praktijkverklaringen"),
            _(
                "Praktijkverklaringen issued in the period in the partnership's regions or by its partner schools; "
                "revoked ones are not counted."
            ),
            Direction.HIGHER,
            True,
            _fetch_certificates,
            _count_days,
            whole_number=True,
        ),
        Metric(
            IndicatorSource.TRAJECTORIES_STARTED,
            _("Trajectories started"),
            _("trajectories"),
            _(
                "Trajectories referred in the period (the day they were registered), of learners in the "
                "partnership's regions or at its partner schools."
            ),
            Direction.HIGHER,
            True,
            _fetch_started,
            _count_days,
            whole_number=True,
        ),
        Metric(
            IndicatorSource.MEDIAN_LEAD_TIME,
            _("Median lead time"),
            _("days"),
            _(
                "Of the trajectories completed in the period, the median number of days from referral to "
                "completion (the praktijkverklaring), paused time not counted."
            ),
            Direction.LOWER,
            False,
            _fetch_completed,
            _median_lead_time,
        ),
        Metric(
            IndicatorSource.WITHIN_SIX_MONTHS,
            _("Completed within 6 months"),
            "%",
            _(
                "Of the trajectories completed in the period, the share that took at most six months from "
                "referral to completion, paused time not counted."
            ),
            Direction.HIGHER,
            False,
            _fetch_completed,
            _within_six_months,
        ),
        Metric(
            IndicatorSource.EMPLOYERS_ACTIVE,
            _("Recognised employers active"),
            _("employers"),
            _(
                "Employers in the partnership's regions that are a recognised learning company on the last day "
                "of the period and with whom at least one trajectory was placed in the period."
            ),
            Direction.HIGHER,
            True,
            _fetch_employers,
            _employers_active,
            whole_number=True,
        ),
        Metric(
            IndicatorSource.REPORTS_ON_TIME,
            _("Progress reports on time"),
            "%",
            _(
                "Of the progress reports of the partnership's groups due in the period, the share submitted on "
                "or before the due date; a report that has not come in counts once its due date has passed."
            ),
            Direction.HIGHER,
            False,
            _fetch_reports,
            _reports_on_time,
        ),
    ]
}

# The lead-time metrics read the same rows: fetched once for both.
_SHARED_FETCH: dict[str, str] = {IndicatorSource.WITHIN_SIX_MONTHS: IndicatorSource.MEDIAN_LEAD_TIME}


def month_ends(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    """The last day of every month from ``start`` through ``end``, the last one being ``end``."""
    days = []
    month = start.replace(day=1)
    while month <= end:
        following = (month + datetime.timedelta(days=32)).replace(day=1)
        days.append(min(following - ONE_DAY, end))
        month = following
    return days


class Evaluator:
    """Computes metrics for one scope, fetching each metric's data once for all the periods it
    is asked about (``prepare``); asking about a period outside what was fetched fetches again."""

    def __init__(self, scope: Scope, *, today: datetime.date | None = None) -> None:
        self.scope = scope
        self.today = today or timezone.localdate()
        self._data: dict[str, tuple[datetime.date, datetime.date, Any]] = {}

    def prepare(self, periods: Iterable[tuple[str, datetime.date, datetime.date]]) -> None:
        windows: dict[str, tuple[datetime.date, datetime.date]] = {}
        for key, start, end in periods:
            fetch_key = _SHARED_FETCH.get(key, key)
            if fetch_key in windows:
                low, high = windows[fetch_key]
                windows[fetch_key] = (min(low, start), max(high, end))
            else:
                windows[fetch_key] = (start, end)
        for fetch_key, (start, end) in windows.items():
            self._fetch(fetch_key, start, end)

    def _fetch(self, fetch_key: str, start: datetime.date, end: datetime.date) -> Any:
        data = METRICS[fetch_key].fetch(self.scope, start, end, self.today)
        self._data[fetch_key] = (start, end, data)
        return data

    def _data_for(self, key: str, start: datetime.date, end: datetime.date) -> Any:
        fetch_key = _SHARED_FETCH.get(key, key)
        found = self._data.get(fetch_key)
        if found is not None and found[0] <= start and end <= found[1]:
            return found[2]
        if found is not None:
            start, end = min(start, found[0]), max(end, found[1])
        return self._fetch(fetch_key, start, end)

    def value(self, key: str, start: datetime.date, end: datetime.date) -> Decimal | None:
        """The metric ``key`` for the period from ``start`` through ``end``."""
        if end < start:
            return None
        return METRICS[key].measure(self._data_for(key, start, end), start, end)

    def series(self, key: str, start: datetime.date, end: datetime.date) -> list[Point]:
        """The metric for the period from ``start`` through the end of each month up to ``end``:
        cumulative for counts, the value so far for medians and shares."""
        if end < start:
            return []
        data = self._data_for(key, start, end)
        measure = METRICS[key].measure
        return [Point(on=day, value=measure(data, start, day)) for day in month_ends(start, end)]


def compute(key: str, scope: Scope, start: datetime.date, end: datetime.date) -> Decimal | None:
    return Evaluator(scope).value(key, start, end)


def certificates_issued(scope: Scope, start: datetime.date, end: datetime.date) -> Decimal | None:
    return compute(IndicatorSource.CERTIFICATES_ISSUED, scope, start, end)


def trajectories_started(scope: Scope, start: datetime.date, end: datetime.date) -> Decimal | None:
    return compute(IndicatorSource.TRAJECTORIES_STARTED, scope, start, end)


def median_lead_time(scope: Scope, start: datetime.date, end: datetime.date) -> Decimal | None:
    return compute(IndicatorSource.MEDIAN_LEAD_TIME, scope, start, end)


def within_six_months(scope: Scope, start: datetime.date, end: datetime.date) -> Decimal | None:
    return compute(IndicatorSource.WITHIN_SIX_MONTHS, scope, start, end)


def employers_active(scope: Scope, start: datetime.date, end: datetime.date) -> Decimal | None:
    return compute(IndicatorSource.EMPLOYERS_ACTIVE, scope, start, end)


def reports_on_time(
    scope: Scope, start: datetime.date, end: datetime.date, *, today: datetime.date | None = None
) -> Decimal | None:
    return Evaluator(scope, today=today).value(IndicatorSource.REPORTS_ON_TIME, start, end)

"""The numbers of the regional dashboard: certificates, trajectories, the funnel, lead times, stop
reasons, outcomes, breakdowns and trends, for one scope (a region or an organisation) and period.

Every figure is counted by the database: aggregates with ``Count(filter=...)``, one query per
table, whatever the number of trajectories. Percentiles of the lead time read the one or two rows
around the rank they need; the time per state is a window over the events (``LEAD``) summed per
state. The queries per dashboard are the same at any data size (the tests hold them to it).

Periods are dates in the site's time zone (Europe/Amsterdam): a period from 1 March to 31 March
covers every moment from 1 March 00:00 to 1 April 00:00 Amsterdam time.

Which trajectories a scope holds:

- a region: the trajectories counted there, by the same rule as certificates: the region of the
  learner's organisation, or else of the employer, or else of the school;
- an organisation (a school, a municipality): the trajectories of learners it registered and the
  trajectories at that school.

A trajectory belongs to a period when it ran during it: registered before the period ended, and
not completed or stopped before it began.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import (
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    Max,
    Q,
    QuerySet,
    Value,
    Window,
)
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from werkplaats.certificates.models import Certificate
from werkplaats.core.expressions import Total
from werkplaats.organisations.models import Organisation, Region
from werkplaats.trajectories.models import (
    FINAL_STATES,
    FollowUp,
    FundingKind,
    Route,
    Status,
    StopReason,
    TargetGroup,
    Trajectory,
)

SMALL = 5  # fewer learners than this are shown as "< 5" outside the organisations involved
ROWS_SHOWN = 15  # rows of a breakdown on the page; the downloads hold them all
MONTHS_3 = datetime.timedelta(days=91)
MONTHS_6 = datetime.timedelta(days=183)

# The main path through the states, in order: the funnel.
FUNNEL = (
    Status.REFERRED,
    Status.INTAKE,
    Status.SEARCHING,
    Status.PLACED,
    Status.IN_PROGRESS,
    Status.ASSESSMENT,
    Status.COMPLETED,
)


# --- Scope and period ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """Whose trajectories and certificates: one region or one organisation. ``exact`` says whether
    the viewer may see every learner counted (their own region or organisation); otherwise small
    numbers are hidden."""

    region: Region | None = None
    organisation: Organisation | None = None
    exact: bool = False

    def __post_init__(self) -> None:
        if (self.region is None) == (self.organisation is None):
            raise ValueError("A scope is one region or one organisation.")

    @property
    def key(self) -> str:
        """How forms and links name the scope: ``r<id>`` or ``o<id>``."""
        return f"r{self.region.pk}" if self.region is not None else f"o{self.organisation.pk}"  # type: ignore[union-attr]

    @property
    def label(self) -> str:
        return str(self.region if self.region is not None else self.organisation)

    def trajectories(self) -> QuerySet[Trajectory]:
        queryset = Trajectory.objects.order_by()
        if self.organisation is not None:
            return queryset.filter(Q(learner__organisation=self.organisation) | Q(school=self.organisation))
        # The region that counts it is stored on the trajectory (see trajectories/regions.py).
        return queryset.filter(region=self.region)

    def certificates(self) -> QuerySet[Certificate]:
        queryset = Certificate.objects.order_by()
        if self.organisation is not None:
            return queryset.filter(Q(learner__organisation=self.organisation) | Q(school=self.organisation))
        return queryset.filter(region=self.region)


@dataclass(frozen=True)
class Period:
    start: datetime.date
    end: datetime.date  # inclusive

    @property
    def since(self) -> datetime.datetime:
        return _midnight(self.start)

    @property
    def until(self) -> datetime.datetime:
        """The first moment after the period."""
        return _midnight(self.end + datetime.timedelta(days=1))

    def __str__(self) -> str:
        return f"{date_format(self.start, 'j M Y')} \u2013 {date_format(self.end, 'j M Y')}"


def _midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


# --- Cells ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    """A number of learners (or certificates), hidden when it is small and the viewer may not see
    the learners behind it."""

    value: int
    hidden: bool = False

    def __str__(self) -> str:
        return _("< %(n)d") % {"n": SMALL} if self.hidden else str(self.value)

    @property
    def export(self) -> int | str:
        """What a download holds: the number, or the same "< 5" as the page."""
        return str(self) if self.hidden else self.value


def cell(value: int, scope: Scope) -> Cell:
    return Cell(value, hidden=not scope.exact and 0 < value < SMALL)


def share(part: int, whole: int, scope: Scope) -> float | None:
    """``part`` of ``whole`` as a fraction; None when the group is too small to show, or when the
    part is (the share and the whole would give the hidden part away)."""
    if not whole or (not scope.exact and (whole < SMALL or 0 < part < SMALL)):
        return None
    return part / whole


# --- The figures ----------------------------------------------------------------------------------


@dataclass
class Row:
    key: str
    label: str
    cells: list[Cell]
    shares: list[float | None] = field(default_factory=list)  # fractions, or days (see share_kind)
    share_kind: str = ""  # "days" when this row's fractions are days; empty: as its table says


@dataclass
class Table:
    key: str  # stable, used in downloads
    title: str
    headings: list[str]  # of the number columns
    rows: list[Row]
    label_heading: str = ""
    more: int = 0  # rows left off the page (in the downloads)
    note: str = ""
    share_kind: str = "share"  # what the rows' fractions are: "share" (shown as %) or "days"


@dataclass
class LeadTime:
    completed: Cell
    median: datetime.timedelta | None
    p80: datetime.timedelta | None
    within_3: float | None
    within_6: float | None


@dataclass
class Figures:
    scope: Scope
    period: Period
    certificates: Cell
    revoked: Cell
    started: Cell
    running: Cell
    completed: Cell
    stopped: Cell
    lead_time: LeadTime
    funnel: Table
    time_per_state: Table
    stop_reasons: Table
    outcomes: Table
    breakdowns: list[Table]
    trend: Table

    @property
    def tables(self) -> list[Table]:
        return [self.funnel, self.time_per_state, self.stop_reasons, self.outcomes, *self.breakdowns, self.trend]


def compute(scope: Scope, period: Period, *, all_rows: bool = False) -> Figures:
    """Every figure of the dashboard for ``scope`` and ``period``. With ``all_rows`` the
    breakdowns hold every row (the downloads), otherwise the ``ROWS_SHOWN`` largest."""
    trajectories = scope.trajectories()
    since, until = period.since, period.until
    started = Q(created_at__gte=since, created_at__lt=until)
    ended_in = Q(status_changed_at__gte=since, status_changed_at__lt=until)
    completed = Q(status=Status.COMPLETED) & ended_in
    stopped = Q(status=Status.STOPPED) & ended_in
    running_at_end = Q(created_at__lt=until) & (~Q(status__in=FINAL_STATES) | Q(status_changed_at__gte=until))
    during = Q(created_at__lt=until) & (~Q(status__in=FINAL_STATES) | Q(status_changed_at__gte=since))

    totals = trajectories.aggregate(
        started=Count("pk", filter=started),
        running=Count("pk", filter=running_at_end),
        completed=Count("pk", filter=completed),
        stopped=Count("pk", filter=stopped),
    )
    certificates = scope.certificates().filter(issued_on__range=(period.start, period.end))
    certificate_totals = certificates.aggregate(
        valid=Count("pk", filter=Q(revocation__isnull=True)),
        revoked=Count("pk", filter=Q(revocation__isnull=False)),
    )
    columns = _columns(started, running_at_end, completed, stopped)
    return Figures(
        scope=scope,
        period=period,
        certificates=cell(certificate_totals["valid"], scope),
        revoked=cell(certificate_totals["revoked"], scope),
        started=cell(totals["started"], scope),
        running=cell(totals["running"], scope),
        completed=cell(totals["completed"], scope),
        stopped=cell(totals["stopped"], scope),
        lead_time=_lead_time(trajectories.filter(completed), scope),
        funnel=_funnel(trajectories.filter(started), scope),
        time_per_state=_time_per_state(trajectories.filter(completed), scope),
        stop_reasons=_by_choice(
            trajectories.filter(stopped),
            "stop_reason",
            StopReason,
            scope,
            key="stop_reasons",
            title=_("Why trajectories stopped"),
            heading=_("Stopped"),
            label_heading=_("Reason"),
        ),
        outcomes=_outcomes(trajectories.filter(completed), scope),
        breakdowns=[
            _breakdown(trajectories.filter(during), dimension, columns, scope, all_rows=all_rows)
            for dimension in DIMENSIONS
        ],
        trend=_trend(trajectories, certificates, period, scope),
    )


# --- Lead time --------------------------------------------------------------------------------


def _lead(queryset: QuerySet[Trajectory]) -> QuerySet[Trajectory]:
    return queryset.annotate(
        lead=ExpressionWrapper(F("status_changed_at") - F("created_at"), output_field=DurationField())
    )


def _percentile(queryset: QuerySet[Trajectory], n: int, fraction: float) -> datetime.timedelta | None:
    """The ``fraction`` percentile of the lead times (linear between the two nearest ranks, as
    PostgreSQL's ``percentile_cont``), reading only those two rows."""
    if not n:
        return None
    position = fraction * (n - 1)
    low = int(position)
    ranked: Any = _lead(queryset).order_by("lead", "pk")  # "lead" is an annotation
    values = [_as_timedelta(value) for value in ranked.values_list("lead", flat=True)[low : low + 2]]
    if len(values) == 1 or position == low:
        return values[0]
    return values[0] + (values[1] - values[0]) * (position - low)


def _as_timedelta(value: Any) -> datetime.timedelta:
    if isinstance(value, datetime.timedelta):
        return value
    return datetime.timedelta(microseconds=int(value))  # SQLite: microseconds


def _lead_time(completed: QuerySet[Trajectory], scope: Scope) -> LeadTime:
    counts = _lead(completed).aggregate(
        n=Count("pk"),
        within_3=Count("pk", filter=Q(lead__lte=MONTHS_3)),
        within_6=Count("pk", filter=Q(lead__lte=MONTHS_6)),
    )
    n = counts["n"]
    shown = share(1, n, scope) is not None
    return LeadTime(
        completed=cell(n, scope),
        median=_percentile(completed, n, 0.5) if shown else None,
        p80=_percentile(completed, n, 0.8) if shown else None,
        within_3=share(counts["within_3"], n, scope),
        within_6=share(counts["within_6"], n, scope),
    )


# --- Funnel and time per state -------------------------------------------------------------------


def _funnel(cohort: QuerySet[Trajectory], scope: Scope) -> Table:
    """Of the trajectories registered in the period, how many reached each state of the main path
    (or a later one), and the share that went on from each state to the next."""
    # Per trajectory the furthest state, then the trajectories per furthest state: the events of
    # the cohort are grouped once (a subquery per trajectory would run a million times nationally).
    ids, params = cohort.values("pk").query.sql_with_params()
    position = " ".join(f"WHEN ev.to_status = %s THEN {n}" for n in range(len(FUNNEL)))
    sql = (
        "WITH f AS MATERIALIZED ("  # noqa: S608 - constants and Django's compiled query only
        f"SELECT ev.trajectory_id, MAX(CASE {position} ELSE -1 END) AS furthest "
        f"FROM trajectories_trajectoryevent ev WHERE ev.trajectory_id IN ({ids}) GROUP BY ev.trajectory_id) "
        "SELECT f.furthest, COUNT(*) FROM f GROUP BY f.furthest"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*(str(status) for status in FUNNEL), *params])
        reached_exactly = dict(cursor.fetchall())
    reached = []
    so_far = 0
    for n in reversed(range(len(FUNNEL))):  # seven states, not rows
        so_far += reached_exactly.get(n, 0)
        reached.append(so_far)
    reached.reverse()
    rows = []
    for n, status in enumerate(FUNNEL):
        following = reached[n + 1] if n + 1 < len(FUNNEL) else None
        rows.append(
            Row(
                key=status,
                label=str(Status(status).label),
                cells=[cell(reached[n], scope)],
                shares=[share(following, reached[n], scope) if following is not None else None],
            )
        )
    return Table(
        key="funnel",
        title=_("Funnel: how far the trajectories registered in the period got"),
        headings=[_("Reached"), _("Went on to the next state")],
        label_heading=_("State"),
        rows=rows,
        note=_("A trajectory counts in every state up to the furthest it reached."),
    )


def _seconds_between(earlier: str, later: str) -> str:
    if connection.vendor == "postgresql":
        return f"EXTRACT(EPOCH FROM ({later} - {earlier}))"
    return f"((julianday({later}) - julianday({earlier})) * 86400.0)"


def _time_per_state(completed: QuerySet[Trajectory], scope: Scope) -> Table:
    """For the trajectories completed in the period: the average number of days they spent in each
    state (every stay until the next event, added up per trajectory)."""
    ids, params = completed.values("pk").query.sql_with_params()
    spent = _seconds_between("e.at", "e.next_at")
    sql = (
        "WITH e AS MATERIALIZED ("  # noqa: S608 - constants and Django's compiled query only
        "SELECT ev.trajectory_id, ev.to_status, ev.at, "
        "LEAD(ev.at) OVER (PARTITION BY ev.trajectory_id ORDER BY ev.at, ev.id) AS next_at "
        f"FROM trajectories_trajectoryevent ev WHERE ev.trajectory_id IN ({ids})) "
        f"SELECT e.to_status, COUNT(DISTINCT e.trajectory_id), SUM({spent}) "
        "FROM e WHERE e.next_at IS NOT NULL GROUP BY e.to_status"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        stays = {status: (n, seconds) for status, n, seconds in cursor.fetchall()}
    rows = []
    for status in [*FUNNEL[:-1], Status.PAUSED]:
        n, seconds = stays.get(status, (0, 0))
        days = float(seconds) / 86400 / n if n and share(1, n, scope) is not None else None
        rows.append(Row(key=status, label=str(Status(status).label), cells=[cell(n, scope)], shares=[days]))
    return Table(
        key="time_per_state",
        share_kind="days",
        title=_("Time per state of the trajectories completed in the period"),
        headings=[_("Trajectories"), _("Average days")],
        label_heading=_("State"),
        rows=rows,
    )


# --- Reasons and outcomes -----------------------------------------------------------------------


def _by_choice(
    queryset: QuerySet[Trajectory],
    field_name: str,
    choices: Any,
    scope: Scope,
    *,
    key: str,
    title: str,
    heading: str,
    label_heading: str,
    empty: str = "",
) -> Table:
    counts = dict(queryset.values(field_name).annotate(n=Count("pk")).values_list(field_name, "n"))
    total = sum(counts.values())
    rows = [
        Row(
            key=value,
            label=str(label),
            cells=[cell(counts.get(value, 0), scope)],
            shares=[share(counts.get(value, 0), total, scope)],
        )
        for value, label in choices.choices
    ]
    if counts.get(""):
        rows.append(
            Row(
                key="",
                label=empty or _("not recorded"),
                cells=[cell(counts[""], scope)],
                shares=[share(counts[""], total, scope)],
            )
        )
    return Table(key=key, title=title, headings=[heading, _("Share")], label_heading=label_heading, rows=rows)


def _outcomes(completed: QuerySet[Trajectory], scope: Scope) -> Table:
    """What the learners completed in the period went on to: at completion and six months later."""
    at_end = dict(
        completed.values("outcome_at_completion").annotate(n=Count("pk")).values_list("outcome_at_completion", "n")
    )
    later = dict(
        completed.values("outcome_after_six_months")
        .annotate(n=Count("pk"))
        .values_list("outcome_after_six_months", "n")
    )
    rows = [
        Row(key=value, label=str(label), cells=[cell(at_end.get(value, 0), scope), cell(later.get(value, 0), scope)])
        for value, label in [*FollowUp.choices, ("", gettext_lazy("not recorded (yet)"))]
    ]
    return Table(
        key="outcomes",
        title=_("Outcomes of the trajectories completed in the period"),
        headings=[_("At completion"), _("Six months later")],
        label_heading=_("Outcome"),
        rows=rows,
    )


# --- Breakdowns ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Dimension:
    key: str
    title: Any
    heading: Any
    group_by: str
    label: str | None = None  # a field holding the row's name, else ``labels``
    labels: Callable[[Any], str] | None = None


def _choice_label(choices: Any) -> Callable[[Any], str]:
    names = dict(choices.choices)
    return lambda value: str(names.get(value, value)) if value else _("not recorded")


def _level_label(value: Any) -> str:
    return _("level %(level)s") % {"level": value} if value else _("no qualification")


DIMENSIONS = (
    Dimension("school", gettext_lazy("By school"), gettext_lazy("School"), "school_id", label="school__name"),
    Dimension("employer", gettext_lazy("By employer"), gettext_lazy("Employer"), "employer_id", label="employer__name"),
    Dimension(
        "qualification",
        gettext_lazy("By qualification"),
        gettext_lazy("Qualification"),
        "qualification__crebo",
        label="qualification__name",
    ),
    Dimension("level", gettext_lazy("By level"), gettext_lazy("Level"), "qualification__level", labels=_level_label),
    Dimension("route", gettext_lazy("By learning route"), gettext_lazy("Route"), "route", labels=_choice_label(Route)),
    Dimension(
        "target_group",
        gettext_lazy("By target group"),
        gettext_lazy("Target group"),
        "learner__target_group",
        labels=_choice_label(TargetGroup),
    ),
    Dimension(
        "funding",
        gettext_lazy("By funding source"),
        gettext_lazy("Funding source"),
        "funding_sources__kind",
        labels=_choice_label(FundingKind),
    ),
)


def _columns(*conditions: Q) -> dict[str, Q]:
    names = ("started", "running", "completed", "stopped")
    return dict(zip(names, conditions, strict=True))


COLUMN_HEADINGS = (
    gettext_lazy("Started"),
    gettext_lazy("Running at the end"),
    gettext_lazy("Completed"),
    gettext_lazy("Stopped"),
)


def _breakdown(
    during: QuerySet[Trajectory], dimension: Dimension, columns: dict[str, Q], scope: Scope, *, all_rows: bool
) -> Table:
    """The four counts per value of ``dimension``, largest first, and how many values there are,
    in one query. Only a dimension that can join a trajectory more than once (its funding sources)
    counts distinct trajectories: elsewhere each row is one trajectory, and a plain count is cheaper."""
    distinct = dimension.key == "funding"
    grouped = during.values(dimension.group_by).annotate(
        total=Count("pk", distinct=distinct),
        **{name: Count("pk", filter=condition, distinct=distinct) for name, condition in columns.items()},
        **({"name": Max(dimension.label)} if dimension.label else {}),
        groups=Window(Total(Value(1))),
    )
    ordered = grouped.order_by("-total", dimension.group_by)
    rows_read = list(ordered if all_rows else ordered[:ROWS_SHOWN])
    more = max(0, rows_read[0]["groups"] - ROWS_SHOWN) if rows_read and not all_rows else 0
    rows = []
    for group in rows_read:
        value = group[dimension.group_by]
        if dimension.label:
            label = group["name"] or _("none")
        else:
            assert dimension.labels is not None
            label = dimension.labels(value)
        rows.append(
            Row(
                key="" if value is None else str(value),
                label=label,
                cells=[cell(group[name], scope) for name in ("started", "running", "completed", "stopped")],
            )
        )
    note = ""
    if dimension.key == "funding":
        note = _("A trajectory with more than one kind of funding counts once for each.")
    return Table(
        key=dimension.key,
        title=str(dimension.title),
        headings=[str(h) for h in COLUMN_HEADINGS],
        label_heading=str(dimension.heading),
        rows=rows,
        more=more,
        note=note,
    )


# --- Trend per month -------------------------------------------------------------------------------


def months(period: Period) -> list[datetime.date]:
    first = period.start.replace(day=1)
    result = []
    while first <= period.end:
        result.append(first)
        first = (first + datetime.timedelta(days=32)).replace(day=1)
    return result


def _per_month(queryset: QuerySet[Any], field_name: str) -> dict[datetime.date, int]:
    tz = timezone.get_current_timezone()
    truncated = TruncMonth(field_name, tzinfo=tz) if field_name != "issued_on" else TruncMonth(field_name)
    result = {}
    for month, n in (
        queryset.annotate(month=truncated).values("month").annotate(n=Count("pk")).values_list("month", "n")
    ):
        day = month.date() if isinstance(month, datetime.datetime) else month
        result[day] = n
    return result


def _trend(
    trajectories: QuerySet[Trajectory], certificates: QuerySet[Certificate], period: Period, scope: Scope
) -> Table:
    since, until = period.since, period.until
    started = _per_month(trajectories.filter(created_at__gte=since, created_at__lt=until), "created_at")
    ended = trajectories.filter(status_changed_at__gte=since, status_changed_at__lt=until)
    completed = _per_month(ended.filter(status=Status.COMPLETED), "status_changed_at")
    stopped = _per_month(ended.filter(status=Status.STOPPED), "status_changed_at")
    issued = _per_month(certificates.filter(revocation__isnull=True), "issued_on")
    rows = [
        Row(
            key=month.strftime("%Y-%m"),
            label=date_format(month, "M Y"),
            cells=[
                cell(started.get(month, 0), scope),
                cell(completed.get(month, 0), scope),
                cell(stopped.get(month, 0), scope),
                cell(issued.get(month, 0), scope),
            ],
        )
        for month in months(period)
    ]
    return Table(
        key="trend",
        title=_("Per month"),
        headings=[_("Started"), _("Completed"), _("Stopped"), _("Praktijkverklaringen")],
        label_heading=_("Month"),
        rows=rows,
    )

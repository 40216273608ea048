"""The numbers of the regional dashboard: certificates, trajectories, the funnel, lead times, stop
reasons, outcomes, breakdowns and trends, for one scope (a region or an organisation) and period.

Every figure is counted by the database from the trajectories' facts (``models.TrajectoryFact``,
kept right by ``facts.py``): the counts of the period in total and per group of every breakdown,
the funnel, the reasons, the outcomes and the months in one query (``_grouped``), the lead time and
the time per state of the completed trajectories in another. Percentiles of the lead time read the
one or two rows around the rank they need. The queries per dashboard are the same at any data size
(the tests hold them to it).

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

from django.db import connection, transaction
from django.db.models import Aggregate, Count, DurationField, ExpressionWrapper, F, Max, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from werkplaats.certificates.models import Certificate
from werkplaats.organisations.models import Organisation, Region
from werkplaats.qualifications.models import Qualification
from werkplaats.trajectories.models import (
    FollowUp,
    FundingKind,
    Route,
    Status,
    StopReason,
    TargetGroup,
)

from .facts import FUNDING_BITS
from .models import FUNNEL, GROUPED_COLUMNS, STAY_COLUMNS, TrajectoryFact

SMALL = 5  # fewer learners than this are shown as "< 5" outside the organisations involved
ROWS_SHOWN = 15  # rows of a breakdown on the page; the downloads hold them all
MONTHS_3 = datetime.timedelta(days=91)
MONTHS_6 = datetime.timedelta(days=183)
WORK_MEM = "32MB"  # PostgreSQL's memory for the sorts and hashes of the counting query

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

    def facts(self) -> QuerySet[TrajectoryFact]:
        """The facts of the scope's trajectories (see models.TrajectoryFact). The region that counts a
        trajectory is stored with it (see trajectories/regions.py)."""
        queryset = TrajectoryFact.objects.order_by()
        if self.organisation is not None:
            return queryset.filter(Q(learner_organisation_id=self.organisation.pk) | Q(school_id=self.organisation.pk))
        return queryset.filter(region_id=self.region.pk)  # type: ignore[union-attr]

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


def compute_columns(columns: list[tuple[Scope, Period]], *, all_rows: bool = False) -> list[Figures]:
    """The figures of each (scope, period) column of the dashboard: the counts of every column in
    one statement (see ``_grouped``), the rest per column."""
    grouped = _grouped([(scope.facts(), period) for scope, period in columns], all_rows=all_rows)
    return [
        _figures(scope, period, groups, all_rows=all_rows)
        for (scope, period), groups in zip(columns, grouped, strict=True)
    ]


def compute(scope: Scope, period: Period, *, all_rows: bool = False) -> Figures:
    """Every figure of the dashboard for ``scope`` and ``period``. With ``all_rows`` the
    breakdowns hold every row (the downloads), otherwise the ``ROWS_SHOWN`` largest."""
    return compute_columns([(scope, period)], all_rows=all_rows)[0]


def _figures(scope: Scope, period: Period, groups: dict[str, list[dict[str, Any]]], *, all_rows: bool) -> Figures:
    since, until = period.since, period.until
    totals = groups["total"][0] if groups["total"] else dict.fromkeys(MEASURES, 0)
    certificates = scope.certificates().filter(issued_on__range=(period.start, period.end))
    certificate_totals = certificates.aggregate(
        valid=Count("pk", filter=Q(revocation__isnull=True)),
        revoked=Count("pk", filter=Q(revocation__isnull=False)),
    )
    completed = scope.facts().filter(status=Status.COMPLETED, ended_at__gte=since, ended_at__lt=until)
    lead_time, time_per_state = _completed(completed, scope)
    return Figures(
        scope=scope,
        period=period,
        certificates=cell(certificate_totals["valid"], scope),
        revoked=cell(certificate_totals["revoked"], scope),
        started=cell(totals["started"], scope),
        running=cell(totals["running"], scope),
        completed=cell(totals["completed"], scope),
        stopped=cell(totals["stopped"], scope),
        lead_time=lead_time,
        funnel=_funnel(groups["furthest"], scope),
        time_per_state=time_per_state,
        stop_reasons=_by_choice(
            _counts(groups["stop_reason"], "stopped"),
            StopReason,
            scope,
            key="stop_reasons",
            title=_("Why trajectories stopped"),
            heading=_("Stopped"),
            label_heading=_("Reason"),
        ),
        outcomes=_outcomes(groups, scope),
        breakdowns=[_breakdown(groups, dimension, scope, all_rows=all_rows) for dimension in DIMENSIONS],
        trend=_trend(groups, certificates, period, scope),
    )


# --- Counting: one query for the counts, by every grouping at once --------------------------------

# What is counted of each group: the trajectories that ran during the period, those registered in
# it, those running at its end, and those completed and stopped in it.
MEASURES = ("total", "started", "running", "completed", "stopped")

# The groupings (each a column of the facts, or a month), in a fixed order: PostgreSQL names a
# grouping by the bits of GROUPING(), one per column. "total" groups by nothing.
GROUPINGS = (*GROUPED_COLUMNS, "started_month", "ended_month")
# Groupings of which the page shows only the largest ROWS_SHOWN groups (funding: its groups are
# combinations of kinds, added up per kind afterwards, so all of them are read).
LONG_GROUPINGS = ("school_id", "employer_id", "crebo", "level", "route", "target_group")


def _grouped(
    columns: list[tuple[QuerySet[TrajectoryFact], Period]], *, all_rows: bool
) -> list[dict[str, list[dict[str, Any]]]]:
    """Per column (the facts of a scope and a period): the MEASURES of the trajectories that ran
    during the period, in total and per group of every grouping, all columns in one statement: on
    PostgreSQL each column one pass with GROUPING SETS, elsewhere a UNION of the groupings. Per
    grouping the groups with the largest total first; of LONG_GROUPINGS only ROWS_SHOWN of them
    unless ``all_rows``, each with ``groups``: how many there are.

    The columns are branches of a UNION ALL, which PostgreSQL can count side by side in parallel
    workers: comparing two periods then takes little longer than one."""
    every = len(GROUPINGS)
    names = {(1 << every) - 1: "total"}
    names.update({((1 << every) - 1) ^ (1 << (every - 1 - n)): name for n, name in enumerate(GROUPINGS)})
    branches, params = [], []
    for number, (facts, period) in enumerate(columns):
        sql, branch_params = _grouped_branch(facts, period)
        branches.append(f"SELECT {number} AS p, c.* FROM ({sql}) c")  # noqa: S608
        params += branch_params
    order = ", ".join(LONG_GROUPINGS)  # the others are all read
    ranked = (
        f"SELECT x.*, ROW_NUMBER() OVER (PARTITION BY x.p, x.g ORDER BY x.total DESC, {order}) AS rank, "  # noqa: S608
        f"COUNT(*) OVER (PARTITION BY x.p, x.g) AS groups FROM ({' UNION ALL '.join(branches)}) x"
    )
    long_masks = [((1 << every) - 1) ^ (1 << (every - 1 - GROUPINGS.index(name))) for name in LONG_GROUPINGS]
    sql = f"SELECT * FROM ({ranked}) y"  # noqa: S608
    if not all_rows:
        sql += f" WHERE y.rank <= %s OR y.g NOT IN ({', '.join(map(str, long_masks))})"
        params.append(ROWS_SHOWN)
    sql += " ORDER BY y.p, y.g, y.rank"
    result: list[dict[str, list[dict[str, Any]]]] = [{name: [] for name in names.values()} for _column in columns]
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Room to sort and hash a region's groups in memory (the default, 4 MB, spills to disk),
            # for this transaction only; and a plan for these periods and scopes, never one made
            # for any values (a prepared statement's generic plan).
            cursor.execute(f"SET LOCAL work_mem = '{WORK_MEM}'")
            cursor.execute("SET LOCAL plan_cache_mode = force_custom_plan")
        cursor.execute(sql, params)
        names_of_columns = [column[0] for column in cursor.description]
        for values in cursor.fetchall():  # groups, not trajectories: a few hundred at most on the page
            row = dict(zip(names_of_columns, values, strict=True))
            name = names[row["g"]]
            row["key"] = row[name] if name != "total" else None
            for measure in MEASURES:
                row[measure] = int(row[measure] or 0)
            result[row["p"]][name].append(row)
    return result


def _grouped_branch(facts: QuerySet[TrajectoryFact], period: Period) -> tuple[str, list[Any]]:
    """The counting of one column: its groups, each with ``g``, the bits of GROUPING() naming its
    grouping (one bit per column of GROUPINGS, set where the grouping leaves the column out)."""
    since, until = period.since, period.until
    tz = timezone.get_current_timezone()
    rows = (
        facts.filter(created_at__lt=until)
        .annotate(started_month=TruncMonth("created_at", tzinfo=tz), ended_month=TruncMonth("ended_at", tzinfo=tz))
        .values(*GROUPINGS, "created_at", "ended_at", "status")
    )
    # Those that ran during the period: registered before its end, and still running or ended
    # since its start; every count of the period is among them. Two ranges of the index
    # (region, ended_at) rather than one scan of all the region's trajectories with an OR.
    during = rows.filter(ended_at__isnull=True).union(rows.filter(ended_at__gte=since), all=True)
    inner, inner_params = during.query.sql_with_params()
    measures = (
        "COUNT(*) AS total, "
        "COUNT(*) FILTER (WHERE r.created_at >= %s) AS started, "
        "COUNT(*) FILTER (WHERE r.ended_at IS NULL OR r.ended_at >= %s) AS running, "
        "COUNT(*) FILTER (WHERE r.status = %s AND r.ended_at < %s) AS completed, "
        "COUNT(*) FILTER (WHERE r.status = %s AND r.ended_at < %s) AS stopped"
    )
    start, end = (connection.ops.adapt_datetimefield_value(moment) for moment in (since, until))
    measure_params = [start, end, Status.COMPLETED.value, end, Status.STOPPED.value, end]
    every = len(GROUPINGS)
    keys = ", ".join(f"r.{name}" for name in GROUPINGS)
    if connection.vendor == "postgresql":
        sets = ", ".join(["()", *(f"(r.{name})" for name in GROUPINGS)])
        sql = f"SELECT GROUPING({keys}) AS g, {keys}, {measures} FROM ({inner}) r GROUP BY GROUPING SETS ({sets})"  # noqa: S608
        return sql, [*measure_params, *inner_params]
    branches = []
    params: list[Any] = []
    for n, name in [(-1, ""), *enumerate(GROUPINGS)]:
        mask = (1 << every) - 1 if n < 0 else ((1 << every) - 1) ^ (1 << (every - 1 - n))
        selected = ", ".join(f"r.{other}" if other == name else f"NULL AS {other}" for other in GROUPINGS)
        group_by = f" GROUP BY r.{name}" if name else ""
        branches.append(f"SELECT {mask} AS g, {selected}, {measures} FROM ({inner}) r{group_by}")  # noqa: S608
        params += [*measure_params, *inner_params]
    return " UNION ALL ".join(branches), params


def _counts(groups: list[dict[str, Any]], measure: str) -> dict[Any, int]:
    """``measure`` per key of a grouping, leaving out the groups where it is 0."""
    return {group["key"]: group[measure] for group in groups if group[measure]}


# --- Lead time and time per state -------------------------------------------------------------------


def _lead(queryset: QuerySet[TrajectoryFact]) -> QuerySet[TrajectoryFact]:
    return queryset.annotate(lead=ExpressionWrapper(F("ended_at") - F("created_at"), output_field=DurationField()))


def _percentile(queryset: QuerySet[TrajectoryFact], n: int, fraction: float) -> datetime.timedelta | None:
    """The ``fraction`` percentile of the lead times (linear between the two nearest ranks, as
    PostgreSQL's ``percentile_cont``), reading only those two rows (where there is no
    ``percentile_cont``)."""
    if not n:
        return None
    position = fraction * (n - 1)
    low = int(position)
    ranked: Any = _lead(queryset).order_by("lead")  # "lead" is an annotation; equal leads are equal values
    values = [_as_timedelta(value) for value in ranked.values_list("lead", flat=True)[low : low + 2]]
    if len(values) == 1 or position == low:
        return values[0]
    return values[0] + (values[1] - values[0]) * (position - low)


class PercentileCont(Aggregate):
    """PostgreSQL's ``percentile_cont(fraction) WITHIN GROUP (ORDER BY expression)``."""

    function = "PERCENTILE_CONT"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"

    def __init__(self, expression: Any, fraction: float, **extra: Any) -> None:
        super().__init__(expression, fraction=float(fraction), **extra)


def _as_timedelta(value: Any) -> datetime.timedelta:
    if isinstance(value, datetime.timedelta):
        return value
    return datetime.timedelta(microseconds=int(value))  # SQLite: microseconds


def _completed(completed: QuerySet[TrajectoryFact], scope: Scope) -> tuple[LeadTime, Table]:
    """Of the trajectories completed in the period: the lead time, and the average days they
    spent in each state (every stay until the next event, added up per trajectory)."""
    stays: dict[str, Any] = {}
    for status, column in STAY_COLUMNS.items():
        stays[f"{status}_n"] = Count(column)
        stays[f"{status}_seconds"] = Sum(column)
    percentiles: dict[str, Any] = {}
    if connection.vendor == "postgresql":  # in the same pass over the index
        percentiles = {"median": PercentileCont("lead", 0.5), "p80": PercentileCont("lead", 0.8)}
    # Counts of columns in the index (not of the primary key): PostgreSQL reads the index alone.
    counts = _lead(completed).aggregate(
        n=Count("*"),
        within_3=Count("created_at", filter=Q(lead__lte=MONTHS_3)),
        within_6=Count("created_at", filter=Q(lead__lte=MONTHS_6)),
        **stays,
        **percentiles,
    )
    n = counts["n"]
    shown = share(1, n, scope) is not None
    if percentiles:
        median, p80 = counts["median"], counts["p80"]
    elif shown:
        median, p80 = _percentile(completed, n, 0.5), _percentile(completed, n, 0.8)
    else:
        median = p80 = None
    lead_time = LeadTime(
        completed=cell(n, scope),
        median=median if shown else None,
        p80=p80 if shown else None,
        within_3=share(counts["within_3"], n, scope),
        within_6=share(counts["within_6"], n, scope),
    )
    rows = []
    for status in STAY_COLUMNS:
        stayed, seconds = counts[f"{status}_n"], counts[f"{status}_seconds"] or 0
        days = float(seconds) / 86400 / stayed if stayed and share(1, stayed, scope) is not None else None
        rows.append(Row(key=status, label=str(Status(status).label), cells=[cell(stayed, scope)], shares=[days]))
    table = Table(
        key="time_per_state",
        share_kind="days",
        title=_("Time per state of the trajectories completed in the period"),
        headings=[_("Trajectories"), _("Average days")],
        label_heading=_("State"),
        rows=rows,
    )
    return lead_time, table


# --- Funnel ---------------------------------------------------------------------------------------


def _funnel(furthest: list[dict[str, Any]], scope: Scope) -> Table:
    """Of the trajectories registered in the period, how many reached each state of the main path
    (or a later one), and the share that went on from each state to the next."""
    reached_exactly = _counts(furthest, "started")
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


# --- Reasons and outcomes -----------------------------------------------------------------------


def _by_choice(
    counts: dict[Any, int],
    choices: Any,
    scope: Scope,
    *,
    key: str,
    title: str,
    heading: str,
    label_heading: str,
    empty: str = "",
) -> Table:
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


def _outcomes(groups: dict[str, list[dict[str, Any]]], scope: Scope) -> Table:
    """What the learners completed in the period went on to: at completion and six months later."""
    at_end = _counts(groups["outcome_at_completion"], "completed")
    later = _counts(groups["outcome_after_six_months"], "completed")
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
    grouping: str  # one of GROUPINGS
    labels: Callable[[list[Any]], dict[Any, str]]  # the keys shown -> their labels (one query at most)


def _choice_labels(choices: Any) -> Callable[[list[Any]], dict[Any, str]]:
    names = dict(choices.choices)
    return lambda keys: {key: str(names.get(key, key)) if key else _("not recorded") for key in keys}


def _level_labels(keys: list[Any]) -> dict[Any, str]:
    return {key: _("level %(level)s") % {"level": key} if key else _("no qualification") for key in keys}


def _organisation_labels(keys: list[Any]) -> dict[Any, str]:
    names = dict(Organisation.objects.filter(pk__in=[key for key in keys if key is not None]).values_list("pk", "name"))
    return {key: names.get(key) or _("none") for key in keys}


def _qualification_labels(keys: list[Any]) -> dict[Any, str]:
    names = dict(
        Qualification.objects.filter(crebo__in=[key for key in keys if key])
        .order_by()
        .values("crebo")
        .annotate(name=Max("name"))
        .values_list("crebo", "name")
    )
    return {key: names.get(key) or _("none") for key in keys}


DIMENSIONS = (
    Dimension("school", gettext_lazy("By school"), gettext_lazy("School"), "school_id", _organisation_labels),
    Dimension("employer", gettext_lazy("By employer"), gettext_lazy("Employer"), "employer_id", _organisation_labels),
    Dimension(
        "qualification",
        gettext_lazy("By qualification"),
        gettext_lazy("Qualification"),
        "crebo",
        _qualification_labels,
    ),
    Dimension("level", gettext_lazy("By level"), gettext_lazy("Level"), "level", _level_labels),
    Dimension("route", gettext_lazy("By learning route"), gettext_lazy("Route"), "route", _choice_labels(Route)),
    Dimension(
        "target_group",
        gettext_lazy("By target group"),
        gettext_lazy("Target group"),
        "target_group",
        _choice_labels(TargetGroup),
    ),
    Dimension(
        "funding",
        gettext_lazy("By funding source"),
        gettext_lazy("Funding source"),
        "funding",
        _choice_labels(FundingKind),
    ),
)

COLUMN_HEADINGS = (
    gettext_lazy("Started"),
    gettext_lazy("Running at the end"),
    gettext_lazy("Completed"),
    gettext_lazy("Stopped"),
)
COLUMNS = ("started", "running", "completed", "stopped")


def _per_kind(combinations: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The groups of funding combinations (bits of FUNDING_BITS) added up per kind of funding,
    largest first; a trajectory with more than one kind counts once for each. Key None: none."""
    per_kind: dict[str | None, dict[str, int]] = {}
    for group in combinations:  # at most one group per combination of kinds
        kinds: list[str | None] = (
            [kind for kind, bit in FUNDING_BITS.items() if group["key"] & bit] if group["key"] else [None]
        )
        for kind in kinds:
            sums = per_kind.setdefault(kind, dict.fromkeys(MEASURES, 0))
            for measure in MEASURES:
                sums[measure] += group[measure]
    ordered = sorted(per_kind.items(), key=lambda item: (-item[1]["total"], item[0] is None, item[0] or ""))
    return [{"key": kind, **sums, "groups": len(ordered)} for kind, sums in ordered]


def _breakdown(groups: dict[str, list[dict[str, Any]]], dimension: Dimension, scope: Scope, *, all_rows: bool) -> Table:
    """The four counts per value of ``dimension``, largest first."""
    found = groups[dimension.grouping]
    if dimension.grouping == "funding":
        found = _per_kind(found)
        if not all_rows:
            found = found[:ROWS_SHOWN]
    more = max(0, found[0]["groups"] - ROWS_SHOWN) if found and not all_rows else 0
    labels = dimension.labels([group["key"] for group in found])
    rows = [
        Row(
            key="" if group["key"] is None else str(group["key"]),
            label=labels[group["key"]],
            cells=[cell(group[name], scope) for name in COLUMNS],
        )
        for group in found
    ]
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
    result = {}
    for month, n in (
        queryset.annotate(month=TruncMonth(field_name))
        .values("month")
        .annotate(n=Count("pk"))
        .values_list("month", "n")
    ):
        result[month] = n
    return result


def _month(value: Any) -> datetime.date | None:
    """The first day of a month as the grouping query gives it (a datetime, or text on SQLite)."""
    if value is None:
        return None
    return datetime.date(int(str(value)[:4]), int(str(value)[5:7]), 1)


def _trend(
    groups: dict[str, list[dict[str, Any]]], certificates: QuerySet[Certificate], period: Period, scope: Scope
) -> Table:
    started = {_month(key): n for key, n in _counts(groups["started_month"], "started").items()}
    completed = {_month(key): n for key, n in _counts(groups["ended_month"], "completed").items()}
    stopped = {_month(key): n for key, n in _counts(groups["ended_month"], "stopped").items()}
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

"""How many praktijkverklaringen were issued in a coordinator's regions, in total and broken down
by region, school, employer, qualification, level and month, and the milestones reached there.

All six breakdowns come from one query: the certificates of the period are selected once (a
common table expression) and grouped six ways (``UNION ALL``), so that the database reads them
once rather than once per breakdown, and the number of queries does not depend on the number of
certificates. The selection is compiled by the ORM (filters, access, revocations, the month); only
the grouping around it is written out, in SQL that PostgreSQL and SQLite both run.

Labels. Rows are grouped by what identifies them (the region, school and employer ids, the
crebo, the level), never by a name, so a school that was renamed stays one row. A row is
labelled with the name on its most recent certificate in the period: what the certificates
themselves state, and the newest of it when it changed (of the names a row had, the one whose
certificates have the latest date of issue, then the highest id). Regions have no copied name on
the certificate; they are labelled with the region's current name."""

from __future__ import annotations

import datetime
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Exists, F, IntegerField, OuterRef, Q, QuerySet
from django.db.models.functions import Cast, ExtractMonth, ExtractYear
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from werkplaats.core.exports import spreadsheet_safe
from werkplaats.organisations.access import get_access
from werkplaats.organisations.models import Region, Role

from .models import Certificate, Milestone, MilestoneScope, Revocation

MILESTONES_SHOWN = 20
ROWS_SHOWN = 50  # rows of a breakdown on the page, largest first; the downloads hold them all
MAX_PERIOD_MONTHS = 120  # ten years: keeps the table per month readable


def default_period(today: datetime.date | None = None) -> tuple[datetime.date, datetime.date]:
    """From 1 January of the current year to today."""
    today = today or timezone.localdate()
    return today.replace(month=1, day=1), today


@dataclass(frozen=True)
class Filters:
    date_from: datetime.date
    date_to: datetime.date
    region: Region | None = None  # None: all the user's regions
    include_revoked: bool = False

    def as_audit(self) -> dict[str, Any]:
        """The filters as the audit log keeps them: plain JSON values."""
        return {
            "date_from": self.date_from.isoformat(),
            "date_to": self.date_to.isoformat(),
            "region": self.region.pk if self.region is not None else None,
            "include_revoked": self.include_revoked,
        }


@dataclass(frozen=True)
class Row:
    key: str  # what the row is grouped by: an id, a crebo, a level or YYYY-MM
    label: str
    count: int


@dataclass(frozen=True)
class Breakdown:
    key: str  # stable name, used in the CSV export
    caption: str  # "Per school"
    heading: str  # column header of the labels: "School"
    rows: list[Row]
    key_heading: str = ""  # a column for the key as well (the crebo of a qualification)
    ranked: bool = True  # largest first: the page shows the first ROWS_SHOWN (months: all of them)

    @property
    def shown(self) -> list[Row]:
        """The rows on the page: a large region has thousands of learning companies, which
        nobody reads on a page; the downloads hold them all."""
        return self.rows[:ROWS_SHOWN] if self.ranked else self.rows

    @property
    def more(self) -> int:
        return len(self.rows) - len(self.shown)


@dataclass(frozen=True)
class Counts:
    filters: Filters
    total: int
    breakdowns: list[Breakdown]


# --- Whose certificates -----------------------------------------------------------------------


def regions_for(user: Any) -> list[Region]:
    """The regions ``user`` may choose from: those they coordinate, every region for platform
    administrators. Memberships and their regions are already loaded by ``get_access``."""
    access = get_access(user)
    if access.is_platform_admin:
        return list(Region.objects.order_by("name"))
    regions = {
        m.organisation.region_id: m.organisation.region
        for m in access.memberships
        if m.organisation.region is not None and m.has_role(Role.COORDINATOR)
    }
    return sorted((r for r in regions.values() if r is not None), key=lambda r: r.name)


def certificates(user: Any, filters: Filters) -> QuerySet[Certificate]:
    queryset = Certificate.objects.counted_for(user).filter(issued_on__range=(filters.date_from, filters.date_to))
    if not filters.include_revoked:
        # The same as ``valid()``, written as NOT EXISTS: PostgreSQL plans that as an anti-join
        # and estimates its rows well, where it estimates the LEFT JOIN ... IS NULL of ``valid()``
        # at one row (and then joins and groups as if it were one).
        queryset = queryset.filter(~Exists(Revocation.objects.filter(certificate=OuterRef("pk"))))
    if filters.region is not None:
        queryset = queryset.filter(region=filters.region)
    # Meta.ordering would only get in the way of the grouping.
    return queryset.order_by()


# --- Counting ---------------------------------------------------------------------------------


def _sorted(rows: Sequence[Row]) -> list[Row]:
    return sorted(rows, key=lambda row: (-row.count, row.label.casefold(), row.key))


def month_count(date_from: datetime.date, date_to: datetime.date) -> int:
    """How many months ``months`` gives, without making them."""
    return (date_to.year - date_from.year) * 12 + date_to.month - date_from.month + 1


def months(date_from: datetime.date, date_to: datetime.date) -> list[datetime.date]:
    """The first day of every month from ``date_from``'s to ``date_to``'s, in order."""
    result = []
    month = date_from.replace(day=1)
    while month <= date_to:
        result.append(month)
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    return result


Group = tuple[str | None, str | None, int]  # key (as text), label, number of certificates

# The breakdowns labelled with a name copied onto the certificate: what they group by, and the name.
_LABELLED = {
    "school": ("k_school", "k_school_name"),
    "employer": ("k_employer", "k_employer_name"),
    "qualification": ("k_crebo", "k_qualification"),
}


def _labelled_sql(breakdown: str, key: str, label: str) -> str:
    """One row per ``key``: its number of certificates and the ``label`` of its most recent ones.
    Grouped by key and label first (a few groups per key at most: one per name it had), then per
    key the sum of its groups, labelled by the group with the latest date of issue, then the
    highest id."""
    # Only constants go into the text: the names of the breakdown and of its columns.
    return f"""
SELECT '{breakdown}', CAST(g.grp_key AS TEXT), g.grp_label, g.n
FROM (
    SELECT grp_key, grp_label, SUM(cnt) OVER (PARTITION BY grp_key) AS n,
        ROW_NUMBER() OVER (PARTITION BY grp_key ORDER BY latest DESC, latest_pk DESC) AS position
    FROM (
        SELECT c.{key} AS grp_key, c.{label} AS grp_label, COUNT(*) AS cnt, MAX(c.k_date) AS latest,
            MAX(c.k_id) AS latest_pk
        FROM c
        GROUP BY c.{key}, c.{label}
    ) named
) g
WHERE g.position = 1"""  # noqa: S608


def _groups(queryset: QuerySet[Certificate]) -> dict[str, list[Group]]:
    """Per breakdown its groups, from one query."""
    selected = queryset.values(
        k_id=F("pk"),
        k_date=F("issued_on"),
        k_month=Cast(ExtractYear("issued_on") * 100 + ExtractMonth("issued_on"), IntegerField()),
        k_region=F("region_id"),
        k_level=F("level"),
        k_school=F("school_id"),
        k_school_name=F("school_name"),
        k_employer=F("employer_id"),
        k_employer_name=F("employer_name"),
        k_crebo=F("crebo"),
        k_qualification=F("qualification_name"),
    )
    groups: dict[str, list[Group]] = {name: [] for name in ("region", "level", "month", *_LABELLED)}
    connection = connections[selected.db]
    try:
        inner, params = selected.query.get_compiler(using=selected.db).as_sql()
    except EmptyResultSet:  # nothing can match (no regions to count): nothing to ask
        return groups
    region = connection.ops.quote_name(Region._meta.db_table)
    # Only constants and the query Django compiled (its values stay parameters) go into the text.
    branches = [
        f"""
SELECT 'region' AS breakdown, CAST(c.k_region AS TEXT) AS grp_key, r.name AS grp_label, COUNT(*) AS n
FROM c LEFT JOIN {region} r ON r.id = c.k_region
GROUP BY c.k_region, r.name""",  # noqa: S608
        "\nSELECT 'level', CAST(c.k_level AS TEXT), NULL, COUNT(*) FROM c GROUP BY c.k_level",
        "\nSELECT 'month', CAST(c.k_month AS TEXT), NULL, COUNT(*) FROM c GROUP BY c.k_month",
        *(_labelled_sql(breakdown, key, label) for breakdown, (key, label) in _LABELLED.items()),
    ]
    with connection.cursor() as cursor:
        cursor.execute(f"WITH c AS ({inner})" + "\nUNION ALL".join(branches), params)
        for breakdown, key, label, n in cursor.fetchall():
            groups[breakdown].append((key, label, int(n)))
    return groups


def _by_month(groups: list[Group], filters: Filters) -> list[Row]:
    """Every month of the period, in order; a month without certificates counts 0."""
    found = {divmod(int(key), 100): n for key, _label, n in groups if key is not None}
    return [
        Row(key=f"{m:%Y-%m}", label=f"{m:%Y-%m}", count=found.get((m.year, m.month), 0))
        for m in months(filters.date_from, filters.date_to)
    ]


def count(user: Any, filters: Filters) -> Counts:
    """The counts the page shows and the exports hold: one query, whatever the numbers."""
    groups = _groups(certificates(user, filters))
    by_region = [
        Row(key=key or "", label=(label or "") if key is not None else _("No region"), count=n)
        for key, label, n in groups["region"]
    ]
    by_level = [
        Row(key=str(key), label=_("Level %(level)s") % {"level": key}, count=n) for key, _label, n in groups["level"]
    ]

    def by_name(breakdown: str) -> list[Row]:
        return _sorted([Row(key=str(key), label=label or "", count=n) for key, label, n in groups[breakdown]])

    breakdowns = [
        Breakdown("region", _("Per region"), _("Region"), _sorted(by_region)),
        Breakdown("school", _("Per school"), _("School"), by_name("school")),
        Breakdown("employer", _("Per learning company"), _("Learning company"), by_name("employer")),
        Breakdown(
            "qualification",
            _("Per qualification"),
            _("Qualification"),
            by_name("qualification"),
            key_heading=_("Crebo"),
        ),
        Breakdown("level", _("Per level"), _("Level"), _sorted(by_level)),
        Breakdown("month", _("Per month"), _("Month"), _by_month(groups["month"], filters), ranked=False),
    ]
    # Every certificate has a level: the levels add up to the total, without another query.
    total = sum(row.count for row in by_level)
    return Counts(filters=filters, total=total, breakdowns=breakdowns)


# --- Successes --------------------------------------------------------------------------------


def milestones(user: Any, limit: int = MILESTONES_SHOWN) -> list[Milestone]:
    """The latest milestones of the user's regions: those of a region they coordinate and those
    of a school in such a region (everything for platform administrators)."""
    access = get_access(user)
    queryset = Milestone.objects.select_related("region", "school", "certificate")
    if not access.is_platform_admin:
        region_ids = access.region_ids(Role.COORDINATOR)
        queryset = queryset.filter(
            Q(scope=MilestoneScope.REGION, region_id__in=region_ids)
            | Q(scope=MilestoneScope.SCHOOL, school__region_id__in=region_ids)
        )
    return list(queryset.order_by("-reached_at", "-id")[:limit])


# --- Exports ----------------------------------------------------------------------------------

CSV_HEADER = ["breakdown", "key", "label", "count"]


def csv_rows(counts: Counts) -> Iterator[list[object]]:
    """Long form: the total first, then one line per row of every breakdown."""
    yield ["total", "", _("Total"), counts.total]
    for breakdown in counts.breakdowns:
        for row in breakdown.rows:
            yield [breakdown.key, row.key, row.label, row.count]


def _period_text(filters: Filters) -> str:
    return _("%(start)s to %(end)s") % {
        "start": date_format(filters.date_from, "j F Y"),
        "end": date_format(filters.date_to, "j F Y"),
    }


def xlsx_bytes(counts: Counts) -> bytes:
    """A summary sheet (the filters and the total), then one sheet per breakdown."""
    from openpyxl import Workbook

    filters = counts.filters
    workbook = Workbook(write_only=True)
    summary = workbook.create_sheet(title=_("Total")[:31])
    summary.append([_("Period"), spreadsheet_safe(_period_text(filters))])
    summary.append(
        [_("Region"), spreadsheet_safe(filters.region.name if filters.region is not None else _("All your regions"))]
    )
    summary.append([_("Revoked praktijkverklaringen"), _("included") if filters.include_revoked else _("not included")])
    summary.append([_("Total"), counts.total])
    for breakdown in counts.breakdowns:
        sheet = workbook.create_sheet(title=breakdown.caption[:31])
        if breakdown.key_heading:
            sheet.append([breakdown.heading, breakdown.key_heading, pgettext("how many", "Number")])
            for row in breakdown.rows:
                sheet.append([spreadsheet_safe(row.label), spreadsheet_safe(row.key), row.count])
        else:
            sheet.append([breakdown.heading, pgettext("how many", "Number")])
            for row in breakdown.rows:
                sheet.append([spreadsheet_safe(row.label), row.count])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()

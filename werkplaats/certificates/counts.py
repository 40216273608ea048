"""How many praktijkverklaringen were issued in a coordinator's regions, in total and broken down
by region, school, employer, qualification, level and month, and the milestones reached there.

Each breakdown is one aggregate query (``values()`` + ``Count``), so the number of queries does
not depend on the number of certificates.

Labels. Rows are grouped by what identifies them (the region, school and employer ids, the
crebo, the level), never by a name, so a school that was renamed stays one row. A row is
labelled with the name on its most recent certificate in the period: what the certificates
themselves state, and the newest of it when it changed. Regions have no copied name on the
certificate; they are labelled with the region's current name."""

from __future__ import annotations

import datetime
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Max, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from werkplaats.core.exports import spreadsheet_safe
from werkplaats.organisations.access import get_access
from werkplaats.organisations.models import Region, Role

from .models import Certificate, Milestone, MilestoneScope

MILESTONES_SHOWN = 20
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
        queryset = queryset.valid()
    if filters.region is not None:
        queryset = queryset.filter(region=filters.region)
    # Meta.ordering would only get in the way of the GROUP BY below.
    return queryset.order_by()


# --- Counting ---------------------------------------------------------------------------------


def _sorted(rows: Sequence[Row]) -> list[Row]:
    return sorted(rows, key=lambda row: (-row.count, row.label.casefold(), row.key))


def _by_id(queryset: QuerySet[Certificate], key: str, label: str) -> list[Row]:
    """One row per ``key``, labelled with ``label`` of its most recent certificate. Grouped by
    both in the database (a few rows per key at most: one per name it had), merged here."""
    groups = queryset.values(key, label).annotate(n=Count("pk"), latest=Max("issued_on"), latest_pk=Max("pk"))
    merged: dict[Any, tuple[int, tuple[datetime.date, int], str]] = {}
    for group in groups:
        so_far, newest, name = merged.get(group[key], (0, (datetime.date.min, 0), ""))
        recency = (group["latest"], group["latest_pk"])
        if recency > newest:
            newest, name = recency, group[label]
        merged[group[key]] = (so_far + group["n"], newest, name)
    return [Row(key=str(k), label=name, count=n) for k, (n, _newest, name) in merged.items()]


def _by_region(queryset: QuerySet[Certificate]) -> list[Row]:
    groups = queryset.values("region_id", "region__name").annotate(n=Count("pk"))
    return [
        Row(
            key="" if group["region_id"] is None else str(group["region_id"]),
            label=group["region__name"] if group["region_id"] is not None else _("No region"),
            count=group["n"],
        )
        for group in groups
    ]


def _by_level(queryset: QuerySet[Certificate]) -> list[Row]:
    groups = queryset.values("level").annotate(n=Count("pk"))
    return [
        Row(key=str(group["level"]), label=_("Level %(level)s") % {"level": group["level"]}, count=group["n"])
        for group in groups
    ]


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


def _by_month(queryset: QuerySet[Certificate], filters: Filters) -> list[Row]:
    """Every month of the period, in order; a month without certificates counts 0."""
    groups = queryset.annotate(month=TruncMonth("issued_on")).values("month").annotate(n=Count("pk"))
    found = {(group["month"].year, group["month"].month): group["n"] for group in groups}
    return [
        Row(key=f"{m:%Y-%m}", label=f"{m:%Y-%m}", count=found.get((m.year, m.month), 0))
        for m in months(filters.date_from, filters.date_to)
    ]


def count(user: Any, filters: Filters) -> Counts:
    """The counts the page shows and the exports hold: six queries, whatever the numbers."""
    queryset = certificates(user, filters)
    by_level = _by_level(queryset)
    breakdowns = [
        Breakdown("region", _("Per region"), _("Region"), _sorted(_by_region(queryset))),
        Breakdown("school", _("Per school"), _("School"), _sorted(_by_id(queryset, "school_id", "school_name"))),
        Breakdown(
            "employer",
            _("Per learning company"),
            _("Learning company"),
            _sorted(_by_id(queryset, "employer_id", "employer_name")),
        ),
        Breakdown(
            "qualification",
            _("Per qualification"),
            _("Qualification"),
            _sorted(_by_id(queryset, "crebo", "qualification_name")),
            key_heading=_("Crebo"),
        ),
        Breakdown("level", _("Per level"), _("Level"), _sorted(by_level)),
        Breakdown("month", _("Per month"), _("Month"), _by_month(queryset, filters)),
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

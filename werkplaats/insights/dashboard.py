"""Who sees which dashboard, one or two columns of figures side by side, their charts and downloads.

Coordinators see their regions, platform administrators every region, and the staff of a school
or municipality (school staff, consultants, administrators) their own organisation: for those the
numbers are exact. Anyone of them may put another region beside it (or look at one): there a
number of fewer than five learners is shown as "< 5" (see ``figures.cell``)."""

from __future__ import annotations

import datetime
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from werkplaats.core.exports import spreadsheet_safe
from werkplaats.organisations.access import get_access
from werkplaats.organisations.models import SCHOOL_KINDS, Organisation, OrganisationKind, Region, Role

from .figures import Figures, Row, Scope, Table

# The roles in a school or municipality that see their organisation's dashboard.
ORGANISATION_ROLES = (Role.SCHOOL_STAFF, Role.CONSULTANT, Role.ADMIN)
ORGANISATION_KINDS = frozenset({*SCHOOL_KINDS, OrganisationKind.MUNICIPALITY})
MAX_PERIOD_DAYS = 10 * 366  # ten years: the table per month stays readable


def own_scopes(user: Any) -> list[Scope]:
    """The scopes whose learners ``user`` may see, exact: their regions and organisations."""
    access = get_access(user)
    if access.is_platform_admin:
        return [Scope(region=region, exact=True) for region in Region.objects.order_by("name")]
    scopes = [
        Scope(region=region, exact=True)
        for region in Region.objects.filter(pk__in=access.region_ids(Role.COORDINATOR)).order_by("name")
    ]
    organisations = Organisation.objects.filter(
        pk__in=access.organisation_ids(*ORGANISATION_ROLES), kind__in=ORGANISATION_KINDS
    ).order_by("name")
    scopes += [Scope(organisation=organisation, exact=True) for organisation in organisations]
    return scopes


def can_see_dashboard(user: Any) -> bool:
    """Whether ``user`` has a region or organisation of their own, from the memberships that
    ``get_access`` already loaded (no query): the main menu asks on every page."""
    access = get_access(user)
    if access.is_platform_admin or access.region_ids(Role.COORDINATOR):
        return True
    return any(
        membership.organisation.kind in ORGANISATION_KINDS and membership.has_role(*ORGANISATION_ROLES)
        for membership in access.memberships
    )


def all_scopes(user: Any) -> list[Scope]:
    """What ``user`` may choose: their own scopes, then every other region (small numbers hidden)."""
    own = own_scopes(user)
    mine = {scope.region.pk for scope in own if scope.region is not None}
    others = [Scope(region=region) for region in Region.objects.exclude(pk__in=mine).order_by("name")]
    return [*own, *others]


# --- Formatting ----------------------------------------------------------------------------------


def percent(value: float | None) -> str:
    return "" if value is None else f"{number_format(round(value * 100))}%"


def days(value: float | datetime.timedelta | None) -> str:
    if value is None:
        return ""
    amount = value.total_seconds() / 86400 if isinstance(value, datetime.timedelta) else value
    return number_format(round(amount))


# --- Tables of one or two columns ------------------------------------------------------------------


@dataclass
class Line:
    key: str
    label: str
    values: list[str]  # per column of figures, per heading
    exported: list[Any]


@dataclass
class Merged:
    """A table of the dashboard with the same headings for each column of figures."""

    key: str
    title: str
    label_heading: str
    headings: list[str]  # one per value of a line
    groups: list[str]  # the column labels (one per column of figures) when comparing
    per_group: int
    lines: list[Line]
    more: list[int]
    note: str


def _values(table: Table, row: Row | None) -> tuple[list[str], list[Any]]:
    """The texts and exported values of a row of ``table``: its counts, then its fractions (shares,
    or days where the row or table says so), padded to the table's headings (a row may be missing
    in one of the columns compared)."""
    shown: list[str] = []
    exported: list[Any] = []
    if row is not None:
        shown += [str(value) for value in row.cells]
        exported += [value.export for value in row.cells]
        in_days = (row.share_kind or table.share_kind) == "days"
        for fraction in row.shares:
            shown.append(days(fraction) if in_days else percent(fraction))
            exported.append("" if fraction is None else round(fraction, 1 if in_days else 4))
    missing = len(table.headings) - len(shown)
    return shown + [""] * missing, exported + [""] * missing


def merge(tables: Sequence[Table], groups: Sequence[str]) -> Merged:
    first = tables[0]
    keys: list[str] = []
    labels: dict[str, str] = {}
    for table in tables:
        for row in table.rows:
            if row.key not in labels:
                keys.append(row.key)
                labels[row.key] = row.label
    by_key = [{row.key: row for row in table.rows} for table in tables]
    lines = []
    for key in keys:
        shown: list[str] = []
        exported: list[Any] = []
        for table, rows in zip(tables, by_key, strict=True):
            texts, values = _values(table, rows.get(key))
            shown += texts
            exported += values
        lines.append(Line(key=key, label=labels[key], values=shown, exported=exported))
    return Merged(
        key=first.key,
        title=first.title,
        label_heading=first.label_heading,
        headings=list(first.headings) * len(tables),
        groups=list(groups) if len(tables) > 1 else [],
        per_group=len(first.headings),
        lines=lines,
        more=[table.more for table in tables],
        note=first.note,
    )


@dataclass
class Dashboard:
    columns: list[Figures]

    @property
    def groups(self) -> list[str]:
        return [f"{figures.scope.label}, {figures.period}" for figures in self.columns]

    @property
    def comparing(self) -> bool:
        return len(self.columns) > 1

    def tables(self) -> list[Merged]:
        count = len(self.columns[0].tables)
        return [merge([figures.tables[n] for figures in self.columns], self.groups) for n in range(count)]

    def table(self, key: str) -> Merged | None:
        return next((table for table in self.tables() if table.key == key), None)

    def summary(self) -> Merged:
        """The key figures as a table, for the page and the downloads."""
        tables = []
        for figures in self.columns:
            lead = figures.lead_time
            rows = [
                Row("certificates", _("Praktijkverklaringen issued"), [figures.certificates]),
                Row("revoked", _("Revoked since (not in the number above)"), [figures.revoked]),
                Row("started", _("Trajectories started"), [figures.started]),
                Row("running", _("Running at the end of the period"), [figures.running]),
                Row("completed", _("Completed"), [figures.completed]),
                Row("stopped", _("Stopped"), [figures.stopped]),
            ]
            rows += [
                Row("median", _("Lead time, median (days)"), [], [_days(lead.median)], share_kind="days"),
                Row("p80", _("Lead time, 80th percentile (days)"), [], [_days(lead.p80)], share_kind="days"),
                Row("within_3", _("Completed within 3 months"), [], [lead.within_3]),
                Row("within_6", _("Completed within 6 months"), [], [lead.within_6]),
            ]
            tables.append(
                Table(
                    key="summary",
                    title=_("Key figures"),
                    label_heading=_("Figure"),
                    headings=[_("Value")],
                    rows=rows,
                )
            )
        return merge(tables, self.groups)


def _days(value: datetime.timedelta | None) -> float | None:
    return None if value is None else value.total_seconds() / 86400


# --- Downloads -------------------------------------------------------------------------------------


def header(table: Merged) -> list[str]:
    if not table.groups:
        return [table.label_heading, *table.headings]
    return [
        table.label_heading,
        *(f"{group}: {heading}" for group in table.groups for heading in table.headings[: table.per_group]),
    ]


def csv_rows(table: Merged) -> Iterator[list[Any]]:
    for line in table.lines:
        yield [line.label, *line.exported]


def xlsx_bytes(tables: Sequence[Merged]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    workbook.remove(workbook.active)
    used: set[str] = set()
    for table in tables:
        title = _sheet_title(table.title, used)
        sheet = workbook.create_sheet(title)
        sheet.append([spreadsheet_safe(value) for value in header(table)])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in csv_rows(table):
            sheet.append([spreadsheet_safe(value) for value in row])
        sheet.column_dimensions["A"].width = 48
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _sheet_title(title: str, used: set[str]) -> str:
    # Excel: at most 31 characters, none of []:*?/\ and unique.
    cleaned = "".join(" " if ch in "[]:*?/\\" else ch for ch in title)[:31].strip() or "Tabel"
    candidate, n = cleaned, 2
    while candidate.casefold() in used:
        suffix = f" ({n})"
        candidate, n = cleaned[: 31 - len(suffix)] + suffix, n + 1
    used.add(candidate.casefold())
    return candidate

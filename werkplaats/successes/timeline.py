"""One timeline of a partnership's successes: those its members logged and the certificate
milestones of its regions and partner schools, newest first.

The milestones are read live from the Certificates app, never copied: a region that joins the
partnership brings its milestones along, one that leaves takes them. Both kinds are merged in
the database (a UNION of ``(kind, id, day)``), so a page of the timeline costs the same few
queries however long the timeline is: the page of keys, then the successes and the milestones
on it."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import TruncDate
from django.utils.translation import gettext as _

from werkplaats.certificates.models import Milestone, MilestoneScope
from werkplaats.organisations.models import SCHOOL_KINDS
from werkplaats.partnerships.models import Partner, Partnership

from .models import Success

MANUAL = "manual"
AUTOMATIC = "automatic"


def milestones_for(partnership: Partnership) -> models.QuerySet[Milestone]:
    """The milestones of the partnership's regions and of its current partner schools."""
    schools = Partner.objects.active().filter(partnership=partnership, organisation__kind__in=SCHOOL_KINDS)
    return Milestone.objects.filter(
        Q(scope=MilestoneScope.REGION, region_id__in=partnership.regions.values("pk"))
        | Q(scope=MilestoneScope.SCHOOL, school_id__in=schools.values("organisation_id"))
    )


def milestone_title(milestone: Milestone) -> str:
    if milestone.scope == MilestoneScope.REGION:
        return _("%(count)sth praktijkverklaring in region %(region)s") % {
            "count": milestone.count,
            "region": milestone.region,
        }
    return _("%(count)sth praktijkverklaring of %(school)s") % {"count": milestone.count, "school": milestone.school}


@dataclass(frozen=True)
class Entry:
    """One line of the timeline: a logged success or a milestone reached."""

    kind: str  # MANUAL or AUTOMATIC
    day: datetime.date
    title: str
    success: Success | None = None
    milestone: Milestone | None = None

    @property
    def is_automatic(self) -> bool:
        return self.kind == AUTOMATIC


def keys(partnership: Partnership) -> models.QuerySet[Any]:
    """``(kind, id, day)`` of every entry, newest first: a queryset to page through."""
    text: models.CharField[str, str] = models.CharField()
    logged = (
        Success.objects.filter(partnership=partnership)
        .order_by()
        .annotate(entry_kind=Value(MANUAL, output_field=text), entry_id=F("pk"), entry_day=F("happened_on"))
        .values_list("entry_kind", "entry_id", "entry_day")
    )
    reached = (
        milestones_for(partnership)
        .order_by()
        .annotate(
            entry_kind=Value(AUTOMATIC, output_field=text),
            entry_id=F("pk"),
            entry_day=TruncDate("reached_at"),
        )
        .values_list("entry_kind", "entry_id", "entry_day")
    )
    return logged.union(reached, all=True).order_by("-entry_day", "-entry_kind", "-entry_id")


def entries(rows: Sequence[tuple[str, int, Any]]) -> list[Entry]:
    """The entries for a page of ``keys``: two queries, whatever the page size."""
    success_ids = [pk for kind, pk, _day in rows if kind == MANUAL]
    milestone_ids = [pk for kind, pk, _day in rows if kind == AUTOMATIC]
    successes = Success.objects.select_related("created_by", "group").in_bulk(success_ids) if success_ids else {}
    milestones = Milestone.objects.select_related("region", "school").in_bulk(milestone_ids) if milestone_ids else {}
    found: list[Entry] = []
    for kind, pk, day in rows:
        if isinstance(day, str):  # SQLite hands back a truncated date as text
            day = datetime.date.fromisoformat(day)
        elif isinstance(day, datetime.datetime):
            day = day.date()
        if kind == MANUAL and pk in successes:
            success = successes[pk]
            found.append(Entry(kind=MANUAL, day=day, title=success.title, success=success))
        elif kind == AUTOMATIC and pk in milestones:
            milestone = milestones[pk]
            found.append(Entry(kind=AUTOMATIC, day=day, title=milestone_title(milestone), milestone=milestone))
    return found


def recent(partnership: Partnership, limit: int = 5) -> list[Entry]:
    return entries(list(keys(partnership)[:limit]))

"""Demo goals: Groningen steers on live figures from its trajectories and praktijkverklaringen,
the professionele werkplaats on numbers it enters itself."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from werkplaats.partnerships.models import GroupKind, MemberRole, Partnership

from . import services
from .models import Direction, Goal, IndicatorSource

S = IndicatorSource


def _manager(partnership: Partnership) -> Any:
    member = partnership.members.active().filter(role=MemberRole.MANAGER).select_related("user").first()
    return member.user if member is not None else None


def _values(indicator: Any, by: Any, rows: list[tuple[datetime.date, str, str]], today: datetime.date) -> None:
    for day, number, source in rows:
        if indicator.period_start <= day <= min(indicator.period_end, today):
            services.enter_value(indicator, by=by, value=Decimal(number), measured_on=day, source=source)


def _goal(partnership: Partnership, by: Any, title: str, description: str, groups: list[Any], order: int) -> Goal:
    return services.create_goal(
        partnership, by=by, title=title, description=description, groups=[g for g in groups if g], order=order
    )


@transaction.atomic
def load(groningen: Partnership, werkplaats: Partnership) -> None:
    """Add the demo goals, unless the partnership has goals already."""
    today = timezone.localdate()
    year = today.year
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    if not groningen.goals.exists():
        _groningen(groningen, start, end, today)
    if not werkplaats.goals.exists():
        _werkplaats(werkplaats, start, end, today)


def _groningen(partnership: Partnership, start: datetime.date, end: datetime.date, today: datetime.date) -> None:
    by = _manager(partnership)
    working = list(partnership.groups.filter(kind=GroupKind.WORKING).order_by("pk"))
    employers_group = working[0] if working else None
    process_group = working[1] if len(working) > 1 else employers_group

    def indicator(goal: Goal, name: str, source: str, target: str, direction: str = Direction.HIGHER, **kw: Any) -> Any:
        return services.save_indicator(
            goal,
            name=name,
            source=source,
            target=Decimal(target),
            direction=direction,
            period_start=start,
            period_end=end,
            **kw,
        )

    more = _goal(
        partnership,
        by,
        "Meer praktijkverklaringen in de regio",
        "Meer werkzoekenden en werkenden in de arbeidsmarktregio laten zien wat zij in de praktijk kunnen, "
        "met een praktijkverklaring van de school.",
        [employers_group, process_group],
        1,
    )
    indicator(more, "Praktijkverklaringen uitgereikt", S.CERTIFICATES_ISSUED, "40")
    indicator(more, "Trajecten gestart", S.TRAJECTORIES_STARTED, "60")

    faster = _goal(
        partnership,
        by,
        "Snellere trajecten",
        "Van aanmelding tot praktijkverklaring binnen drie tot zes maanden, zoals afgesproken in het "
        "regionale procesmodel.",
        [process_group],
        2,
    )
    indicator(faster, "Mediane doorlooptijd", S.MEDIAN_LEAD_TIME, "150", Direction.LOWER)
    indicator(faster, "Afgerond binnen zes maanden", S.WITHIN_SIX_MONTHS, "70")

    employers = _goal(
        partnership,
        by,
        "Werkgevers betrokken",
        "Genoeg erkende leerbedrijven in de regio die deelnemers een leerwerkplek bieden; vaste "
        "contactpersonen bij SBB en het werkgeversservicepunt.",
        [employers_group],
        3,
    )
    indicator(employers, "Erkende leerbedrijven actief", S.EMPLOYERS_ACTIVE, "15")
    visits = indicator(
        employers,
        "Werkgevers gesproken door het werkgeversservicepunt",
        S.ENTERED,
        "120",
        unit="werkgevers",
        cumulative=True,
    )
    _values(
        visits,
        by,
        [
            (datetime.date(start.year, 3, 31), "26", "WSP-rapportage Q1"),
            (datetime.date(start.year, 6, 30), "58", "WSP-rapportage Q2"),
            (datetime.date(start.year, 9, 30), "92", "WSP-rapportage Q3"),
        ],
        today,
    )

    reports = _goal(
        partnership,
        by,
        "Werkgroepen rapporteren op tijd",
        "De werkgroepen leggen op tijd verantwoording af aan de stuurgroep, zodat die kan sturen op resultaat.",
        working,
        4,
    )
    indicator(reports, "Voortgangsrapportages op tijd", S.REPORTS_ON_TIME, "90")


def _werkplaats(partnership: Partnership, start: datetime.date, end: datetime.date, today: datetime.date) -> None:
    by = _manager(partnership)
    groups = list(partnership.groups.exclude(kind=GroupKind.STEERING).order_by("pk"))

    def indicator(goal: Goal, name: str, target: str, unit: str, cumulative: bool) -> Any:
        return services.save_indicator(
            goal,
            name=name,
            source=S.ENTERED,
            target=Decimal(target),
            unit=unit,
            cumulative=cumulative,
            period_start=start,
            period_end=end,
        )

    learning = _goal(
        partnership,
        by,
        "Samen opleiden in de wijk",
        "Studenten van de hogeschool leren en onderzoeken in de teams van de gemeente; professionals van "
        "beide kanten leren mee.",
        groups,
        1,
    )
    students = indicator(learning, "Aantal studenten in de werkplaats", "24", "studenten", False)
    _values(
        students,
        by,
        [
            (datetime.date(start.year, 2, 1), "14", "Plaatsingsoverzicht stagebureau, semester 2"),
            (datetime.date(start.year, 9, 1), "22", "Plaatsingsoverzicht stagebureau, semester 1"),
            (datetime.date(start.year, 11, 1), "25", "Telling werkplaatscoördinator"),
        ],
        today,
    )
    questions = indicator(learning, "Praktijkvragen opgepakt", "12", "praktijkvragen", True)
    _values(
        questions,
        by,
        [
            (datetime.date(start.year, 3, 15), "3", "Overleg werkplaats maart"),
            (datetime.date(start.year, 6, 15), "7", "Overleg werkplaats juni"),
            (datetime.date(start.year, 10, 15), "10", "Overleg werkplaats oktober"),
        ],
        today,
    )
    research = _goal(
        partnership,
        by,
        "Onderzoek dat de praktijk verandert",
        "Praktijkgericht onderzoek dat leidt tot een aanpassing in het werk van de gemeente.",
        groups,
        2,
    )
    done = indicator(research, "Praktijkonderzoeken afgerond en besproken", "4", "onderzoeken", True)
    _values(done, by, [(datetime.date(start.year, 7, 1), "2", "Eindpresentaties juni")], today)

"""Demo content for steering: the progress reports of the Groningen working groups with the
steering group's decisions and actions, and a few actions agreed in meetings.

The reports follow the groups' own cadence (every due date up to today has its report), so the
reports page shows no gaps: the working group for employers has answered reports and one that
awaits the steering group's decision; the working group for the learning route has answered
reports and one that is overdue."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from werkplaats.partnerships.models import (
    Action,
    ActionOrigin,
    ActionStatus,
    Group,
    GroupKind,
    MemberRole,
    Partnership,
    ProgressReport,
    ReportStatus,
)

from . import services

STEERING = "Stuurgroep Praktijkleren"
EMPLOYERS = "Werkgroep Werkgeversbenadering"
LEARNING_ROUTE = "Werkgroep Doorlopende leerlijn"

# Most recent first. Each: progress, goals progress, obstacles, needs, next steps, decision,
# actions agreed on it [(title, owner key, weeks after the decision, done?)].
EMPLOYER_REPORTS: list[dict[str, Any]] = [
    {
        "progress": (
            "Sinds de vorige rapportage hebben we 9 werkgevers bezocht, vooral in de installatietechniek en de zorg. "
            "Vijf hebben een leerplek toegezegd; daarmee staan we op 19 erkende leerbedrijven met samen 41 "
            "leerplekken (doel: 25 leerbedrijven, 60 leerplekken eind 2026)."
        ),
        "goals_progress": (
            "Draagt bij aan het convenantsdoel '150 praktijkverklaringen per jaar': de nieuwe leerplekken zijn "
            "nodig om de instroom van het voorjaar te kunnen plaatsen."
        ),
        "obstacles": (
            "Kleine werkgevers haken af op de administratie rond de erkenning door SBB. Twee werkgevers wachten al "
            "zes weken op een erkenningsbezoek."
        ),
        "needs": "Een vast aanspreekpunt bij SBB voor de regio en een korte uitleg voor werkgevers op één A4.",
        "next_steps": "Werkgeversontbijt met de Ondernemersvereniging volgende maand; opvolgen van vier toezeggingen.",
    },
    {
        "progress": (
            "We hebben de lijst van 140 werkgevers uit het netwerk van de gemeente en UWV opgeschoond en "
            "verdeeld over drie accountmanagers. 12 bezoeken gedaan, 4 nieuwe leerbedrijven."
        ),
        "goals_progress": "Aantal actieve erkende leerbedrijven steeg van 11 naar 15.",
        "obstacles": "Accountmanagers van gemeente en UWV benaderen soms dezelfde werkgever.",
        "needs": "Een besluit wie de werkgever benadert als beide partijen een relatie hebben.",
        "next_steps": "Eén werkgeverslijst met eigenaarschap per werkgever; tweede ronde bezoeken.",
        "decision": (
            "De stuurgroep besluit: de partij met de langste relatie is aanspreekpunt voor de werkgever; de andere "
            "partij sluit aan. De werkgroep houdt één gedeelde lijst bij."
        ),
        "actions": [
            ("Gedeelde werkgeverslijst inrichten met eigenaar per werkgever", "coordinator", 3, True),
            ("Afspraak met UWV over één aanspreekpunt per werkgever vastleggen", "manager", 6, False),
        ],
    },
    {
        "progress": (
            "Plan van aanpak gemaakt: welke sectoren, welke werkgevers, wie gaat waarheen. Eerste 6 werkgevers "
            "bezocht; 2 nieuwe leerplekken in de bakkerij."
        ),
        "goals_progress": "Nog geen meetbaar effect op de indicatoren; de basis voor de werving staat.",
        "obstacles": "Te weinig uren bij de accountmanagers van de gemeente.",
        "needs": "Vier uur per week extra inzet van een accountmanager, een half jaar lang.",
        "next_steps": "Werkgeverslijst opschonen en verdelen; bezoeken plannen in de installatietechniek.",
        "decision": (
            "Akkoord met het plan van aanpak. De gemeente maakt het komende half jaar vier uur per week extra vrij "
            "voor de werkgeversbenadering; de stuurgroep evalueert dat daarna."
        ),
        "actions": [
            ("Extra uren accountmanager regelen voor een half jaar", "manager", 2, True),
            ("Evaluatie extra inzet werkgeversbenadering agenderen", "manager", 20, False),
        ],
    },
]

ROUTE_REPORTS: list[dict[str, Any]] = [
    {
        # The overdue one: a draft that was never finished.
        "progress": "Gesprekken met de opleidingsmanagers van beide scholen lopen.",
    },
    {
        "progress": (
            "Beide scholen hebben de werkprocessen van de praktijkverklaringen naast de kwalificatiedossiers "
            "gelegd. Voor Logistiek en Zorg is een route beschreven; 3 deelnemers volgen hem."
        ),
        "goals_progress": "Draagt bij aan het doel 'doorstroom naar een diploma': 3 van de beoogde 10 deelnemers.",
        "obstacles": "Vrijstellingen voor behaalde werkprocessen worden per school verschillend verleend.",
        "needs": "Een gezamenlijk besluit van beide scholen over vrijstellingen.",
        "next_steps": "Route voor Techniek beschrijven; voorstel vrijstellingen naar de examencommissies.",
        "decision": (
            "De stuurgroep vraagt beide scholen om binnen zes weken één regeling voor vrijstellingen vast te "
            "stellen; de werkgroep schrijft het voorstel."
        ),
        "actions": [("Voorstel vrijstellingen voorleggen aan beide examencommissies", "coordinator", 6, False)],
    },
]

OLDER_DECISION = "Besproken in de stuurgroep; akkoord met de voortgang en de volgende stappen."


def _at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


def _owners(partnership: Partnership, group: Group) -> dict[str, Any]:
    manager = partnership.members.active().filter(role=MemberRole.MANAGER).select_related("user").first()
    return {"manager": manager.user if manager else None, "coordinator": group.coordinator}


def _reports(group: Group, texts: list[dict[str, Any]], *, latest: str, today: datetime.date) -> None:
    """Write a report for every due date of ``group`` before today: the latest is ``latest``
    (``submitted`` or ``overdue``); the earlier ones are answered."""
    dates = services.due_dates(group, until=today - datetime.timedelta(days=1))
    if not dates:
        return
    owners = _owners(group.partnership, group)
    writer = group.coordinator
    decider = owners["manager"]
    now = timezone.now()
    for back, due in enumerate(reversed(dates)):
        text = texts[back] if back < len(texts) else {}
        fields = {name: text.get(name, "") for name in services.REPORT_FIELDS}
        if back >= len(texts):
            fields.update(
                progress="Voortgang volgens plan; zie het verslag van het werkgroepoverleg.",
                next_steps="Verder volgens het plan van aanpak.",
            )
        if back == 0 and latest == "overdue":
            ProgressReport.objects.create(group=group, due_on=due, status=ReportStatus.DUE, **fields)
            continue
        submitted_at = min(_at(due - datetime.timedelta(days=1)), now)
        if back == 0:
            ProgressReport.objects.create(
                group=group,
                due_on=due,
                status=ReportStatus.SUBMITTED,
                submitted_at=submitted_at,
                submitted_by=writer,
                **fields,
            )
            continue
        decided_at = min(_at(due + datetime.timedelta(days=7), 16), now)
        report = ProgressReport.objects.create(
            group=group,
            due_on=due,
            status=ReportStatus.ANSWERED,
            submitted_at=submitted_at,
            submitted_by=writer,
            decision=text.get("decision", OLDER_DECISION),
            decided_at=decided_at,
            decided_by=decider,
            **fields,
        )
        for title, owner, weeks, done in text.get("actions", []):
            Action.objects.create(
                partnership=group.partnership,
                title=title,
                owner=owners[owner],
                due_on=timezone.localdate(decided_at) + datetime.timedelta(weeks=weeks),
                status=ActionStatus.DONE if done else ActionStatus.OPEN,
                closed_at=min(decided_at + datetime.timedelta(weeks=weeks), now) if done else None,
                group=group,
                origin=ActionOrigin.PROGRESS_REPORT,
                origin_id=report.pk,
                created_by=decider,
                created_at=decided_at,
            )


def _manual_actions(partnership: Partnership, actions: list[tuple[str, str, int, bool]], today: datetime.date) -> None:
    manager = partnership.members.active().filter(role=MemberRole.MANAGER).select_related("user").first()
    owner = manager.user if manager else None
    steering = partnership.groups.open().filter(kind=GroupKind.STEERING).first()
    for title, description, days, done in actions:
        due = today + datetime.timedelta(days=days)
        Action.objects.create(
            partnership=partnership,
            title=title,
            description=description,
            owner=owner,
            due_on=due,
            status=ActionStatus.DONE if done else ActionStatus.OPEN,
            closed_at=_at(due) if done else None,
            group=steering,
            origin=ActionOrigin.MANUAL,
            created_by=owner,
        )


def load(groningen: Partnership, werkplaats: Partnership) -> None:
    today = timezone.localdate()
    groups = {g.name: g for g in groningen.groups.select_related("partnership", "coordinator")}
    if EMPLOYERS in groups:
        _reports(groups[EMPLOYERS], EMPLOYER_REPORTS, latest="submitted", today=today)
    if LEARNING_ROUTE in groups:
        _reports(groups[LEARNING_ROUTE], ROUTE_REPORTS, latest="overdue", today=today)
    _manual_actions(
        groningen,
        [
            (
                "Jaarplan praktijkleren 2027 opstellen",
                "Met de doelen uit het convenant en de voorstellen van de werkgroepen.",
                21,
                False,
            ),
            ("Viering 100e praktijkverklaring organiseren", "Met de wethouder en de leerbedrijven.", -14, False),
            ("Convenant laten ondertekenen door alle partners", "", -120, True),
        ],
        today,
    )
    _manual_actions(
        werkplaats,
        [
            ("Praktijkvragen van het wijkteam ophalen voor het volgende semester", "", 28, False),
            ("Afspraken over begeleiding van studenten in de wijk vastleggen", "", -60, True),
        ],
        today,
    )

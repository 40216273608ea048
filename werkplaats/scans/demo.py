"""Demo health scans: two closed rounds in the Groningen network (March and September 2026,
with visible movement: people and means, and setting direction together, went up after the
March round put them on the action list), and an open round in the professionele werkplaats.

The closed rounds' responses carry no member, as every closed round's responses do (closing
erases the link); the respondents stand for the representatives at all levels of the partners,
more people than the demo's own accounts.
"""

from __future__ import annotations

import datetime
from itertools import cycle

from django.utils import timezone

from werkplaats.partnerships.models import MemberRole, Partnership, Perspective

from . import services
from .models import Element, ScanAnswer, ScanComment, ScanResponse, ScanRound
from .results import round_stats

# round -> perspective -> element -> the level around which that perspective's people scored
LEVELS: dict[str, dict[str, dict[str, float]]] = {
    "Maart 2026": {
        Perspective.EDUCATION: {"LOS": 3.6, "GOC": 3.2, "LEA": 3.4, "SRI": 3.0, "VMM": 2.4, "VOR": 3.6},
        Perspective.WORK_FIELD: {"LOS": 3.2, "GOC": 2.8, "LEA": 3.0, "SRI": 2.4, "VMM": 2.2, "VOR": 3.4},
        Perspective.PUBLIC: {"LOS": 3.4, "GOC": 3.4, "LEA": 3.6, "SRI": 3.0, "VMM": 2.6, "VOR": 3.8},
    },
    "September 2026": {
        Perspective.EDUCATION: {"LOS": 3.8, "GOC": 3.4, "LEA": 3.2, "SRI": 3.6, "VMM": 3.2, "VOR": 3.8},
        Perspective.WORK_FIELD: {"LOS": 3.4, "GOC": 3.0, "LEA": 3.0, "SRI": 3.2, "VMM": 3.0, "VOR": 3.6},
        Perspective.PUBLIC: {"LOS": 3.6, "GOC": 3.6, "LEA": 3.4, "SRI": 3.6, "VMM": 3.2, "VOR": 4.0},
    },
}

RESPONDENTS = {
    "Maart 2026": {Perspective.EDUCATION: 3, Perspective.WORK_FIELD: 3, Perspective.PUBLIC: 3},
    "September 2026": {Perspective.EDUCATION: 4, Perspective.WORK_FIELD: 3, Perspective.PUBLIC: 3},
}

DATES = {
    "Maart 2026": (datetime.datetime(2026, 3, 2, 9, 0), datetime.datetime(2026, 3, 20, 17, 0)),
    "September 2026": (datetime.datetime(2026, 9, 7, 9, 0), datetime.datetime(2026, 9, 25, 17, 0)),
}

COMMENTS = {
    "Maart 2026": [
        ("VMM", "Praktijkopleiders krijgen geen uren voor de begeleiding; het komt nu bovenop hun werk."),
        ("VMM", "Het is onduidelijk wie de jobcoaching betaalt als een deelnemer bij een nieuwe werkgever start."),
        ("SRI", "We hebben een convenant, maar in de werkgroepen weet niet iedereen wat erin staat."),
        ("VOR", "De lijnen tussen klantmanagers en de scholen zijn kort, dat werkt goed."),
        ("LOS", "We leren vooral van elkaar in de casusbesprekingen; dat mag vaker."),
    ],
    "September 2026": [
        ("VMM", "Sinds de zomer is er een vaste contactpersoon per school; dat scheelt veel zoekwerk."),
        ("SRI", "De gezamenlijke processchets helpt: iedereen weet nu wie wat doet bij de intake."),
        ("LEA", "Beslissingen liggen nog vaak bij de stuurgroep terwijl de werkgroep het beter weet."),
        ("GOC", "Werkgevers zouden vaker mee moeten denken over de opleiding, niet alleen leerplekken bieden."),
    ],
}

# Per statement, how a respondent differs from their group's level: varied, and repeatable.
OFFSETS = [0, 1, -1, 0, 1, 0, -1, 0, 0, 1, -1, 1]
BIAS = [0.0, 0.5, -0.5, 0.3, -0.4, 0.2, -0.2]  # some people are milder than others


def _score(level: float, offset: int) -> int:
    return max(1, min(5, round(level + offset * 0.8)))


def _closed_round(partnership: Partnership, title: str, by: object) -> ScanRound:
    scan_round = services.open_round(partnership, by=by, title=title)
    statements = list(scan_round.statements.all())
    offsets = cycle(OFFSETS[:7])  # a cycle of 7 against 4 statements per element: every person differs
    bias = cycle(BIAS)
    dont_know = cycle([False] * 9 + [True])
    answers, comments = [], []
    comment_texts = iter(COMMENTS[title])
    for perspective, count in RESPONDENTS[title].items():
        for _ in range(count):
            response = ScanResponse.objects.create(round=scan_round, perspective=perspective)
            mood = next(bias)
            for statement in statements:
                level = LEVELS[title][perspective][statement.element] + mood
                skip = next(dont_know) and perspective != Perspective.EDUCATION
                answers.append(
                    ScanAnswer(
                        response=response, statement=statement, score=None if skip else _score(level, next(offsets))
                    )
                )
            text = next(comment_texts, None)
            if text is not None:
                comments.append(ScanComment(response=response, element=text[0], text=text[1]))
    ScanAnswer.objects.bulk_create(answers)
    ScanComment.objects.bulk_create(comments)
    services.close_round(scan_round, by=by)
    opened, closed = (timezone.make_aware(moment) for moment in DATES[title])
    ScanRound.objects.filter(pk=scan_round.pk).update(opened_at=opened, closed_at=closed)
    ScanResponse.objects.filter(round=scan_round).update(submitted_at=opened + datetime.timedelta(days=3))
    scan_round.refresh_from_db()
    return scan_round


def load(groningen: Partnership, werkplaats: Partnership) -> None:
    manager = groningen.members.active().filter(role=MemberRole.MANAGER).select_related("user").first()
    by = manager.user if manager else None
    services.ensure_template(groningen)
    march = _closed_round(groningen, "Maart 2026", by)
    # The March round's lowest element went on the action list; September shows the movement.
    for element, _cell in round_stats(march).lowest(1):
        action = services.plan_action(march, by=by, element=element)
        action.created_at = march.closed_at or action.created_at
        action.save(update_fields=["created_at"])
    _closed_round(groningen, "September 2026", by)

    lead = werkplaats.members.active().filter(role=MemberRole.MANAGER).select_related("user").first()
    services.ensure_template(werkplaats)
    scan_round = services.open_round(
        werkplaats,
        by=lead.user if lead else None,
        title="November 2026",
        closes_on=max(datetime.date(2026, 12, 4), timezone.localdate()),
    )
    ScanRound.objects.filter(pk=scan_round.pk).update(opened_at=timezone.make_aware(datetime.datetime(2026, 11, 9, 9)))
    answering = werkplaats.members.active().exclude(role=MemberRole.MANAGER).exclude(user__email="coordinator@demo.nl")
    for i, member in enumerate(answering.order_by("pk")):
        answers = {
            statement.pk: _score(3.5 if statement.element != Element.VMM else 2.5, OFFSETS[(i + n) % len(OFFSETS)])
            for n, statement in enumerate(scan_round.statements.all())
        }
        services.save_response(
            scan_round,
            member=member,
            answers=answers,
            comments={"LOS": "De praktijkvragen van het wijkteam zijn echte onderzoeksvragen geworden."}
            if i == 0
            else {},
        )

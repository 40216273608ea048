"""Demo intervision: in Groningen, four people who guide learners in practice meet for intervision,
led by the director of the Alfa-college's care and welfare school. member@demo.nl takes part;
coordinator@demo.nl set the group up but sees none of its sessions, and admin@demo.nl is no
member of the partnership at all."""

from __future__ import annotations

import datetime
from typing import NamedTuple

from django.utils import timezone

from werkplaats.accounts.models import User
from werkplaats.partnerships.models import Partnership, PartnershipMember

from . import services
from .models import Method

METHODS = ["incidentmethode", "balintmethode", "roddelmethode", "socratisch gesprek", "probleemoplossingsmethode"]

GROUP = "Intervisie praktijkopleiders en begeleiders"
PARTICIPANTS = ["member@demo.nl", "trainer@demo.nl", "school@demo.nl", "consultant@demo.nl"]
FACILITATOR = "stuurgroep@demo.nl"


class DemoSession(NamedTuple):
    days_ago: int
    contributor: str
    method: str
    work_question: str
    notes: str


SESSIONS = [
    DemoSession(
        days_ago=49,
        contributor="trainer@demo.nl",
        method="incidentmethode",
        work_question=(
            "Hoe spreek ik een deelnemer aan die steeds te laat komt, zonder dat hij afhaakt? Ik merk dat ik het "
            "gesprek uitstel omdat ik bang ben hem kwijt te raken."
        ),
        notes=(
            "Incident: deelnemer (BBL, bakkerij) kwam in drie weken vijf keer te laat; de praktijkopleider heeft "
            "het nog niet benoemd.\n\n"
            "Vragenronde: de groep vroeg door naar wat de praktijkopleider zelf denkt dat er speelt (mantelzorg "
            "thuis?) en wat hij bij eerdere deelnemers deed. Hij herkende dat hij conflicten vermijdt als een "
            "deelnemer 'kwetsbaar' is.\n\n"
            "Adviezen: benoem het gedrag en het effect op het team, vraag naar de oorzaak, en maak samen een "
            "afspraak; betrek de klantmanager als er thuis iets speelt.\n\n"
            "Wat neemt de inbrenger mee: deze week het gesprek voeren en de afspraak vastleggen in het "
            "voortgangsgesprek. Terugkoppeling in de volgende sessie."
        ),
    ),
    DemoSession(
        days_ago=14,
        contributor="school@demo.nl",
        method="balintmethode",
        work_question=(
            "Wat maakt dat ik na een beoordelingsgesprek met een werkgever steeds het gevoel heb dat ik de "
            "deelnemer tekort doe?"
        ),
        notes=(
            "Casus: beoordeling van werkprocessen bij een leerbedrijf in de logistiek; de werkgever was tevreden, "
            "de coördinator twijfelde of de deelnemer het werkproces echt beheerst.\n\n"
            "De groep associeerde vrij: spanning tussen 'de werkgever niet afvallen' en 'eerlijk beoordelen'; "
            "het gevoel alleen te staan als schoolvertegenwoordiger; weinig tijd voor voorbereiding.\n\n"
            "Inzicht van de inbrenger: het ongemak gaat minder over de deelnemer dan over haar eigen rol tussen "
            "school en werkgever. Ze wil voortaan vooraf met de praktijkopleider de criteria doorlopen.\n\n"
            "Vervolg: (de begeleider) de vraag over rolverdeling bij beoordelen inbrengen in de werkgroep "
            "Doorlopende leerlijn, zonder de casus te noemen."
        ),
    ),
]


def _member(partnership: Partnership, email: str) -> PartnershipMember:
    return PartnershipMember.objects.active().get(partnership=partnership, user__email=email)


def load(groningen: Partnership, werkplaats: Partnership) -> None:
    for partnership in (groningen, werkplaats):
        services.save_methods(partnership, names=METHODS)
    group = services.create_group(
        groningen,
        by=User.objects.get(email="coordinator@demo.nl"),
        name=GROUP,
        facilitator=_member(groningen, FACILITATOR),
        participants=[_member(groningen, email) for email in PARTICIPANTS],
    )
    # The group started two months ago: its participants joined then, before the first session.
    started = timezone.localdate() - datetime.timedelta(days=63)
    group.participants.update(joined_on=started)
    methods = {m.name: m for m in Method.objects.filter(partnership=groningen)}
    facilitator = User.objects.get(email=FACILITATOR)
    today = timezone.localdate()
    for session in SESSIONS:
        services.save_session(
            group,
            by=facilitator,
            held_on=today - datetime.timedelta(days=session.days_ago),
            case_contributor=_member(groningen, session.contributor),
            method=methods[session.method],
            work_question=session.work_question,
            notes=session.notes,
        )
    services.save_session(
        group,
        by=facilitator,
        held_on=today + datetime.timedelta(days=21),
        case_contributor=_member(groningen, "member@demo.nl"),
        method=methods["roddelmethode"],
        work_question="",
        notes="",
    )

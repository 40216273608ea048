"""Demo stakeholder maps. Groningen's regional praktijkleren network gets a map of about ten
stakeholders from seed 003, with relations, one open tension and earlier positions, so the grid
shows movement; the professionele werkplaats gets a small map of its own."""

from __future__ import annotations

import datetime

from django.utils import timezone

from werkplaats.organisations.models import Organisation
from werkplaats.partnerships.models import MemberRole, Partnership, PartnershipMember

from . import services
from .models import Engagement, Stakeholder, StakeholderKind, Stance, TensionStatus

# name: (kind, organisation slug, interests, influence, interest, stance, engagement, desired,
#        earlier (influence, interest, stance) three months ago or None)
GRONINGEN = {
    "Gemeente Groningen": (
        StakeholderKind.ORGANISATION,
        "gemeente-groningen",
        "Inwoners met een bijstandsuitkering zo snel mogelijk duurzaam aan het werk; minder uitkeringen, "
        "een praktijkverklaring als opstap.",
        5,
        5,
        Stance.SUPPORTIVE,
        Engagement.CO_OWN,
        Engagement.CO_OWN,
        (4, 4, Stance.SUPPORTIVE),
    ),
    "UWV": (
        StakeholderKind.ORGANISATION,
        "",
        "WW-gerechtigden en mensen met een arbeidsbeperking aan het werk; scholing binnen de regels van de uitkering.",
        4,
        3,
        Stance.NEUTRAL,
        Engagement.CONSULT,
        Engagement.COLLABORATE,
        (4, 2, Stance.NEUTRAL),
    ),
    "SBB": (
        StakeholderKind.ORGANISATION,
        "",
        "Erkende leerbedrijven en goede begeleiding op de werkplek; de praktijkverklaring landelijk herkenbaar.",
        3,
        4,
        Stance.SUPPORTIVE,
        Engagement.INVOLVE,
        Engagement.INVOLVE,
        None,
    ),
    "Noorderpoort": (
        StakeholderKind.ORGANISATION,
        "noorderpoort",
        "Volledige diplomaroutes en kwaliteit van de beroepspraktijkvorming; bekostiging van maatwerktrajecten.",
        4,
        4,
        Stance.CRITICAL,
        Engagement.INVOLVE,
        Engagement.COLLABORATE,
        (4, 3, Stance.NEUTRAL),
    ),
    "Alfa-college": (
        StakeholderKind.ORGANISATION,
        "alfa-college",
        "Flexibele leerroutes voor volwassenen, examinering van werkprocessen in de praktijk.",
        4,
        4,
        Stance.SUPPORTIVE,
        Engagement.COLLABORATE,
        Engagement.COLLABORATE,
        None,
    ),
    "Werkgeversservicepunt Groningen": (
        StakeholderKind.ORGANISATION,
        "",
        "Eén loket voor werkgevers; vacatures vervullen met kandidaten die de praktijk al kennen.",
        3,
        5,
        Stance.SUPPORTIVE,
        Engagement.COLLABORATE,
        Engagement.CO_OWN,
        (2, 4, Stance.SUPPORTIVE),
    ),
    "Koninklijke Horeca Noord": (
        StakeholderKind.ORGANISATION,
        "",
        "Handen aan het werk in de horeca; weinig administratie voor de leerbedrijven.",
        2,
        2,
        Stance.NEUTRAL,
        Engagement.INFORM,
        Engagement.CONSULT,
        None,
    ),
    "Werkzoekenden in de bijstand": (
        StakeholderKind.GROUP,
        "",
        "Een baan en een papier dat iets waard is; begeleiding die past bij taal en thuissituatie.",
        1,
        5,
        Stance.NEUTRAL,
        Engagement.CONSULT,
        Engagement.INVOLVE,
        None,
    ),
    "Statushouders": (
        StakeholderKind.GROUP,
        "",
        "Taal leren op de werkplek, erkenning van wat ze al kunnen, snel meedoen.",
        1,
        4,
        Stance.SUPPORTIVE,
        Engagement.INFORM,
        Engagement.CONSULT,
        None,
    ),
    "Provincie Groningen": (
        StakeholderKind.ORGANISATION,
        "",
        "Arbeidsmarkt in de hele provincie, ook buiten de stad; subsidie voor tekortsectoren.",
        3,
        2,
        Stance.NEUTRAL,
        Engagement.INFORM,
        Engagement.CONSULT,
        (2, 1, Stance.NEUTRAL),
    ),
}

GRONINGEN_RELATIONS = [
    ("Gemeente Groningen", "Werkzoekenden in de bijstand", "supervises", "Re-integratie en uitkering."),
    ("Gemeente Groningen", "Noorderpoort", "funds", "Maatwerktrajecten praktijkleren per deelnemer."),
    ("Gemeente Groningen", "Alfa-college", "funds", "Maatwerktrajecten praktijkleren per deelnemer."),
    ("Gemeente Groningen", "Statushouders", "supervises", "Inburgering en participatie."),
    ("Werkgeversservicepunt Groningen", "UWV", "works_with", "Gezamenlijke werkgeversdienstverlening."),
    ("Werkgeversservicepunt Groningen", "Gemeente Groningen", "works_with", ""),
    ("UWV", "Werkzoekenden in de bijstand", "refers", "Doorverwijzing bij einde WW."),
    ("SBB", "Noorderpoort", "works_with", "Erkenning van leerbedrijven."),
    ("SBB", "Alfa-college", "works_with", "Erkenning van leerbedrijven."),
    ("Koninklijke Horeca Noord", "Werkgeversservicepunt Groningen", "represents", "Horecaondernemers in de regio."),
    ("Provincie Groningen", "Werkgeversservicepunt Groningen", "funds", "Regionale subsidie tekortsectoren."),
]

WERKPLAATS = {
    "Hogeschool": (StakeholderKind.ORGANISATION, "hanzehogeschool", 4, 4, Stance.SUPPORTIVE),
    "Gemeente": (StakeholderKind.ORGANISATION, "", 4, 5, Stance.SUPPORTIVE),
    "Studenten sociaal werk": (StakeholderKind.GROUP, "", 2, 5, Stance.SUPPORTIVE),
    "Wijkteams": (StakeholderKind.GROUP, "", 3, 4, Stance.CRITICAL),
    "Bewoners van de wijk": (StakeholderKind.GROUP, "", 1, 3, Stance.NEUTRAL),
}


def _owners(partnership: Partnership) -> list[PartnershipMember]:
    members = list(partnership.members.active().order_by("id"))
    managers = [m for m in members if m.role == MemberRole.MANAGER]
    return managers + [m for m in members if m.role != MemberRole.MANAGER]


def _organisation(slug: str) -> Organisation | None:
    return Organisation.objects.filter(slug=slug).first() if slug else None


def _load_groningen(partnership: Partnership) -> None:
    owners = _owners(partnership)
    by = owners[0].user if owners else None
    now = timezone.now()
    earlier = now - datetime.timedelta(days=91)
    made: dict[str, Stakeholder] = {}
    for index, (name, spec) in enumerate(GRONINGEN.items()):
        kind, slug, interests, influence, interest, stance, engagement, desired, before = spec
        start_influence, start_interest, start_stance = before or (influence, interest, stance)
        stakeholder = services.add_stakeholder(
            partnership,
            by=by,
            name=name,
            kind=kind,
            organisation=_organisation(slug),
            interests=interests,
            engagement=Engagement.INFORM if before else engagement,
            desired_engagement=desired,
            owner=owners[index % len(owners)] if owners and index % 3 != 2 else None,
            at=earlier - datetime.timedelta(days=index),
            influence=start_influence,
            interest=start_interest,
            stance=start_stance,
        )
        if before:
            stakeholder = services.change_stakeholder(
                stakeholder,
                by=by,
                at=now - datetime.timedelta(days=14 + index),
                influence=influence,
                interest=interest,
                stance=stance,
                engagement=engagement,
            )
        made[name] = stakeholder
    for source, target, relation_kind, note in GRONINGEN_RELATIONS:
        services.add_relation(
            partnership, by=by, source=made[source], target=made[target], kind=relation_kind, note=note
        )
    today = timezone.localdate()
    services.add_tension(
        partnership,
        by=by,
        first=made["Gemeente Groningen"],
        second=made["Noorderpoort"],
        title="Snelle uitstroom naar werk of een volledige diplomaroute",
        note=(
            "De gemeente wil deelnemers binnen drie tot zes maanden met een praktijkverklaring aan het "
            "werk; Noorderpoort wil hen een volledige diplomaroute bieden, omdat een diploma meer "
            "baanzekerheid geeft. Voorstel: een praktijkverklaring als eerste stap, met een afspraak "
            "over doorstroom naar een certificaat of diploma."
        ),
        status=TensionStatus.OPEN,
        raised_on=today - datetime.timedelta(days=40),
    )
    services.add_tension(
        partnership,
        by=by,
        first=made["UWV"],
        second=made["Gemeente Groningen"],
        title="Wie betaalt de scholing van WW'ers die in de bijstand dreigen te komen",
        note="Besproken in de stuurgroep; UWV betaalt tot het einde van de WW, daarna de gemeente.",
        status=TensionStatus.RESOLVED,
        raised_on=today - datetime.timedelta(days=120),
        resolved_on=today - datetime.timedelta(days=60),
    )


def _load_werkplaats(partnership: Partnership) -> None:
    owners = _owners(partnership)
    by = owners[0].user if owners else None
    made = {
        name: services.add_stakeholder(
            partnership,
            by=by,
            name=name,
            kind=kind,
            organisation=_organisation(slug),
            influence=influence,
            interest=interest,
            stance=stance,
            owner=owners[0] if owners else None,
        )
        for name, (kind, slug, influence, interest, stance) in WERKPLAATS.items()
    }
    services.add_relation(partnership, by=by, source=made["Gemeente"], target=made["Wijkteams"], kind="funds")
    services.add_relation(
        partnership, by=by, source=made["Hogeschool"], target=made["Studenten sociaal werk"], kind="supervises"
    )
    services.add_relation(
        partnership, by=by, source=made["Studenten sociaal werk"], target=made["Wijkteams"], kind="works_with"
    )
    services.add_tension(
        partnership,
        by=by,
        first=made["Wijkteams"],
        second=made["Hogeschool"],
        title="Tijd voor begeleiding van studenten naast een volle caseload",
        status=TensionStatus.DISCUSSED,
        raised_on=timezone.localdate() - datetime.timedelta(days=20),
    )


def load(groningen: Partnership, werkplaats: Partnership) -> None:
    """Fill both maps; does nothing for a partnership whose map already has stakeholders."""
    if not Stakeholder.objects.filter(partnership=groningen).exists():
        _load_groningen(groningen)
    if not Stakeholder.objects.filter(partnership=werkplaats).exists():
        _load_werkplaats(werkplaats)

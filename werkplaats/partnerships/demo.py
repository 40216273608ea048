"""The demo partnerships: the praktijkleren network of labour-market region Groningen (seed 003)
and a professionele werkplaats of a hogeschool and a municipality (seed 000).

Each app with partnership content adds its part through its own ``demo.load(groningen,
werkplaats)``, called once, when the partnerships are first created."""

from __future__ import annotations

import datetime
import importlib

from werkplaats.accounts.models import User
from werkplaats.organisations.models import Organisation, Region

from .models import (
    Group,
    GroupKind,
    GroupMember,
    Level,
    MemberRole,
    Partner,
    Partnership,
    PartnershipKind,
    PartnershipMember,
    Perspective,
    perspective_of,
)

GRONINGEN = "praktijkleren-arbeidsmarktregio-groningen"
WERKPLAATS = "professionele-werkplaats-wijkgericht-werken"

# The apps whose demo content is added to the partnerships, in this order.
CONTENT_APPS = [
    "agreements",
    "goals",
    "learning",  # links its learning community to the goals
    "steering",
    "successes",
    "reflections",
    "scans",
    "stakeholders",
    "forum",
    "meetings",
    "intervision",
]


def _partners(partnership: Partnership, slugs: list[str], contributions: dict[str, str]) -> dict[str, Partner]:
    found = {}
    for slug in slugs:
        organisation = Organisation.objects.get(slug=slug)
        found[slug] = Partner.objects.create(
            partnership=partnership,
            organisation=organisation,
            contribution=contributions.get(slug, ""),
            joined_on=partnership.started_on or datetime.date(2025, 1, 1),
        )
    return found


def _member(
    partnership: Partnership,
    partners: dict[str, Partner],
    email: str,
    slug: str,
    role: str,
    level: str,
    position: str,
    perspective: str = "",
) -> PartnershipMember:
    partner = partners[slug]
    return PartnershipMember.objects.create(
        partnership=partnership,
        user=User.objects.get(email=email),
        partner=partner,
        role=role,
        level=level,
        perspective=perspective or perspective_of(partner.organisation),
        position=position,
        joined_on=partnership.started_on or datetime.date(2025, 1, 1),
    )


def _group(partnership: Partnership, members: list[tuple[PartnershipMember, str]], **fields: object) -> Group:
    group = Group.objects.create(partnership=partnership, **fields)
    for member, quality in members:
        GroupMember.objects.create(
            group=group, member=member, quality=quality, joined_on=group.starts_on or member.joined_on
        )
    return group


def _groningen() -> Partnership:
    partnership = Partnership.objects.create(
        name="Praktijkleren Arbeidsmarktregio Groningen",
        slug=GRONINGEN,
        kind=PartnershipKind.PRAKTIJKLEREN_NETWORK,
        vision=(
            "Iedereen in de regio die wil leren in de praktijk, krijgt die kans: werkzoekenden, jongeren zonder "
            "startkwalificatie en statushouders leren bij een erkend leerbedrijf en laten met een "
            "praktijkverklaring zien wat ze kunnen."
        ),
        ambition=(
            "In 2028 werken gemeenten, scholen, UWV en werkgevers in de regio volgens één helder proces, halen "
            "jaarlijks 150 deelnemers een praktijkverklaring en weet iedere partner hoeveel dat er zijn."
        ),
        started_on=datetime.date(2025, 1, 1),
    )
    partnership.regions.set(Region.objects.filter(code="AM01"))
    partners = _partners(
        partnership,
        ["gemeente-groningen", "noorderpoort", "alfa-college", "iederz", "hilvers-bakkerij", "vrp-klimatechniek"],
        {
            "gemeente-groningen": "Regie, intake en begeleiding van deelnemers; financiering uit regionale middelen.",
            "noorderpoort": "Werkprocessen kiezen, begeleiden en beoordelen; praktijkverklaringen tekenen.",
            "alfa-college": "Idem, voor de opleidingen van het Alfa-college.",
            "iederz": "Werkfit-trajecten en jobcoaching voor deelnemers met een afstand tot de arbeidsmarkt.",
            "hilvers-bakkerij": "Leerplekken in de bakkerij; praktijkopleiders.",
            "vrp-klimatechniek": "Leerplekken in de installatietechniek; denkt mee namens de werkgevers.",
        },
    )
    manager = _member(
        partnership,
        partners,
        "coordinator@demo.nl",
        "gemeente-groningen",
        MemberRole.MANAGER,
        Level.STRATEGIC,
        "Regiecoördinator praktijkleren",
    )
    steering_school = _member(
        partnership,
        partners,
        "stuurgroep@demo.nl",
        "alfa-college",
        MemberRole.INTERNAL,
        Level.STRATEGIC,
        "Directeur Zorg en Welzijn",
    )
    employer = _member(
        partnership,
        partners,
        "werkgever@demo.nl",
        "vrp-klimatechniek",
        MemberRole.INTERNAL,
        Level.STRATEGIC,
        "Directeur-eigenaar",
    )
    school = _member(
        partnership,
        partners,
        "school@demo.nl",
        "noorderpoort",
        MemberRole.INTERNAL,
        Level.TACTICAL,
        "Coördinator praktijkleren",
    )
    sw = _member(
        partnership,
        partners,
        "member@demo.nl",
        "iederz",
        MemberRole.INTERNAL,
        Level.TACTICAL,
        "Teamleider werkfit",
    )
    consultant = _member(
        partnership,
        partners,
        "consultant@demo.nl",
        "gemeente-groningen",
        MemberRole.INTERNAL,
        Level.OPERATIONAL,
        "Klantmanager werk",
    )
    trainer = _member(
        partnership,
        partners,
        "trainer@demo.nl",
        "hilvers-bakkerij",
        MemberRole.AMBASSADOR,
        Level.OPERATIONAL,
        "Praktijkopleider",
    )
    steering = _group(
        partnership,
        [
            (manager, "regie en mandaat namens de gemeente"),
            (steering_school, "mandaat namens de mbo-scholen"),
            (employer, "stem van de werkgevers"),
        ],
        kind=GroupKind.STEERING,
        name="Stuurgroep Praktijkleren",
        assignment="Stuurt op de doelen van het convenant en beslist over de voorstellen van de werkgroepen.",
        starts_on=datetime.date(2025, 1, 1),
        coordinator=manager.user,
    )
    _group(
        partnership,
        [(sw, "kent de werkgevers in de regio"), (consultant, "kent de deelnemers"), (trainer, "praktijkopleider")],
        kind=GroupKind.WORKING,
        name="Werkgroep Werkgeversbenadering",
        theme="Meer erkende leerbedrijven die deelnemers een leerplek bieden",
        assignment="Werf werkgevers voor praktijkleren en maak afspraken over leerplekken.",
        result="Op 31 december 2026 bieden 25 erkende leerbedrijven samen 60 leerplekken voor praktijkleren.",
        starts_on=datetime.date(2026, 1, 12),
        ends_on=datetime.date(2026, 12, 31),
        coordinator=sw.user,
        accountable_to=steering,
        report_every_weeks=6,
    )
    _group(
        partnership,
        [(school, "coördineert praktijkleren bij Noorderpoort"), (steering_school, "kent de opleidingen")],
        kind=GroupKind.WORKING,
        name="Werkgroep Doorlopende leerlijn",
        theme="Van praktijkverklaring naar diploma",
        assignment="Maak een route waarin deelnemers met een praktijkverklaring verder kunnen naar een mbo-diploma.",
        result="Een beschreven en door beide scholen vastgestelde route, met 10 deelnemers die hem volgen.",
        starts_on=datetime.date(2026, 2, 1),
        ends_on=datetime.date(2027, 1, 31),
        coordinator=school.user,
        accountable_to=steering,
        report_every_weeks=8,
    )
    return partnership


def _werkplaats() -> Partnership:
    partnership = Partnership.objects.create(
        name="Professionele werkplaats Wijkgericht werken",
        slug=WERKPLAATS,
        kind=PartnershipKind.PROFESSIONAL_WORKPLACE,
        vision=(
            "Studenten, docenten, onderzoekers en professionals van het wijkteam leren en onderzoeken samen in de "
            "wijk, met bewoners, zodat de dienstverlening en de opleiding zich voortdurend ontwikkelen."
        ),
        ambition="Elk semester pakken we samen met bewoners drie praktijkvragen van het wijkteam op.",
        started_on=datetime.date(2025, 9, 1),
    )
    partnership.regions.set(Region.objects.filter(code="AM01"))
    partners = _partners(
        partnership,
        ["hanzehogeschool", "gemeente-groningen"],
        {
            "hanzehogeschool": "Studenten, docent-onderzoekers en het lectoraat.",
            "gemeente-groningen": "Het wijkteam, praktijkvragen en werkplekken in de wijk.",
        },
    )
    lead = _member(
        partnership,
        partners,
        "hogeschool@demo.nl",
        "hanzehogeschool",
        MemberRole.MANAGER,
        Level.TACTICAL,
        "Docent-onderzoeker",
    )
    team = _member(
        partnership,
        partners,
        "wijkteam@demo.nl",
        "gemeente-groningen",
        MemberRole.INTERNAL,
        Level.OPERATIONAL,
        "Wijkcoach",
    )
    director = _member(
        partnership,
        partners,
        "coordinator@demo.nl",
        "gemeente-groningen",
        MemberRole.INTERNAL,
        Level.STRATEGIC,
        "Regiecoördinator",
    )
    student = _member(
        partnership,
        partners,
        "student@demo.nl",
        "hanzehogeschool",
        MemberRole.INTERNAL,
        Level.OPERATIONAL,
        "Student Social Work",
        perspective=Perspective.LEARNERS,
    )
    _group(
        partnership,
        [(lead, "verbindt opleiding en onderzoek"), (director, "mandaat namens de gemeente")],
        kind=GroupKind.STEERING,
        name="Kerngroep",
        assignment="Bewaakt de gezamenlijke ambitie en maakt mensen en middelen vrij.",
        starts_on=datetime.date(2025, 9, 1),
        coordinator=lead.user,
    )
    _group(
        partnership,
        [(lead, "docent-onderzoeker"), (team, "wijkcoach"), (student, "student")],
        kind=GroupKind.LEARNING_COMMUNITY,
        name="Leergemeenschap Samen in de wijk",
        theme="Eenzaamheid onder ouderen in Vinkhuizen",
        starts_on=datetime.date(2025, 9, 1),
        coordinator=team.user,
    )
    return partnership


def load_partnerships() -> bool:
    """Create the two demo partnerships and their content; False when they exist already."""
    if Partnership.objects.filter(slug__in=[GRONINGEN, WERKPLAATS]).exists():
        return False
    groningen, werkplaats = _groningen(), _werkplaats()
    for app in CONTENT_APPS:
        module = importlib.import_module(f"werkplaats.{app}.demo")
        module.load(groningen, werkplaats)
    return True

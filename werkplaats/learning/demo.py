"""Demo learning: the professionele werkplaats's learning community "Samen in de wijk" has met
twice, keeps a knowledge list, has made a first result visible and runs an action-research
project on reaching lonely older residents in Vinkhuizen, halfway through its practice cycle
(two experiments, the second still running). Groningen's working group on employers has just
started a small project of its own."""

from __future__ import annotations

import datetime

from django.utils import timezone

from werkplaats.accounts.models import User
from werkplaats.partnerships.models import Group, GroupKind, Partnership

from . import services
from .models import KnowledgeKind, Phase, ResearchProject
from .services import DecisionRow


def _user(email: str) -> User:
    return User.objects.get(email=email)


def load(groningen: Partnership, werkplaats: Partnership) -> None:
    today = timezone.localdate()
    _werkplaats(werkplaats, today)
    _groningen(groningen)


def _werkplaats(partnership: Partnership, today: datetime.date) -> None:
    plg = (
        Group.objects.filter(partnership=partnership, kind=GroupKind.LEARNING_COMMUNITY)
        .filter(name="Leergemeenschap Samen in de wijk")
        .first()
    )
    if plg is None or ResearchProject.objects.filter(group=plg).exists():
        return
    wijkteam, docent, student = _user("wijkteam@demo.nl"), _user("hogeschool@demo.nl"), _user("student@demo.nl")
    day = datetime.timedelta(days=1)

    goals = list(partnership.goals.order_by("order", "id"))
    if goals:
        services.set_theme_goals(plg, goals=goals)

    services.save_meeting(
        plg,
        by=wijkteam,
        title="Startbijeenkomst: wat weten we over eenzaamheid?",
        held_on=today - 120 * day,
        agenda=(
            "1. Kennismaking en verwachtingen\n"
            "2. Wat zien wij in Vinkhuizen? Ervaringen uit het wijkteam\n"
            "3. Wat weten we al uit onderzoek?\n"
            "4. Kiezen we voor actieonderzoek?"
        ),
        notes=(
            "De wijkcoaches zien vooral ouderen die na het overlijden van een partner alleen komen te staan en "
            "die zelf geen hulp vragen. De huisartsenpraktijk herkent dat. Student Social Work zoekt uit wat er "
            "in de literatuur bekend is over het bereiken van ouderen die niet zelf aankloppen.\n"
            "We kiezen voor een actieonderzoek met de vraag hoe we eenzame ouderen in Vinkhuizen bereiken."
        ),
        decisions=[
            DecisionRow(row=1, text="We doen samen een actieonderzoek naar het bereiken van eenzame ouderen."),
            DecisionRow(
                row=2,
                text="Literatuurverkenning over outreachend werken bij ouderen",
                owner=student,
                due_on=today - 95 * day,
            ),
            DecisionRow(
                row=3,
                text="Gesprek met de ouderenadviseur van WIJ Vinkhuizen plannen",
                owner=wijkteam,
                due_on=today - 100 * day,
            ),
        ],
    )
    services.save_meeting(
        plg,
        by=wijkteam,
        title="Van werkhypothese naar proefjes",
        held_on=today - 45 * day,
        agenda=(
            "1. Terugkoppeling literatuur en experts\n2. Werkhypothese vaststellen\n3. Welke proefjes zetten we uit?"
        ),
        notes=(
            "De literatuur en de ouderenadviseur wijzen dezelfde kant op: vertrouwde personen in de buurt (apotheek, "
            "kapper, buurthuis) zijn de ingang, niet folders. We stellen de werkhypothese vast en zetten twee "
            "proefjes uit: huisbezoeken samen met de wijkverpleging en een koffieochtend in de bibliotheek."
        ),
        decisions=[
            DecisionRow(
                row=1,
                text="Huisbezoeken met de wijkverpleging uitproberen bij tien ouderen",
                owner=wijkteam,
                due_on=today + 14 * day,
            ),
            DecisionRow(
                row=2,
                text="Resultaten van de proefjes presenteren in het werkplaatsoverleg",
                owner=docent,
                due_on=today + 60 * day,
            ),
        ],
    )

    knowledge = [
        (
            KnowledgeKind.SOURCE,
            "Movisie: kennis over eenzaamheid en wat werkt",
            "https://www.movisie.nl",
            None,
        ),
        (
            KnowledgeKind.SOURCE,
            "Literatuurverkenning outreachend werken bij ouderen",
            "Notitie van de student, gedeelde map van de leergemeenschap",
            None,
        ),
        (KnowledgeKind.EXPERT, "Outreachend werken in de wijk", "", wijkteam),
        (KnowledgeKind.EXPERT, "Methoden van praktijkgericht onderzoek", "", docent),
        (
            KnowledgeKind.EXPERT,
            "Ouderenadviseur WIJ Vinkhuizen",
            "Via het wijkteam; spreekuur op dinsdag in het buurthuis",
            None,
        ),
        (
            KnowledgeKind.PRACTICE,
            "Koffie op de hoek (Groningen-Zuid): buurtbewoners nodigen buren uit",
            "Verslag van het wijkteam Zuid, 2024",
            None,
        ),
    ]
    for kind, title, reference, expert in knowledge:
        services.add_knowledge(plg, by=student, kind=kind, title=title, reference=reference, expert=expert)

    services.add_result(
        plg,
        by=wijkteam,
        title="Overzicht van vindplaatsen van eenzame ouderen in Vinkhuizen",
        achieved_on=today - 50 * day,
        description=(
            "Een kaart met de plekken waar ouderen komen (apotheek, bibliotheek, kerk, supermarkt) en wie daar "
            "signaleert. Het wijkteam gebruikt hem al bij nieuwe meldingen."
        ),
    )

    project = services.start_project(
        partnership,
        by=wijkteam,
        group=plg,
        title="Hoe bereiken we eenzame ouderen in Vinkhuizen?",
        problem_statement=(
            "Het wijkteam weet dat er in Vinkhuizen veel ouderen alleen wonen, maar bereikt vooral ouderen die zelf "
            "of via familie hulp vragen. Ouderen die zich terugtrekken blijven buiten beeld tot er een crisis is."
        ),
    )
    steps: list[tuple[str, dict[str, str]]] = [
        (
            Phase.PROBLEM,
            {
                "problem_statement": project.problem_statement,
                "research_questions": (
                    "1. Waar en door wie worden eenzame ouderen in Vinkhuizen gezien?\n"
                    "2. Welke manieren van benaderen sluiten aan bij ouderen die zelf geen hulp vragen?\n"
                    "3. Wat hebben wijkcoaches nodig om die benadering vol te houden?"
                ),
            },
        ),
        (
            Phase.THEORY,
            {
                "existing_knowledge": (
                    "Eenzame ouderen vragen zelden zelf om hulp; schaamte speelt een rol. Persoonlijk contact via "
                    "vertrouwde personen werkt beter dan schriftelijke uitnodigingen. Huisbezoeken zonder concrete "
                    "aanleiding worden soms als bemoeizucht ervaren."
                ),
                "sources": (
                    "Kennis van Movisie over eenzaamheid; de literatuurverkenning van de student; "
                    "registratie van het wijkteam 2024."
                ),
                "experts_consulted": (
                    "De ouderenadviseur van WIJ Vinkhuizen, twee wijkverpleegkundigen en de apotheker in de wijk."
                ),
                "theory_conclusions": (
                    "De ingang is een vertrouwd persoon en een concrete, laagdrempelige aanleiding. Folders en "
                    "algemene bijeenkomsten bereiken juist deze ouderen niet."
                ),
            },
        ),
        (
            Phase.HYPOTHESIS,
            {
                "working_hypothesis": (
                    "Als wijkcoaches meegaan met iemand die de oudere al vertrouwt (de wijkverpleging, de apotheek) "
                    "en een concrete aanleiding hebben, bereiken we meer ouderen die zelf geen hulp vragen dan met "
                    "uitnodigingen voor bijeenkomsten."
                ),
            },
        ),
    ]
    for phase, values in steps:
        services.save_phase(project, by=wijkteam, phase=phase, values=values, advance=True)

    services.save_experiment(
        project,
        by=wijkteam,
        title="Huisbezoeken samen met de wijkverpleging",
        starts_on=today - 40 * day,
        ends_on=today - 12 * day,
        description=(
            "Bij een gepland bezoek van de wijkverpleging gaat een wijkcoach mee, met instemming van de oudere."
        ),
        data_collected="Tien bezoeken; na elk bezoek een kort verslag en na twee weken een belrondje.",
        what_worked=(
            "Zeven van de tien ouderen wilden een vervolgafspraak. De vertrouwde verpleegkundige maakte het verschil; "
            "een eerste bezoek van de wijkcoach alleen werd twee keer afgehouden."
        ),
    )
    services.save_experiment(
        project,
        by=student,
        title="Koffieochtend in de bibliotheek",
        starts_on=today - 10 * day,
        description="Elke donderdag koffie in de bibliotheek, aangekondigd via de apotheek en de kapper.",
        data_collected="Turven wie er komt en hoe ze ervan hoorden; korte gesprekjes met bezoekers.",
    )
    for name, role, how in [
        ("Ouderen in Vinkhuizen", "residents", "Bezocht in de proefjes; twee ouderen denken mee over de aanpak."),
        ("Wijkverpleging Vinkhuizen", "colleagues", "Gaan mee op huisbezoek en signaleren."),
        ("Apotheek en bibliotheek Vinkhuizen", "other", "Kondigen de koffieochtend aan."),
        ("Studenten Social Work, jaar 3", "learners", "Doen de gesprekken en verwerken de gegevens."),
    ]:
        services.add_involved(project, name=name, role=role, how=how)


def _groningen(partnership: Partnership) -> None:
    group = (
        Group.objects.filter(partnership=partnership, kind=GroupKind.WORKING)
        .filter(name="Werkgroep Werkgeversbenadering")
        .first()
    )
    if group is None or ResearchProject.objects.filter(group=group).exists():
        return
    services.start_project(
        partnership,
        by=_user("member@demo.nl"),
        group=group,
        title="Waarom haken werkgevers af na de eerste deelnemer?",
        problem_statement=(
            "Veel werkgevers bieden één keer een leerplek en daarna niet meer. We weten niet waarom, en vragen het "
            "ze ook niet."
        ),
    )

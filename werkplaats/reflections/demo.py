"""Demo reflection: Groningen's steering network looked back once (answers from three members, a
summary and two follow-up actions) and has its next session planned; the professionele
werkplaats has its own prompt set and the built-in "Professionele ruimte" set for annual
conversations, in Dutch and in English."""

from __future__ import annotations

import datetime

from django.utils import timezone

from werkplaats.partnerships.models import GroupKind, MemberRole, Partnership

from . import services
from .models import PromptSet, ReflectionSession
from .starting_sets import PROFESSIONAL_SPACE

PROMPTS = [
    "Zitten we nog op de goede weg?",
    "Is iedereen nog betrokken en geïnspireerd?",
    "Gaan we er nog voor met elkaar?",
    "Zitten de juiste mensen aan de juiste tafels, met mandaat en expertise?",
    "Welke kleine stappen zijn gelukt, en hebben we die gevierd?",
    "Weet de achterban in onze organisaties wat we doen en wat het oplevert?",
]

ANSWERS = [
    [
        "Ja. De doorlooptijd van aanmelding tot praktijkverklaring is korter geworden, al halen we de "
        "drie maanden nog niet overal.",
        "De stuurgroep wel; bij de werkgevers zakt het enthousiasme na de eerste plaatsing soms in.",
        "Zeker. Wel moeten we vaker samen bij werkgevers langs.",
        "Het UWV mist nog aan tafel bij de werkgroep werkgevers.",
        "Het werkgeversontbijt was een succes, maar we hebben het niet gedeeld met de teams.",
        "Nauwelijks. Mijn collega's in de wijkteams kennen praktijkleren niet.",
    ],
    [
        "Grotendeels. We moeten scherper kiezen voor de sectoren met tekorten.",
        "Ik merk dat de docenten die begeleiden overbelast raken.",
        "Ja, als we de planning van de beoordelingen beter regelen.",
        "Ja, al zou een praktijkopleider uit de zorg ons helpen.",
        "De eerste praktijkverklaringen in de logistiek, dat mag gevierd worden.",
        "Op school weten alleen de BPV-coördinatoren ervan.",
    ],
    [
        "Ja, de afspraken uit het convenant werken.",
        "Betrokken wel, geïnspireerd minder: we praten veel over formulieren.",
        "Ik wel. Laten we elk kwartaal één concreet resultaat kiezen.",
        "Voor de strategische tafel wel; operationeel missen we de werkgevers.",
        "Ja: tien nieuwe erkende leerbedrijven in Oost-Groningen.",
        "Nee, daar is een nieuwsbrief of bijeenkomst voor nodig.",
    ],
]

SUMMARY = (
    "We zitten op de goede weg: de afspraken uit het convenant werken en de eerste praktijkverklaringen "
    "in de logistiek zijn binnen. Betrokkenheid is er, maar de inspiratie lijdt onder administratie en "
    "de begeleiders op school raken overbelast. De achterban in de eigen organisaties weet te weinig van "
    "wat we doen, en werkgevers en het UWV missen aan de operationele tafel.\n\n"
    "Afgesproken: een nieuwsbrief voor de achterban na elke stuurgroep, en het UWV en een praktijkopleider "
    "uitnodigen voor de werkgroep werkgevers."
)


def _prompt_set(partnership: Partnership, name: str) -> PromptSet:
    found = partnership.prompt_sets.filter(name=name).first()
    return found or services.save_prompt_set(partnership, name=name, texts=PROMPTS)


def _starting_set(partnership: Partnership, key: str, language: str) -> PromptSet:
    found = partnership.prompt_sets.filter(built_in=key, language=language).first()
    return found or services.add_starting_set(partnership, key=key, language=language)


def load(groningen: Partnership, werkplaats: Partnership) -> None:
    _prompt_set(werkplaats, "Reflectie in de werkplaats")
    for language in ("nl", "en"):
        _starting_set(werkplaats, PROFESSIONAL_SPACE.key, language)
    chosen = _prompt_set(groningen, "Reflectie op de samenwerking")
    members = list(groningen.members.active().select_related("user").order_by("pk"))
    if not members or ReflectionSession.objects.filter(partnership=groningen).exists():
        return
    manager = next((m.user for m in members if m.role == MemberRole.MANAGER), members[0].user)
    today = timezone.localdate()

    # The session in the spring: planned for today, then dated back, since planning looks ahead.
    past = services.plan_session(
        groningen, by=manager, title="Reflectie voorjaar: gaan we er nog voor?", scheduled_on=today, prompt_set=chosen
    )
    held_on = today - datetime.timedelta(days=35)
    ReflectionSession.objects.filter(pk=past.pk).update(scheduled_on=held_on)
    past.refresh_from_db()
    prompts = list(past.prompts.order_by("position"))
    for member, answers in zip(members[:3], ANSWERS, strict=False):
        services.save_answers(
            past, by=member.user, answers={p.pk: text for p, text in zip(prompts, answers, strict=False)}
        )
    owners = [m.user for m in members]
    services.close_session(
        past,
        by=manager,
        summary=SUMMARY,
        follow_ups=[
            services.FollowUp(
                row=1,
                title="Nieuwsbrief voor de achterban na elke stuurgroepvergadering",
                owner=owners[0],
                due_on=today + datetime.timedelta(days=14),
            ),
            services.FollowUp(
                row=2,
                title="UWV en een praktijkopleider uit de zorg uitnodigen voor de werkgroep werkgevers",
                owner=owners[1 % len(owners)],
                due_on=today + datetime.timedelta(days=28),
            ),
        ],
    )
    ReflectionSession.objects.filter(pk=past.pk).update(closed_at=timezone.now() - datetime.timedelta(days=33))

    steering = groningen.groups.open().filter(kind=GroupKind.STEERING).order_by("pk").first()
    services.plan_session(
        groningen,
        by=manager,
        title="Reflectie najaar: zitten we nog op de goede weg?",
        scheduled_on=today + datetime.timedelta(days=21),
        group=steering,
        prompt_set=chosen,
    )

"""The built-in prompt sets a partnership can start from, written out in every language.

The text is kept here rather than in the message catalogue: a set is stored in the language the
manager chooses for it, whatever language the manager's own screen is in, so each language's
copy must exist on its own. A partnership that adds a set gets a copy, which it can change.
"""

from __future__ import annotations

from dataclasses import dataclass

from .models import PromptSetPurpose


@dataclass(frozen=True)
class StartingSet:
    key: str
    purpose: PromptSetPurpose
    names: dict[str, str]  # language code → name
    prompts: dict[str, list[str]]  # language code → prompts, in the same order in every language


# Seed 002's last tip (its three questions first), then questions drawn from its other tips: the
# right people at the right tables, steering on results, small steps and celebrated successes,
# each other's world, the rank and file.
PARTNERSHIP = StartingSet(
    key="partnership",
    purpose=PromptSetPurpose.REFLECTION,
    names={"nl": "Reflectie op de samenwerking", "en": "Reflecting on the partnership"},
    prompts={
        "nl": [
            "Zitten we nog op de goede weg?",
            "Is iedereen nog betrokken en geïnspireerd?",
            "Gaan we er nog voor met elkaar?",
            "Zitten de juiste mensen aan de juiste tafels, met het mandaat en de deskundigheid die het werk vraagt?",
            "Stuurt de stuurgroep op resultaten, en weten de werkgroepen wat ze moeten opleveren?",
            "Welke kleine stappen zijn sinds de vorige keer gelukt, en hebben we die gevierd?",
            "Begrijpen we elkaars wereld goed genoeg: wat heeft de ander nodig?",
            "Weten de mensen in onze eigen organisaties wat we doen en wat het heeft opgeleverd?",
        ],
        "en": [
            "Are we still on the right road?",
            "Is everyone still involved and inspired?",
            "Are we still going for it, together?",
            "Are the right people at the right tables, with the mandate and expertise the work needs?",
            "Does the steering group steer on results, and do the working groups know what they must deliver?",
            "Which small steps succeeded since last time, and did we celebrate them?",
            "Do we understand each other's world well enough: what does the other side need?",
            "Do the people in our own organisations know what we do and what it has brought?",
        ],
    },
)

# Seed 004's starting points for a conversation about professional space, in the platform's own
# words and for any profession, not only teaching: being the professional you want to be, what
# you need to grow, shared aims, room to experiment, results that are seen, working together,
# feedback among colleagues, and what the manager or coach can do.
PROFESSIONAL_SPACE = StartingSet(
    key="professional-space",
    purpose=PromptSetPurpose.CONVERSATION,
    names={"nl": "Professionele ruimte", "en": "Professional space"},
    prompts={
        "nl": [
            "Heb je hier de ruimte om te werken als de professional die je wilt zijn?",
            "Wat zou je helpen om je verder te ontwikkelen in je vak?",
            "Streven we hier dezelfde doelen na met ons werk? Waar dat niet zo is: hoe merk je dat in je eigen werk?",
            "Is er ruimte om nieuwe aanpakken uit te proberen waar je in gelooft?",
            "Merk je dat anderen zien wat je bereikt, en dat ze het waarderen?",
            "Hoe ervaar je de samenwerking met je collega's: helpt die je verder en geeft die je energie?",
            "Bespreken jij en je collega's elkaars werk, en heb je iets aan die feedback?",
            "Wat kan je leidinggevende of coach doen om je meer te stimuleren en op weg te helpen?",
        ],
        "en": [
            "Do you have room here to work as the professional you want to be?",
            "What would help you grow further in your profession?",
            "Do we share the same aims for our work here? Where we do not: how does that show in your own work?",
            "Is there room to try out new approaches you believe in?",
            "Do you notice that others see what you achieve, and that they value it?",
            "How do you experience working with your colleagues: does it move you forward and give you energy?",
            "Do you and your colleagues discuss each other's work, and does that feedback help you?",
            "What could your manager or coach do to encourage you more and help you on your way?",
        ],
    },
)

STARTING_SETS: dict[str, StartingSet] = {s.key: s for s in (PARTNERSHIP, PROFESSIONAL_SPACE)}

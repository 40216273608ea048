"""The default statements of the scan template, written from the descriptions in seed 000.

They are data, not interface text: once copied into a partnership's template they are that
partnership's own words, which its manager rewords, reorders or switches off. So they are kept
here in both languages, and a partnership's template starts in the platform's language (Dutch),
or in English when asked for. Translating them through gettext would translate only the
defaults, never a partnership's own statements, and would change a template's text under the
feet of a round that copied it.
"""

from __future__ import annotations

from .models import Element

# element: [(Dutch, English), ...]
DEFAULT_STATEMENTS: dict[str, list[tuple[str, str]]] = {
    Element.LOS: [
        (
            "Studenten, docenten, professionals en burgers leren in onze werkplaats van en met elkaar.",
            "Students, teachers, professionals and citizens learn from and with each other in our workplace.",
        ),
        (
            "We leren tijdens het werk zelf, niet alleen in aparte bijeenkomsten.",
            "We learn during the work itself, not only in separate meetings.",
        ),
        (
            "Vragen uit de praktijk onderzoeken we samen, en we gebruiken wat we vinden in ons werk.",
            "We research questions from practice together, and we use what we find in our work.",
        ),
        (
            "Wat we leren, delen we met collega's in de eigen organisatie.",
            "We share what we learn with colleagues in our own organisation.",
        ),
    ],
    Element.GOC: [
        (
            "Ik voel me vrij om buiten de grenzen van mijn eigen vak of organisatie te werken.",
            "I feel free to work beyond the boundaries of my own profession or organisation.",
        ),
        (
            "We hebben gezamenlijke waarden en opvattingen over goed werk in de werkplaats.",
            "We share values and views on what good work in the workplace is.",
        ),
        (
            "Nieuwe ideeën en experimenten worden hier gewaardeerd, ook als ze mislukken.",
            "New ideas and experiments are valued here, even when they fail.",
        ),
        (
            "Verschillen tussen onderwijs en praktijk zien we als bron om van te leren.",
            "We see differences between education and practice as a source of learning.",
        ),
    ],
    Element.LEA: [
        (
            "Leiderschap is gedeeld: wie de kennis heeft, neemt het voortouw.",
            "Leadership is shared: whoever has the knowledge takes the lead.",
        ),
        (
            "Ik heb de ruimte om als professional zelf keuzes te maken in de werkplaats.",
            "As a professional I have room to make my own choices in the workplace.",
        ),
        (
            "Ik voel me mede-eigenaar van wat we samen doen.",
            "I feel co-owner of what we do together.",
        ),
        (
            "Er is vertrouwen en gelijkwaardigheid tussen de partners, ongeacht hun omvang of positie.",
            "There is trust and equality between the partners, whatever their size or position.",
        ),
    ],
    Element.SRI: [
        (
            "We hebben een gezamenlijke visie op waarom we samenwerken.",
            "We have a shared vision of why we work together.",
        ),
        (
            "De verwachtingen en belangen van alle partners zijn uitgesproken.",
            "The expectations and interests of all partners have been made explicit.",
        ),
        (
            "Doelen, randvoorwaarden en aanpak zijn vastgelegd en bekend bij wie ermee werkt.",
            "Goals, conditions and approach are agreed in writing and known to those who work with them.",
        ),
        (
            "Rollen en taken in de werkplaats zijn duidelijk, en we passen ze aan als dat nodig is.",
            "Roles and tasks in the workplace are clear, and we adjust them when needed.",
        ),
    ],
    Element.VMM: [
        (
            "Mijn organisatie maakt voldoende tijd vrij voor de werkplaats.",
            "My organisation frees up enough time for the workplace.",
        ),
        (
            "De juiste mensen, met een goede mix van kwaliteiten, doen mee.",
            "The right people, with a good mix of qualities, take part.",
        ),
        (
            "Er is genoeg geld en ruimte om de werkplaats te laten draaien.",
            "There is enough money and space to keep the workplace running.",
        ),
        (
            "De inzet van mensen en middelen is ook op langere termijn geborgd.",
            "The commitment of people and means is secured for the longer term too.",
        ),
    ],
    Element.VOR: [
        (
            "We kennen elkaar en weten elkaar te vinden, op strategisch, tactisch en operationeel niveau.",
            "We know each other and find each other easily, at strategic, tactical and operational level.",
        ),
        (
            "We staan open voor elkaars behoeften en perspectief.",
            "We are open to each other's needs and perspective.",
        ),
        (
            "Relaties tussen de partners worden actief onderhouden, niet alleen als er iets nodig is.",
            "Relationships between the partners are actively maintained, not only when something is needed.",
        ),
        (
            "Spanningen bespreken we open en op tijd.",
            "We discuss tensions openly and in time.",
        ),
    ],
}

LANGUAGES = ("nl", "en")


def default_statements(language: str) -> list[tuple[str, str]]:
    """(element, text) in element order, in ``language`` ("nl" or "en"; anything else is Dutch)."""
    index = 1 if language.startswith("en") else 0
    return [(element, pair[index]) for element in Element.values for pair in DEFAULT_STATEMENTS[element]]

"""Demo content for the calendar: in Groningen a steering-group meeting, a working-group meeting
and the information session for employers (20 places, a few taken by members and two by guests
who signed up on its public page), one for candidates, and a
partnership meeting that took place; in the professionele werkplaats a meeting of the learning
community. Dates are counted from today, so the calendar always has something coming up."""

from __future__ import annotations

import datetime

from django.utils import timezone

from werkplaats.accounts.models import User
from werkplaats.partnerships.models import Group, GroupKind, Partnership

from .models import Event, EventKind, GuestRegistration, Registration, RegistrationStatus


def _at(days: int, hour: int, minute: int = 0) -> datetime.datetime:
    """``days`` from today (moved to the Monday after, if that is a weekend day) at a local time."""
    day = timezone.localdate() + datetime.timedelta(days=days)
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def _event(
    partnership: Partnership, *, start: datetime.datetime, hours: float, organiser: User | None, **fields: object
) -> Event:
    return Event.objects.create(
        partnership=partnership,
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=hours),
        organiser=organiser,
        created_by=organiser,
        created_at=start - datetime.timedelta(days=21),
        updated_at=start - datetime.timedelta(days=21),
        **fields,
    )


def _user(email: str) -> User | None:
    return User.objects.filter(email=email).first()


def _sign_up(event: Event, emails: list[str]) -> None:
    for i, email in enumerate(emails):
        user = _user(email)
        if user is not None:
            Registration.objects.create(
                event=event,
                user=user,
                status=RegistrationStatus.CONFIRMED,
                signed_up_at=event.created_at + datetime.timedelta(days=1, hours=i),
            )


def _guests(event: Event, guests: list[tuple[str, str, str, str]]) -> None:
    """Guests who signed up on the public page (no cancel link: the demo sends no e-mail)."""
    for i, (name, email, organisation, phone) in enumerate(guests):
        signed_up_at = event.created_at + datetime.timedelta(days=2, hours=i)
        GuestRegistration.objects.create(
            event=event,
            status=RegistrationStatus.CONFIRMED,
            name=name,
            email=email,
            organisation=organisation,
            phone=phone,
            language="nl",
            consent_at=signed_up_at,
            signed_up_at=signed_up_at,
        )


def _group(partnership: Partnership, kind: str, name: str | None = None) -> Group | None:
    groups = partnership.groups.filter(kind=kind)
    if name is not None:
        groups = groups.filter(name=name)
    return groups.order_by("pk").first()


def load(groningen: Partnership, werkplaats: Partnership) -> None:
    coordinator = _user("coordinator@demo.nl")
    steering = _group(groningen, GroupKind.STEERING)
    if steering is not None:
        _event(
            groningen,
            kind=EventKind.GROUP_MEETING,
            group=steering,
            title="Stuurgroepoverleg Praktijkleren",
            start=_at(12, 14),
            hours=2,
            organiser=coordinator,
            location="Gemeente Groningen, Stadhuis, Grote Markt 1, Groningen (kamer 2.14)",
            description=(
                "Agenda: 1. voortgangsrapportage Werkgroep Werkgeversbenadering; 2. stand van de "
                "convenantsdoelen (aantal praktijkverklaringen dit jaar); 3. voorstel route praktijkverklaring "
                "naar diploma; 4. rondvraag."
            ),
        )
    employers = _group(groningen, GroupKind.WORKING, "Werkgroep Werkgeversbenadering")
    if employers is not None:
        _event(
            groningen,
            kind=EventKind.GROUP_MEETING,
            group=employers,
            title="Werkgroep Werkgeversbenadering: verdeling werkgeverslijst",
            start=_at(5, 9, 30),
            hours=1.5,
            organiser=employers.coordinator,
            online_url="https://meet.example.nl/werkgeversbenadering",
            description=(
                "We verdelen de nieuwe werkgevers over de accountmanagers en bereiden het werkgeversontbijt voor."
            ),
        )
    session_start = _at(19, 16)
    session = _event(
        groningen,
        kind=EventKind.EMPLOYER_SESSION,
        title="Informatiebijeenkomst praktijkleren voor werkgevers",
        start=session_start,
        hours=1.5,
        organiser=coordinator,
        location="Noorderpoort, Sylviuslaan 1, Groningen",
        description=(
            "Wat levert praktijkleren u als werkgever op? Hoe wordt u erkend leerbedrijf, wat doet een "
            "praktijkopleider en hoe ziet een traject naar een praktijkverklaring eruit? Met ervaringen van "
            "Hilvers Bakkerij en VRP Klimatechniek. Ondernemers zonder account melden zich aan op de openbare "
            "aanmeldpagina."
        ),
        signup_required=True,
        capacity=20,
        signup_deadline=session_start - datetime.timedelta(days=2),
        guest_signup=True,
    )
    _sign_up(session, ["werkgever@demo.nl", "trainer@demo.nl", "school@demo.nl", "member@demo.nl"])
    _guests(
        session,
        [
            ("Annemiek Dijkstra", "a.dijkstra@bloemenhuis.example.nl", "Bloemenhuis Dijkstra", "050 311 2233"),
            ("Ruben Hofstede", "ruben@hofstede-installatie.example.nl", "Hofstede Installatietechniek", ""),
        ],
    )
    _event(
        groningen,
        kind=EventKind.CANDIDATE_SESSION,
        title="Informatiebijeenkomst leren in de praktijk voor werkzoekenden",
        start=_at(26, 10),
        hours=1.5,
        organiser=_user("consultant@demo.nl") or coordinator,
        location="Werkplein Groningen, Kreupelstraat 1, Groningen",
        description=(
            "Voor klantmanagers en jobcoaches die deelnemers willen aanmelden: wie komt in aanmerking, welke "
            "leerroutes zijn er (BBL, derde leerweg, praktijkleren) en hoe verloopt de intake."
        ),
        signup_required=True,
    )
    _event(
        groningen,
        kind=EventKind.PARTNERSHIP_MEETING,
        title="Partnerbijeenkomst: een jaar praktijkleren in de regio",
        start=_at(-30, 15),
        hours=2.5,
        organiser=coordinator,
        location="Alfa-college, Boumaboulevard 573, Groningen",
        description="Terugblik op het eerste jaar, de eerste 50 praktijkverklaringen en de plannen voor volgend jaar.",
    )

    community = _group(werkplaats, GroupKind.LEARNING_COMMUNITY)
    if community is not None:
        _event(
            werkplaats,
            kind=EventKind.GROUP_MEETING,
            group=community,
            title="PLG-bijeenkomst: eerste uitkomsten van de huisbezoeken",
            start=_at(8, 13, 30),
            hours=2,
            organiser=community.coordinator,
            location="Wijkcentrum Vinkhuizen, Groningen",
            online_url="https://meet.example.nl/plg-samen-in-de-wijk",
            description=(
                "We bespreken wat studenten en wijkcoaches zagen bij de huisbezoeken aan ouderen en kiezen het "
                "volgende experiment."
            ),
        )

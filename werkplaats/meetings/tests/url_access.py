"""This app's part of the URL-walking access test; see werkplaats/partnerships/tests/url_access.py.

Every member reads the calendar, opens an event, downloads it and signs up (the sign-up pages ask
to confirm on GET and act on POST only). Planning, changing and cancelling an event is for the
manager (or a group's coordinator, for its meetings): the consultant and the external
administrator, who coordinate no group, get 403 there.

The private feed (``meetings:feed-ics``) is public: calendar programs cannot log in, so the token
in its address is the credential. The page that makes the token (``meetings:feed``) needs a login
and has no parameters: it is everyone's own page.

The session of this world is opened to guests: its public sign-up page and a guest's cancel link
are public (guests have no account), and its guest list as CSV is for the organiser and the
manager (the coordinator is both), so the consultant and the administrator get 403 there."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.utils import timezone

from werkplaats.meetings.models import Event, EventKind
from werkplaats.partnerships.tests.url_access import manager, partnership_of

TITLE = "Werkgeversontbijt Praktijkleren"


def _event(w: Any) -> Event:
    partnership = partnership_of(w)
    found = Event.objects.filter(partnership=partnership, title=TITLE).first()
    if found is not None:
        return found
    starts = timezone.now().replace(microsecond=0) + datetime.timedelta(days=30)
    return Event.objects.create(
        partnership=partnership,
        kind=EventKind.EMPLOYER_SESSION,
        title=TITLE,
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=2),
        location="Gemeentehuis Haren, Raadhuisplein 10",
        signup_required=True,
        capacity=20,
        guest_signup=True,
        organiser=w.coordinator,
        created_by=w.coordinator,
    )


def _slug(w: Any) -> dict[str, Any]:
    return {"slug": partnership_of(w).slug}


def _one(w: Any) -> dict[str, Any]:
    return {"slug": partnership_of(w).slug, "pk": _event(w).pk}


KWARGS: dict[str, Callable[[Any], dict[str, Any]]] = {
    "meetings:list": _slug,
    "meetings:past": _slug,
    "meetings:add": _slug,
    "meetings:detail": _one,
    "meetings:edit": _one,
    "meetings:cancel": _one,
    "meetings:sign-up": _one,
    "meetings:sign-off": _one,
    "meetings:ics": _one,
    "meetings:guest-export": _one,
    "meetings:guest-page": lambda w: {"public_id": _event(w).public_id},
    # A token nobody holds: the cancel link answers 404 (real tokens are random and kept hashed).
    "meetings:guest-cancel": lambda w: {"token": "onbekend-token-zonder-aanmelding"},
    # A token nobody holds: the feed answers 404 (the real tokens are random and kept hashed).
    "meetings:feed-ics": lambda w: {"token": "onbekend-token-zonder-agenda"},
}

RESTRICTED: dict[str, Callable[[Any], Any]] = {
    "meetings:add": manager,
    "meetings:edit": manager,
    "meetings:cancel": manager,
    "meetings:guest-export": manager,
}

PUBLIC: dict[str, str] = {
    "meetings:feed-ics": (
        "calendar programs cannot log in: the random token (256 bits, kept hashed, revocable) in the "
        "address is the credential; an unknown token is a 404"
    ),
    "meetings:guest-page": (
        "an information session's sign-up page for guests, who have no account: it shows only what the "
        "organiser opened to guests, behind a random address, and is a 404 unless the session is open to guests"
    ),
    "meetings:guest-cancel": (
        "a guest's private cancel link: the random token (256 bits, kept hashed, forgotten once used) is the "
        "credential; an unknown or used token is a 404"
    ),
}

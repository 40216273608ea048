"""iCalendar (RFC 5545) for the calendar: one event as a download, and a person's feed.

Times are written in UTC (``...Z``): events never recur here, so UTC is exact, every calendar
shows it in its own time zone, and no VTIMEZONE block is needed. Each event keeps its UID across
changes and raises its SEQUENCE on each change, so calendars update it in place; a cancelled event
stays in the feed with STATUS:CANCELLED, so calendars remove or strike it through.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

import icalendar
from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .models import Event, RegistrationStatus

PRODID = "-//Werkplaats//Kalender//NL"
# How far back the feed goes: calendars keep what they already have.
FEED_HISTORY = datetime.timedelta(days=180)


def _utc(moment: datetime.datetime) -> datetime.datetime:
    return moment.astimezone(datetime.UTC)


def _description(event: Event, status: str | None, url: str) -> str:
    lines = []
    if status == RegistrationStatus.CONFIRMED:
        lines.append(_("You are signed up."))
    elif status == RegistrationStatus.WAITING:
        lines.append(_("You are on the waiting list."))
    if event.is_cancelled:
        lines.append(_("This event has been cancelled."))
        if event.cancel_reason:
            lines.append(event.cancel_reason)
    if event.description:
        lines.append(event.description)
    if event.online_url:
        lines.append(_("Join online: %(link)s") % {"link": event.online_url})
    lines.append(url)
    return "\n\n".join(lines)


def vevent(event: Event, *, status: str | None = None) -> icalendar.Event:
    """``event`` as a VEVENT; ``status`` is the reader's sign-up status, if any."""
    url = settings.WERKPLAATS_BASE_URL.rstrip("/") + event.get_absolute_url()
    component = icalendar.Event()
    component.add("uid", f"{event.uid}@werkplaats")
    component.add("dtstamp", _utc(event.updated_at))
    component.add("last-modified", _utc(event.updated_at))
    component.add("created", _utc(event.created_at))
    component.add("sequence", event.sequence)
    component.add("dtstart", _utc(event.starts_at))
    component.add("dtend", _utc(event.ends_at))
    component.add("summary", event.title)
    component.add("description", _description(event, status, url))
    location = event.location or event.online_url
    if location:
        component.add("location", location)
    component.add("url", url)
    component.add("status", "CANCELLED" if event.is_cancelled else "CONFIRMED")
    component.add("categories", [str(event.get_kind_display())])
    if event.organiser is not None and event.organiser.email:
        component.add("organizer", f"mailto:{event.organiser.email}", parameters={"cn": str(event.organiser)})
    return component


def calendar(events: Iterable[Event], *, name: str, statuses: dict[int, str] | None = None) -> bytes:
    """A VCALENDAR with ``events``; ``statuses`` maps event ids to the reader's sign-up status."""
    statuses = statuses or {}
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    cal.add("x-published-ttl", "PT1H")
    for event in events:
        cal.add_component(vevent(event, status=statuses.get(event.pk)))
    return cal.to_ical()


def feed_events(user: Any) -> Any:
    """The events of every partnership ``user`` is a member of, from half a year back."""
    return Event.objects.visible_to(user).filter(ends_at__gte=timezone.now() - FEED_HISTORY)


def feed_for(user: Any) -> bytes:
    """``user``'s feed, in their language."""
    from .models import Registration

    with translation.override(getattr(user, "language", None) or settings.LANGUAGE_CODE):
        events = feed_events(user)
        statuses = dict(
            Registration.objects.active()
            .filter(user_id=user.pk, event__in=events.values("pk"))
            .values_list("event_id", "status")
        )
        events = events.select_related("partnership", "organiser").order_by("starts_at", "pk")
        return calendar(events, name=_("Werkplaats calendar"), statuses=statuses)

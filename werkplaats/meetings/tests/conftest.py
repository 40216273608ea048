from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from werkplaats.meetings.models import Event, EventKind
from werkplaats.partnerships.tests.factories import Cast, cast


@pytest.fixture
def c(db: None) -> Cast:
    """A partnership with a manager and a member on the steering group, a working group whose
    coordinator is ``c.worker``, a member in no group and an outsider."""
    return cast()


def client_for(user: Any) -> Client:
    """A client logged in as ``user``, who reads the pages in English (the source language)."""
    if user.language != "en":
        user.language = "en"
        user.save(update_fields=["language"])
    client = Client()
    client.force_login(user)
    return client


def soon(days: float = 7, hour: int = 10) -> datetime.datetime:
    """A moment ``days`` from now, on the hour (local time)."""
    moment = timezone.localtime() + datetime.timedelta(days=days)
    return moment.replace(hour=hour, minute=0, second=0, microsecond=0)


MakeEvent = Callable[..., Event]


@pytest.fixture
def make_event(c: Cast) -> MakeEvent:
    """An event of ``c.partnership`` (an information session with sign-up unless told otherwise),
    written directly, so a test can set up any state."""

    def make(**fields: Any) -> Event:
        start = fields.pop("starts_at", soon())
        values: dict[str, Any] = {
            "partnership": c.partnership,
            "kind": EventKind.EMPLOYER_SESSION,
            "title": "Informatiebijeenkomst praktijkleren voor werkgevers",
            "starts_at": start,
            "ends_at": start + datetime.timedelta(hours=2),
            "location": "Sylviuslaan 1, Groningen",
            "signup_required": True,
            "organiser": c.manager.user,
            "created_by": c.manager.user,
        }
        values.update(fields)
        return Event.objects.create(**values)

    return make


@pytest.fixture
def demo_partnerships(demo: None) -> tuple[Any, Any]:
    """The two demo partnerships, with their members and groups, and no events of this app yet."""
    from werkplaats.meetings.models import Event
    from werkplaats.partnerships.demo import GRONINGEN, WERKPLAATS
    from werkplaats.partnerships.models import Partnership

    Event.objects.all().delete()  # in case the project's demo already loads this app's part
    return Partnership.objects.get(slug=GRONINGEN), Partnership.objects.get(slug=WERKPLAATS)

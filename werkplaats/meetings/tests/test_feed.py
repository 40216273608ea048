"""The private calendar feed (made, renewed, revoked; the token is the credential) and the
iCalendar it holds, parsed back with icalendar."""

from __future__ import annotations

import datetime
import re
from typing import Any

import icalendar
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from werkplaats.meetings import services
from werkplaats.meetings.models import CalendarFeed, Event, EventKind, hash_token
from werkplaats.partnerships.tests.factories import Cast, cast

from .conftest import MakeEvent, client_for, soon


def _feed_url(token: str) -> str:
    return reverse("meetings:feed-ics", kwargs={"token": token})


def _events(content: bytes) -> dict[str, Any]:
    """The VEVENTs of an iCalendar, by SUMMARY."""
    calendar = icalendar.Calendar.from_ical(content)
    return {str(e["SUMMARY"]): e for e in calendar.walk("VEVENT")}


def test_the_feed_page_makes_an_address_shown_once_and_keeps_only_its_hash(c: Cast) -> None:
    client = client_for(c.member.user)
    url = reverse("meetings:feed")

    response = client.post(url, {"action": "renew"})

    page = response.content.decode()
    feed = CalendarFeed.objects.get(user=c.member.user)
    found = re.search(r'id="feed-url" type="text" readonly value="http://testserver/calendar/([^"]+)\.ics"', page)
    assert found is not None
    token = found.group(1)
    assert len(token) >= 43  # 32 random bytes, base64: 256 bits
    assert feed.token_hash == hash_token(token)
    assert token not in feed.token_hash
    assert token not in client.get(url).content.decode()  # never shown again
    assert Client().get(_feed_url(token)).status_code == 200


def test_the_feed_page_needs_a_login(db: None) -> None:
    response = Client().get(reverse("meetings:feed"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_a_revoked_address_stops_working(c: Cast) -> None:
    token = services.renew_feed(c.member.user)
    assert Client().get(_feed_url(token)).status_code == 200

    client_for(c.member.user).post(reverse("meetings:feed"), {"action": "revoke"})

    assert not CalendarFeed.objects.exists()
    assert Client().get(_feed_url(token)).status_code == 404


def test_a_renewed_address_replaces_the_old_one(c: Cast) -> None:
    old = services.renew_feed(c.member.user)
    new = services.renew_feed(c.member.user)

    assert Client().get(_feed_url(old)).status_code == 404
    assert Client().get(_feed_url(new)).status_code == 200
    assert CalendarFeed.objects.count() == 1


def test_an_unknown_token_is_a_404(db: None) -> None:
    assert Client().get(_feed_url("x" * 43)).status_code == 404


def test_the_feed_of_a_deactivated_person_is_a_404(c: Cast) -> None:
    token = services.renew_feed(c.member.user)
    c.member.user.is_active = False
    c.member.user.save()

    assert Client().get(_feed_url(token)).status_code == 404


def test_the_feed_holds_the_events_of_the_readers_partnerships_with_their_sign_ups(
    c: Cast, make_event: MakeEvent
) -> None:
    signed = make_event(title="Werkgeversontbijt", capacity=10)
    services.sign_up(signed, user=c.member.user)
    make_event(
        title="Stuurgroepoverleg",
        kind=EventKind.GROUP_MEETING,
        group=c.steering,
        signup_required=False,
        online_url="https://meet.example.nl/stuurgroep",
        location="",
    )
    cancelled = make_event(title="Afgelast", cancelled_at=timezone.now(), sequence=3)
    make_event(title="Lang geleden", starts_at=soon(days=-400))
    other = cast()
    Event.objects.create(
        partnership=other.partnership,
        kind=EventKind.PARTNERSHIP_MEETING,
        title="Van een ander",
        starts_at=soon(),
        ends_at=soon(hour=12),
        location="Assen",
    )
    c.member.user.language = "en"
    c.member.user.save()
    token = services.renew_feed(c.member.user)

    response = Client().get(_feed_url(token))

    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    events = _events(response.content)
    assert set(events) == {"Werkgeversontbijt", "Stuurgroepoverleg", "Afgelast"}
    ontbijt = events["Werkgeversontbijt"]
    assert str(ontbijt["UID"]) == f"{signed.uid}@werkplaats"
    assert ontbijt.decoded("DTSTART") == signed.starts_at
    assert ontbijt.decoded("DTEND") == signed.ends_at
    assert "DTSTAMP" in ontbijt
    assert int(ontbijt["SEQUENCE"]) == 0
    assert str(ontbijt["STATUS"]) == "CONFIRMED"
    assert "You are signed up." in str(ontbijt["DESCRIPTION"])
    assert str(events["Stuurgroepoverleg"]["LOCATION"]) == "https://meet.example.nl/stuurgroep"
    assert str(events["Afgelast"]["STATUS"]) == "CANCELLED"
    assert int(events["Afgelast"]["SEQUENCE"]) == cancelled.sequence == 3


def test_a_change_keeps_the_uid_and_raises_the_sequence_in_the_feed(c: Cast, make_event: MakeEvent) -> None:
    event = make_event(title="Werkgeversontbijt")
    token = services.renew_feed(c.manager.user)
    before = _events(Client().get(_feed_url(token)).content)["Werkgeversontbijt"]

    fields = {name: getattr(event, name) for name in services.EDITABLE}
    later = event.starts_at + datetime.timedelta(hours=1)
    services.update_event(
        event, by=c.manager.user, **{**fields, "starts_at": later, "ends_at": later + datetime.timedelta(hours=1)}
    )
    after = _events(Client().get(_feed_url(token)).content)["Werkgeversontbijt"]

    assert str(after["UID"]) == str(before["UID"])
    assert int(after["SEQUENCE"]) == int(before["SEQUENCE"]) + 1
    assert after.decoded("DTSTART") == later
    assert after.decoded("DTSTAMP") >= before.decoded("DTSTAMP")


def test_a_member_downloads_one_event(c: Cast, make_event: MakeEvent) -> None:
    event = make_event(title="Werkgeversontbijt")
    url = reverse("meetings:ics", kwargs={"slug": c.partnership.slug, "pk": event.pk})

    response = client_for(c.member.user).get(url)

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="werkgeversontbijt.ics"'
    assert list(_events(response.content)) == ["Werkgeversontbijt"]
    assert client_for(c.outsider).get(url).status_code == 404


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_the_feed_only_answers_reads(c: Cast, method: str) -> None:
    token = services.renew_feed(c.member.user)

    assert getattr(Client(), method)(_feed_url(token)).status_code == 405

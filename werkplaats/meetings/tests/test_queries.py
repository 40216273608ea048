"""The calendar, the past events and the dashboard panel take as many queries with 2 events as
with 6, each with sign-ups."""

from __future__ import annotations

from collections.abc import Callable

from django.db import connection
from django.template.loader import render_to_string
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from werkplaats.meetings import dashboard, services
from werkplaats.meetings.models import EventKind
from werkplaats.partnerships.access import partnership_access
from werkplaats.partnerships.models import GroupMember
from werkplaats.partnerships.tests.factories import Cast, join

from .conftest import MakeEvent, client_for, soon


def _grow(c: Cast, make_event: MakeEvent, n: int) -> None:
    """``n`` coming events (half of them meetings of the working group, which the signed-up people
    join) and ``n`` past ones, each with sign-ups of members and guests."""
    GroupMember.objects.get_or_create(group=c.working, member=c.member, left_on=None)
    for i in range(n):
        upcoming = make_event(title=f"Bijeenkomst {i}", starts_at=soon(days=3 + 20 * i), capacity=1)
        if i % 2:
            upcoming.kind, upcoming.group = EventKind.GROUP_MEETING, c.working
            upcoming.save()
        else:
            upcoming.guest_signup = True
            upcoming.save()
            services.sign_up_guest(
                upcoming,
                name=f"Gast {i}",
                email=f"gast{i}@example.nl",
                organisation="Bakkerij",
                language="nl",
                consent=True,
            )
        newcomer = join(c.partnership)
        GroupMember.objects.create(group=c.working, member=newcomer)
        services.sign_up(upcoming, user=newcomer.user)
        services.sign_up(upcoming, user=c.member.user)  # waits
        make_event(title=f"Geweest {i}", starts_at=soon(days=-3 - 20 * i))


def _count(request: Callable[[], object]) -> int:
    with CaptureQueriesContext(connection) as queries:
        request()
    return len(queries)


def _page_counts(c: Cast, make_event: MakeEvent, url_name: str) -> tuple[int, int]:
    client: Client = client_for(c.member.user)
    url = reverse(url_name, kwargs={"slug": c.partnership.slug})
    _grow(c, make_event, 2)
    client.get(url)  # warm up the session and the language
    small = _count(lambda: client.get(url))
    _grow(c, make_event, 4)
    return small, _count(lambda: client.get(url))


def test_the_calendar_does_not_grow_with_its_events(c: Cast, make_event: MakeEvent) -> None:
    small, large = _page_counts(c, make_event, "meetings:list")

    assert small == large


def test_the_past_events_do_not_grow_with_their_number(c: Cast, make_event: MakeEvent) -> None:
    small, large = _page_counts(c, make_event, "meetings:past")

    assert small == large


def test_the_dashboard_panel_takes_one_query(c: Cast, make_event: MakeEvent, rf: object) -> None:
    request = rf.get("/")  # type: ignore[attr-defined]
    request.user = c.member.user
    pa = partnership_access(request, c.partnership.slug)
    _grow(c, make_event, 2)

    with CaptureQueriesContext(connection) as queries:
        found = dashboard.panel(pa)
    assert found is not None
    assert len(queries) == 1
    assert [e.title for e in found["events"]] == ["Bijeenkomst 0", "Bijeenkomst 1"]
    assert [e.my_status for e in found["events"]] == ["waiting", "waiting"]
    _grow(c, make_event, 4)
    assert _count(lambda: dashboard.panel(pa)) == 1
    assert len(dashboard.panel(pa)["events"]) == 3  # type: ignore[index]


def test_the_panel_marks_where_the_reader_signed_up(c: Cast, make_event: MakeEvent, rf: object) -> None:
    event = make_event(starts_at=soon(days=2))
    services.sign_up(event, user=c.member.user)
    make_event(title="Zonder mij", starts_at=soon(days=3))
    request = rf.get("/")  # type: ignore[attr-defined]
    request.user = c.member.user
    pa = partnership_access(request, c.partnership.slug)

    with translation.override("en"):
        html = render_to_string(
            "meetings/_dashboard_panel.html", {"partnership": c.partnership, "pa": pa, "panel": dashboard.panel(pa)}
        )

    assert html.count("you are signed up") == 1
    assert html.index(event.title) < html.index("you are signed up") < html.index("Zonder mij")

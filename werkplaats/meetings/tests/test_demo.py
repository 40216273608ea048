"""The demo calendar, on the demo partnerships."""

from __future__ import annotations

from django.utils import timezone

from werkplaats.meetings import demo
from werkplaats.meetings.models import Event, EventKind
from werkplaats.partnerships.models import GroupKind, Partnership


def test_the_demo_fills_both_calendars(demo_partnerships: tuple[Partnership, Partnership]) -> None:
    groningen, werkplaats = demo_partnerships

    demo.load(groningen, werkplaats)

    session = Event.objects.get(title="Informatiebijeenkomst praktijkleren voor werkgevers")
    assert (session.partnership, session.capacity, session.kind) == (groningen, 20, EventKind.EMPLOYER_SESSION)
    assert session.registrations.confirmed().count() == 4
    assert session.is_open_to_guests and session.guests.confirmed().count() == 2
    assert session.signup_open()
    kinds = set(
        Event.objects.filter(partnership=groningen)
        .filter(kind=EventKind.GROUP_MEETING)
        .values_list("group__kind", flat=True)
    )
    assert kinds == {GroupKind.STEERING, GroupKind.WORKING}
    assert Event.objects.filter(partnership=groningen).past().exists()
    plg = Event.objects.get(partnership=werkplaats)
    assert plg.group is not None and plg.group.kind == GroupKind.LEARNING_COMMUNITY
    assert plg.starts_at > timezone.now()

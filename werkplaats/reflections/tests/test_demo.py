"""The demo gives Groningen one closed session (answers of three members, a summary, two
follow-up actions) and one planned session; the professionele werkplaats gets the built-in set
"Professionele ruimte" in Dutch and in English."""

from __future__ import annotations

import pytest

from werkplaats.partnerships.models import ActionOrigin
from werkplaats.partnerships.tests.factories import cast

from .. import demo
from ..models import Answer, SessionStatus

pytestmark = pytest.mark.django_db


def test_the_demo_reflects_in_groningen() -> None:
    groningen, werkplaats = cast(), cast()

    demo.load(groningen.partnership, werkplaats.partnership)

    closed = groningen.partnership.reflection_sessions.get(status=SessionStatus.CLOSED)
    planned = groningen.partnership.reflection_sessions.get(status=SessionStatus.PLANNED)
    assert Answer.objects.filter(prompt__session=closed).values("author").distinct().count() == 3
    assert closed.summary
    assert closed.scheduled_on < planned.scheduled_on
    assert groningen.partnership.actions.filter(origin=ActionOrigin.REFLECTION, origin_id=closed.pk).count() == 2
    assert planned.group == groningen.steering
    assert sorted(werkplaats.partnership.prompt_sets.values_list("name", "language", "built_in")) == [
        ("Professional space", "en", "professional-space"),
        ("Professionele ruimte", "nl", "professional-space"),
        ("Reflectie in de werkplaats", "nl", ""),
    ]


def test_the_demo_can_be_loaded_twice() -> None:
    groningen, werkplaats = cast(), cast()

    demo.load(groningen.partnership, werkplaats.partnership)
    demo.load(groningen.partnership, werkplaats.partnership)

    assert werkplaats.partnership.prompt_sets.count() == 3
    assert groningen.partnership.reflection_sessions.count() == 2

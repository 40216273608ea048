"""The demo maps load on a fresh database, show movement and an open tension, and render."""

from __future__ import annotations

import datetime

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from werkplaats.partnerships.tests.factories import Cast, cast
from werkplaats.stakeholders import demo
from werkplaats.stakeholders.maps import build_map
from werkplaats.stakeholders.models import Relation, Stakeholder, Tension


def test_the_demo_fills_both_maps_once(crew: Cast) -> None:
    werkplaats = cast()
    demo.load(crew.partnership, werkplaats.partnership)
    demo.load(crew.partnership, werkplaats.partnership)  # a second call adds nothing
    assert Stakeholder.objects.filter(partnership=crew.partnership).count() == len(demo.GRONINGEN)
    assert Relation.objects.filter(partnership=crew.partnership).count() == len(demo.GRONINGEN_RELATIONS)
    assert Tension.objects.filter(partnership=crew.partnership).unresolved().count() == 1
    assert Stakeholder.objects.filter(partnership=werkplaats.partnership).count() == len(demo.WERKPLAATS)

    month_ago = timezone.localdate() - datetime.timedelta(days=45)
    moved = [row.stakeholder.name for row in build_map(crew.partnership, since=month_ago).rows if row.moved]
    assert "UWV" in moved and "Gemeente Groningen" in moved

    client = Client()
    client.force_login(crew.member.user)
    url = reverse("stakeholders:map", kwargs={"slug": crew.partnership.slug})
    assert client.get(url, {"since": month_ago.isoformat()}).status_code == 200

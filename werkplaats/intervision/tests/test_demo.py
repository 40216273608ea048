"""The demo's intervision group in Groningen: member@demo.nl takes part, coordinator@demo.nl (who
set it up) and admin@demo.nl do not see it."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from werkplaats.accounts.models import User
from werkplaats.demo.services import load_demo
from werkplaats.partnerships.demo import GRONINGEN, WERKPLAATS
from werkplaats.partnerships.models import Partnership

from .. import demo
from ..models import IntervisionGroup, Participant

pytestmark = pytest.mark.django_db


def _client(email: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(email=email))
    return client


def test_the_demo_group_is_for_its_participants_only() -> None:
    load_demo(trajectories=False)
    groningen, werkplaats = Partnership.objects.get(slug=GRONINGEN), Partnership.objects.get(slug=WERKPLAATS)
    if not IntervisionGroup.objects.exists():  # until the demo calls this app itself
        demo.load(groningen, werkplaats)

    group = IntervisionGroup.objects.get(partnership=groningen)
    assert group.name == demo.GROUP
    assert sorted(Participant.objects.current().filter(group=group).values_list("member__user__email", flat=True)) == (
        sorted(demo.PARTICIPANTS)
    )
    past = group.sessions.filter(notes__gt="")
    assert past.count() == 2
    session = past.first()
    assert session is not None
    pages = [
        reverse("intervision:group", kwargs={"slug": GRONINGEN, "pk": group.pk}),
        reverse("intervision:session", kwargs={"slug": GRONINGEN, "group": group.pk, "pk": session.pk}),
    ]
    for email in ("member@demo.nl", "stuurgroep@demo.nl"):
        for page in pages:
            assert _client(email).get(page).status_code == 200, (email, page)
    for email in ("coordinator@demo.nl", "admin@demo.nl"):
        for page in pages:
            assert _client(email).get(page).status_code == 404, (email, page)
    overview = _client("member@demo.nl").get(reverse("intervision:list", kwargs={"slug": GRONINGEN}))
    assert demo.GROUP in overview.content.decode()

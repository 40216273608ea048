"""The demo: the professionele werkplaats's learning community has met twice, keeps a knowledge
list and runs its project halfway through the practice cycle; its pages open for its members."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from werkplaats.accounts.models import User
from werkplaats.demo.services import load_demo
from werkplaats.learning import demo
from werkplaats.learning.models import (
    Community,
    CommunityResult,
    Decision,
    KnowledgeEntry,
    Meeting,
    Phase,
    ResearchProject,
)
from werkplaats.partnerships.demo import GRONINGEN, WERKPLAATS
from werkplaats.partnerships.models import Partnership

pytestmark = pytest.mark.django_db


def test_the_demo_learning_community_and_its_project() -> None:
    load_demo(trajectories=False)
    groningen = Partnership.objects.get(slug=GRONINGEN)
    werkplaats = Partnership.objects.get(slug=WERKPLAATS)
    if not ResearchProject.objects.filter(partnership=werkplaats).exists():
        demo.load(groningen, werkplaats)
    demo.load(groningen, werkplaats)  # a second call adds nothing

    project = ResearchProject.objects.get(partnership=werkplaats)
    assert project.title == "Hoe bereiken we eenzame ouderen in Vinkhuizen?"
    assert project.phase == Phase.PRACTICE and project.experiments.count() == 2
    plg = project.group
    assert plg.name == "Leergemeenschap Samen in de wijk"
    meetings = Meeting.objects.filter(group=plg)
    assert meetings.count() == 2 and KnowledgeEntry.objects.filter(group=plg).count() >= 4
    assert CommunityResult.objects.filter(group=plg).exists()
    assert Community.objects.get(group=plg).goals.exists()
    assert Decision.objects.filter(meeting__group=plg, action__isnull=False).count() == 4

    client = Client()
    client.force_login(User.objects.get(email="student@demo.nl"))
    for url in (
        reverse("learning:list", args=[werkplaats.slug]),
        reverse("learning:community", args=[werkplaats.slug, plg.pk]),
        reverse("learning:project", args=[werkplaats.slug, project.pk]),
        reverse("learning:phase-edit", args=[werkplaats.slug, project.pk, "practice"]),
        reverse("learning:meeting", args=[werkplaats.slug, meetings[0].pk]),
    ):
        assert client.get(url).status_code == 200, url

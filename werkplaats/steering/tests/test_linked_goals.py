"""A progress report accounts for the partnership's goals the group works on: the report's
page and form name them, with a link to each goal's progress."""

from __future__ import annotations

import datetime

from django.urls import reverse

from werkplaats.goals.models import Goal
from werkplaats.partnerships.models import ProgressReport
from werkplaats.partnerships.tests.factories import Cast

from .conftest import client_for


def test_the_report_names_the_goals_linked_to_its_group(c: Cast) -> None:
    linked = Goal.objects.create(partnership=c.partnership, title="Meer leerbedrijven")
    linked.groups.add(c.working)
    Goal.objects.create(partnership=c.partnership, title="Snellere trajecten")
    report = ProgressReport.objects.create(group=c.working, due_on=datetime.date.today())
    client = client_for(c.worker.user)

    for name in ("steering:report", "steering:report-edit"):
        page = client.get(reverse(name, args=[c.partnership.slug, report.pk])).content.decode()
        assert reverse("goals:detail", args=[c.partnership.slug, linked.pk]) in page
        assert "Meer leerbedrijven" in page
        assert "Snellere trajecten" not in page

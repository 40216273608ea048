"""The demo partnerships: every section has content, every page opens for their members, and
the overview costs the same number of queries however much the partnership holds."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse

from werkplaats.accounts.models import User
from werkplaats.demo.services import load_demo
from werkplaats.partnerships.demo import GRONINGEN, WERKPLAATS
from werkplaats.partnerships.models import Action, GroupKind, Partnership
from werkplaats.partnerships.sections import SECTIONS

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo() -> None:
    load_demo(trajectories=False)


def _client(email: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(email=email))
    return client


def test_the_demo_has_both_partnerships_with_the_groups_the_issue_names(demo: None) -> None:
    groningen = Partnership.objects.get(slug=GRONINGEN)
    werkplaats = Partnership.objects.get(slug=WERKPLAATS)

    kinds = sorted(groningen.groups.values_list("kind", flat=True))
    assert kinds == [GroupKind.STEERING, GroupKind.WORKING, GroupKind.WORKING]
    assert groningen.goals.exists() and groningen.scan_rounds.filter(closed_at__isnull=False).count() == 2
    assert groningen.stakeholders.exists()
    assert werkplaats.partners.count() == 2
    assert {p.organisation.kind for p in werkplaats.partners.select_related("organisation")} == {
        "hbo_school",
        "municipality",
    }


def test_loading_the_demo_twice_adds_no_second_set(demo: None) -> None:
    actions = Action.objects.count()

    assert load_demo(trajectories=False).partnerships_added is False
    assert Partnership.objects.count() == 2
    assert Action.objects.count() == actions


@pytest.mark.parametrize(
    ("email", "slug"),
    [("coordinator@demo.nl", GRONINGEN), ("stuurgroep@demo.nl", GRONINGEN), ("hogeschool@demo.nl", WERKPLAATS)],
)
def test_every_section_opens_for_a_member(demo: None, email: str, slug: str) -> None:
    client = _client(email)
    opened = 0
    for name, _label in SECTIONS:
        try:
            url = reverse(name, kwargs={"slug": slug})
        except NoReverseMatch:
            continue
        response = client.get(url)
        assert response.status_code == 200, url
        opened += 1

    assert opened == len(SECTIONS)


def test_the_demo_partnerships_are_hidden_from_people_outside_them(demo: None) -> None:
    response = _client("consultant2@demo.nl").get(reverse("partnerships:detail", args=[GRONINGEN]))

    assert response.status_code == 404
    assert _client("hogeschool@demo.nl").get(reverse("partnerships:detail", args=[GRONINGEN])).status_code == 404


def _overview_queries(client: Client) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(reverse("partnerships:detail", args=[GRONINGEN])).status_code == 200
    return len(context.captured_queries)


def test_the_overview_costs_the_same_with_more_of_everything(demo: None) -> None:
    from werkplaats.goals.models import Goal, Indicator, IndicatorSource, IndicatorValue
    from werkplaats.stakeholders.services import add_stakeholder
    from werkplaats.successes.models import Success

    client = _client("coordinator@demo.nl")
    groningen = Partnership.objects.get(slug=GRONINGEN)
    manager = User.objects.get(email="coordinator@demo.nl")
    before = _overview_queries(client)

    today = datetime.date.today()
    for n in range(4):
        Success.objects.create(partnership=groningen, title=f"Succes {n}", happened_on=today, created_by=manager)
        Action.objects.create(partnership=groningen, title=f"Actie {n}", owner=manager, due_on=today)
        add_stakeholder(groningen, by=manager, name=f"Belanghebbende {n}", kind="organisation", influence=4, interest=2)
        goal = Goal.objects.create(partnership=groningen, title=f"Doel {n}")
        indicator = Indicator.objects.create(
            goal=goal,
            name=f"Indicator {n}",
            source=IndicatorSource.ENTERED,
            unit="deelnemers",
            target=10,
            period_start=today.replace(month=1, day=1),
            period_end=today.replace(month=12, day=31),
        )
        IndicatorValue.objects.create(indicator=indicator, value=n, measured_on=today, entered_by=manager)

    assert _overview_queries(client) == before

"""The list, the community page and the dashboard panel take as many queries with 2 rows as with 6."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from werkplaats.goals.models import Goal
from werkplaats.learning import dashboard, services
from werkplaats.learning.models import Phase, ResearchProject
from werkplaats.learning.services import DecisionRow
from werkplaats.partnerships.access import PartnershipAccess
from werkplaats.partnerships.models import GroupKind
from werkplaats.partnerships.tests.factories import group, join

from .conftest import World, client_for

DAY = datetime.date(2026, 3, 2)


def _grow(w: World, n: int) -> None:
    """``n`` more learning communities with goals, a meeting, knowledge, a result and a project
    with an experiment and someone involved; and ``n`` more of each in the world's community."""
    goal = Goal.objects.create(partnership=w.c.partnership, title=f"Doel {Goal.objects.count()}")
    for i in range(n):
        person = join(w.c.partnership)
        plg = group(w.c.partnership, GroupKind.LEARNING_COMMUNITY, person, name=f"PLG {plg_count()}")
        for target in (plg, w.plg):
            services.set_theme_goals(target, goals=[goal])
            services.save_meeting(
                target,
                by=person.user,
                title=f"Bijeenkomst {i}",
                held_on=DAY,
                decisions=[DecisionRow(row=1, text="Actie", owner=person.user, due_on=DAY)],
            )
            services.add_knowledge(target, by=person.user, kind="expert", title=f"Kennis {i}", expert=person.user)
            services.add_result(target, by=person.user, title=f"Resultaat {i}", achieved_on=DAY)
            project = services.start_project(w.c.partnership, by=person.user, group=target, title=f"Project {i}")
            ResearchProject.objects.filter(pk=project.pk).update(phase=Phase.PRACTICE)
            project.refresh_from_db()
            services.save_experiment(project, by=person.user, title="Proef", starts_on=DAY)
            services.add_involved(project, name="Ouders", role="parents")
        first = _first_project(w)
        services.save_experiment(first, by=person.user, title=f"Proef {i}", starts_on=DAY)
        services.add_involved(first, name=f"Collega's {i}", role="colleagues")


def _first_project(w: World) -> ResearchProject:
    found = ResearchProject.objects.filter(group=w.plg).order_by("id").first()
    assert found is not None
    return found


def plg_count() -> int:
    from werkplaats.partnerships.models import Group

    return Group.objects.filter(kind=GroupKind.LEARNING_COMMUNITY).count()


def _count(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


URLS: dict[str, Callable[[World], str]] = {
    "list": lambda w: reverse("learning:list", args=[w.c.partnership.slug]),
    "community": lambda w: reverse("learning:community", args=[w.c.partnership.slug, w.plg.pk]),
    "project": lambda w: reverse("learning:project", args=[w.c.partnership.slug, _first_project(w).pk]),
}


@pytest.mark.parametrize("page", URLS)
def test_the_page_does_not_grow_with_its_rows(w: World, page: str) -> None:
    client = client_for(w.c.manager.user)
    _grow(w, 2)
    small = _count(client, URLS[page](w))
    _grow(w, 4)
    large = _count(client, URLS[page](w))

    assert small == large


def _panel_queries(w: World) -> int:
    pa = PartnershipAccess(
        partnership=w.c.partnership,
        member=w.c.manager,
        group_ids=frozenset(),
        steering_group_ids=frozenset(),
        coordinated_group_ids=frozenset(),
    )
    with CaptureQueriesContext(connection) as queries:
        panel = dashboard.panel(pa)
    assert panel is not None and panel["results"] and panel["projects"]
    return len(queries)


def test_the_dashboard_panel_takes_two_queries_however_much_there_is(w: World) -> None:
    _grow(w, 2)
    small = _panel_queries(w)
    _grow(w, 4)
    assert small == _panel_queries(w) == 2


def test_the_dashboard_panel_is_empty_without_results_or_projects(w: World) -> None:
    pa = PartnershipAccess(
        partnership=w.c.partnership,
        member=w.c.manager,
        group_ids=frozenset(),
        steering_group_ids=frozenset(),
        coordinated_group_ids=frozenset(),
    )
    assert dashboard.panel(pa) is None

"""The lists and the dashboard panel take the same number of queries with 2 rows as with 6."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from werkplaats.partnerships.access import partnership_access
from werkplaats.partnerships.models import Action, ActionOrigin, GroupKind, GroupMember, ProgressReport, ReportStatus
from werkplaats.partnerships.tests.factories import Cast, group, join
from werkplaats.steering import dashboard, services

from .conftest import client_for


def _grow(c: Cast, n: int) -> None:
    """``n`` working groups with two members each, each with an overdue, a submitted and an
    answered report and two actions (one from its report)."""
    today = timezone.localdate()
    for i in range(n):
        people = [join(c.partnership), join(c.partnership)]
        g = group(
            c.partnership,
            GroupKind.WORKING,
            *people,
            name=f"Werkgroep {i}",
            coordinator=people[0].user,
            accountable_to=c.steering,
            report_every_weeks=4,
            starts_on=today - datetime.timedelta(weeks=13),
        )
        GroupMember.objects.filter(group=g).update(quality="Netwerk")
        due = services.due_dates(g, until=today)
        ProgressReport.objects.create(group=g, due_on=due[0], status=ReportStatus.DUE)
        ProgressReport.objects.create(
            group=g,
            due_on=due[1],
            status=ReportStatus.SUBMITTED,
            submitted_at=timezone.now(),
            submitted_by=people[0].user,
        )
        answered = ProgressReport.objects.create(
            group=g,
            due_on=due[2],
            status=ReportStatus.ANSWERED,
            submitted_at=timezone.now(),
            decided_at=timezone.now(),
            decided_by=c.manager.user,
        )
        Action.objects.create(
            partnership=c.partnership,
            title=f"Actie {i}",
            owner=people[1].user,
            group=g,
            origin=ActionOrigin.PROGRESS_REPORT,
            origin_id=answered.pk,
            due_on=today,
        )
        Action.objects.create(partnership=c.partnership, title=f"Handmatig {i}", owner=c.manager.user)


def _count(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


URLS: dict[str, Callable[[Cast], str]] = {
    "groups": lambda c: reverse("steering:groups", args=[c.partnership.slug]),
    "reports": lambda c: reverse("steering:reports", args=[c.partnership.slug]),
    "actions": lambda c: reverse("steering:actions", args=[c.partnership.slug]) + "?show=all",
    "group": lambda c: reverse("steering:group", args=[c.partnership.slug, c.working.pk]),
}


@pytest.mark.parametrize("page", URLS)
def test_the_list_does_not_grow_with_its_rows(c: Cast, page: str) -> None:
    client = client_for(c.manager.user)
    url = URLS[page](c)
    client.get(url)  # warm up: the reports that fell due are created once
    _grow(c, 2)
    client.get(url)
    small = _count(client, url)
    _grow(c, 4)
    client.get(url)
    large = _count(client, url)

    assert large == small
    assert small <= 20


def test_the_lists_show_the_grown_rows(c: Cast) -> None:
    _grow(c, 3)
    client = client_for(c.manager.user)

    reports = client.get(URLS["reports"](c)).context["buckets"]
    actions = client.get(URLS["actions"](c)).context["actions"]

    assert (len(reports["overdue"]), len(reports["submitted"]), len(reports["answered"])) == (3, 3, 3)
    assert len(actions) == 6


def _panel_queries(c: Cast) -> tuple[int, dict[str, object] | None]:
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = c.manager.user
    pa = partnership_access(request, c.partnership.slug)
    services.ensure_due_reports(partnership=c.partnership)
    with CaptureQueriesContext(connection) as queries:
        result = dashboard.panel(pa)
    return len(queries), result


def test_the_dashboard_panel_takes_a_fixed_number_of_queries(c: Cast) -> None:
    _grow(c, 2)
    small, panel = _panel_queries(c)
    assert panel is not None
    assert (panel["overdue_count"], panel["awaiting_count"]) == (2, 2)

    _grow(c, 4)
    large, panel = _panel_queries(c)

    assert panel is not None
    assert (panel["overdue_count"], panel["awaiting_count"]) == (6, 6)
    assert len(panel["overdue"]) == 5  # type: ignore[arg-type]
    assert large <= small + 2  # the two counts beyond the first few
    assert large <= 8


def test_the_panel_is_left_out_where_nobody_reports(c: Cast) -> None:
    c.working.accountable_to = None
    c.working.report_every_weeks = None
    c.working.save()

    assert _panel_queries(c)[1] is None


def test_the_panel_template_shows_the_counts_and_links(c: Cast) -> None:
    from django.template.loader import render_to_string
    from django.utils import translation

    _grow(c, 1)
    _count_unused, panel = _panel_queries(c)
    assert panel is not None
    with translation.override("en"):
        html = render_to_string(
            "steering/_dashboard_panel.html", {"partnership": c.partnership, "pa": None, "panel": panel}
        )

    report = ProgressReport.objects.get(group__name="Werkgroep 0", status=ReportStatus.SUBMITTED)
    assert 'class="utrecht-heading-2"' in html
    assert "reports awaiting a steering decision" in html
    assert reverse("steering:report", kwargs={"slug": c.partnership.slug, "pk": report.pk}) in html

"""The successes pages: every member logs one, its author or the manager changes or removes it,
outsiders see nothing, bad input is shown at the field, and the timeline costs the same few
queries however long it is."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from werkplaats.certificates.models import Certificate, Milestone, MilestoneScope
from werkplaats.organisations.tests.factories import RegionFactory
from werkplaats.partnerships.access import partnership_access
from werkplaats.partnerships.tests.factories import Cast, cast

from .. import dashboard
from ..models import Success

pytestmark = pytest.mark.django_db


def client(user: Any) -> Client:
    c = Client()
    c.force_login(user)
    return c


def url(c: Cast, name: str = "list", **kwargs: Any) -> str:
    return reverse(f"successes:{name}", kwargs={"slug": c.partnership.slug, **kwargs})


def form_data(**changes: Any) -> dict[str, Any]:
    return {"title": "Convenant getekend", "happened_on": timezone.localdate().isoformat(), **changes}


def test_a_member_adds_a_success_and_sees_it_in_the_timeline() -> None:
    c = cast()

    response = client(c.member.user).post(url(c, "add"), form_data(group=c.working.pk, description="In Groningen"))

    assert response.status_code == 302
    success = Success.objects.get()
    assert (success.partnership, success.created_by, success.group) == (c.partnership, c.member.user, c.working)
    page = client(c.worker.user).get(url(c))
    assert page.status_code == 200
    assert "Convenant getekend" in page.content.decode()


def test_an_outsider_gets_404_everywhere() -> None:
    c = cast()
    success = Success.objects.create(partnership=c.partnership, title="X", happened_on=timezone.localdate())
    outsider = client(c.outsider)

    assert outsider.get(url(c)).status_code == 404
    assert outsider.post(url(c, "add"), form_data()).status_code == 404
    assert outsider.post(url(c, "edit", pk=success.pk), form_data()).status_code == 404
    assert outsider.post(url(c, "delete", pk=success.pk)).status_code == 404
    assert Success.objects.count() == 1


def test_another_member_may_not_change_or_remove_someones_success() -> None:
    c = cast()
    success = Success.objects.create(
        partnership=c.partnership, title="Ontbijt", happened_on=timezone.localdate(), created_by=c.worker.user
    )
    other = client(c.member.user)

    assert other.get(url(c, "edit", pk=success.pk)).status_code == 403
    assert other.post(url(c, "edit", pk=success.pk), form_data(title="Anders")).status_code == 403
    assert other.post(url(c, "delete", pk=success.pk)).status_code == 403
    assert Success.objects.get().title == "Ontbijt"


@pytest.mark.parametrize("who", ["worker", "manager"])
def test_the_author_and_the_manager_change_and_remove_it(who: str) -> None:
    c = cast()
    success = Success.objects.create(
        partnership=c.partnership, title="Ontbijt", happened_on=timezone.localdate(), created_by=c.worker.user
    )
    user = client(getattr(c, who).user)

    assert user.post(url(c, "edit", pk=success.pk), form_data(title="Werkgeversontbijt")).status_code == 302
    assert Success.objects.get().title == "Werkgeversontbijt"
    assert user.post(url(c, "delete", pk=success.pk)).status_code == 302
    assert not Success.objects.exists()


def test_a_success_of_another_partnership_is_a_404() -> None:
    ours, theirs = cast(), cast()
    success = Success.objects.create(partnership=theirs.partnership, title="X", happened_on=timezone.localdate())

    assert client(ours.manager.user).get(url(ours, "edit", pk=success.pk)).status_code == 404


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": "   "}, "title"),
        ({"happened_on": (timezone.localdate() + datetime.timedelta(days=1)).isoformat()}, "happened_on"),
        ({"happened_on": "31-02-2024"}, "happened_on"),
        ({"group": "999999"}, "group"),
    ],
)
def test_bad_input_is_shown_at_the_field(changes: dict[str, str], field: str) -> None:
    c = cast()

    response = client(c.member.user).post(url(c, "add"), form_data(**changes))

    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Success.objects.exists()


def test_a_group_of_another_partnership_cannot_be_chosen() -> None:
    ours, theirs = cast(), cast()

    response = client(ours.member.user).post(url(ours, "add"), form_data(group=theirs.working.pk))

    assert "group" in response.context["form"].errors
    assert not Success.objects.exists()


def _fill(c: Cast, certificate: Certificate, n: int) -> None:
    region = c.partnership.regions.first() or RegionFactory.create()
    c.partnership.regions.add(region)
    today = timezone.localdate()
    for i in range(n):
        Success.objects.create(
            partnership=c.partnership,
            title=f"Succes {i}",
            happened_on=today - datetime.timedelta(days=i),
            created_by=c.worker.user,
            group=c.working,
        )
    for count in (10, 25, 50, 100, 250, 500)[:n]:
        if not Milestone.objects.filter(region=region, count=count).exists():
            Milestone.objects.create(scope=MilestoneScope.REGION, region=region, count=count, certificate=certificate)


def _queries(c: Cast, path: str) -> int:
    user = client(c.manager.user)
    with CaptureQueriesContext(connection) as captured:
        assert user.get(path).status_code == 200
    return len(captured)


def test_the_timeline_costs_the_same_queries_at_2_and_6_rows(certificate: Certificate) -> None:
    c = cast()
    _fill(c, certificate, 2)
    two = _queries(c, url(c))
    Success.objects.all().delete()
    _fill(c, certificate, 6)
    six = _queries(c, url(c))

    assert six == two


def test_the_dashboard_panel_shows_the_last_five_in_a_fixed_number_of_queries(
    certificate: Certificate, rf: Any
) -> None:
    c = cast()

    def panel() -> tuple[int, dict[str, Any]]:
        request = rf.get("/")
        request.user = c.manager.user
        pa = partnership_access(request, c.partnership.slug)
        with CaptureQueriesContext(connection) as captured:
            context = dashboard.panel(pa)
        assert context is not None
        return len(captured), context

    _fill(c, certificate, 2)
    two, _context = panel()
    _fill(c, certificate, 6)
    six, context = panel()

    assert six == two <= 3
    assert len(context["entries"]) == 5


def test_the_timeline_is_paged(certificate: Certificate) -> None:
    c = cast()
    for i in range(30):
        Success.objects.create(
            partnership=c.partnership, title=f"Stap {i:02}", happened_on=timezone.localdate() - datetime.timedelta(i)
        )

    first = client(c.member.user).get(url(c)).content.decode()
    second = client(c.member.user).get(url(c) + "?page=2").content.decode()

    assert "Stap 00" in first and "Stap 24" in first and "Stap 25" not in first
    assert "Stap 25" in second and "Stap 29" in second and "Stap 00" not in second


def test_the_dashboard_panel_renders_automatic_and_logged_successes(certificate: Certificate, rf: Any) -> None:
    from django.template.loader import render_to_string

    c = cast()
    _fill(c, certificate, 2)
    request = rf.get("/")
    request.user = c.manager.user
    pa = partnership_access(request, c.partnership.slug)

    html = render_to_string(
        "successes/_dashboard_panel.html", {"partnership": c.partnership, "pa": pa, "panel": dashboard.panel(pa)}
    )

    assert "Succes 0" in html
    assert 'class="utrecht-heading-2"' in html
    assert html.count("werkplaats-status--done") == 2  # the two milestones, marked as automatic

"""The decision and action list: who adds, who closes, filters, and bad input."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from werkplaats.partnerships.models import Action, ActionOrigin, ActionStatus, ProgressReport, ReportStatus
from werkplaats.partnerships.tests.factories import Cast, cast
from werkplaats.steering import services

from .conftest import client_for

D = datetime.date


@pytest.fixture
def action(c: Cast) -> Action:
    return services.add_action(
        c.partnership, by=c.manager.user, title="Convenant laten tekenen", owner=c.worker.user, due_on=D(2020, 1, 1)
    )


def _status_url(c: Cast, action: Action) -> str:
    return reverse("steering:action-status", kwargs={"slug": c.partnership.slug, "pk": action.pk})


def test_an_action_needs_a_title_and_an_owner_from_the_partnership(c: Cast) -> None:
    with pytest.raises(ValidationError) as exc:
        services.add_action(c.partnership, by=c.manager.user, title=" ")
    assert "title" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.add_action(c.partnership, by=c.manager.user, title="Bellen", owner=c.outsider)
    assert "owner" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.add_action(c.partnership, by=c.manager.user, title="Bellen", group=cast().working)
    assert "group" in exc.value.message_dict


def test_a_done_action_gets_a_closing_time_and_can_be_opened_again(c: Cast, action: Action) -> None:
    assert action.origin == ActionOrigin.MANUAL
    done = services.set_action_status(action, status=ActionStatus.DONE)
    assert done.closed_at is not None
    reopened = services.set_action_status(action, status=ActionStatus.OPEN)
    assert (reopened.status, reopened.closed_at) == (ActionStatus.OPEN, None)


def test_the_manager_adds_an_action_and_a_plain_member_may_not(c: Cast) -> None:
    url = reverse("steering:action-add", args=[c.partnership.slug])
    data = {"title": "Werkgeversontbijt organiseren", "owner": str(c.member.user.pk), "due_on": "2030-05-01"}
    assert client_for(c.member.user).post(url, data).status_code == 403
    assert client_for(c.outsider).post(url, data).status_code == 404

    assert client_for(c.manager.user).post(url, data).status_code == 302

    action = Action.objects.get()
    assert (action.owner, action.due_on, action.origin) == (c.member.user, D(2030, 5, 1), ActionOrigin.MANUAL)


def test_bad_action_input_is_shown_at_the_field(c: Cast) -> None:
    response = client_for(c.manager.user).post(
        reverse("steering:action-add", args=[c.partnership.slug]), {"title": "", "due_on": "volgende week"}
    )

    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"title", "due_on"}
    assert not Action.objects.exists()


def test_the_owner_marks_the_action_done_and_another_member_may_not(c: Cast, action: Action) -> None:
    assert client_for(c.member.user).post(_status_url(c, action), {"status": "done"}).status_code == 403
    assert client_for(c.outsider).post(_status_url(c, action), {"status": "done"}).status_code == 404
    assert client_for(c.worker.user).get(_status_url(c, action)).status_code == 405

    response = client_for(c.worker.user).post(_status_url(c, action), {"status": "done"})

    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == ActionStatus.DONE


def test_the_manager_drops_an_action_and_returns_to_the_page_it_came_from(c: Cast, action: Action) -> None:
    back = reverse("steering:actions", args=[c.partnership.slug]) + "?show=all"
    response = client_for(c.manager.user).post(_status_url(c, action), {"status": "dropped", "next": back})

    assert response["Location"] == back
    action.refresh_from_db()
    assert action.status == ActionStatus.DROPPED


def test_an_empty_or_foreign_post_redirects_with_an_error(c: Cast, action: Action) -> None:
    client = client_for(c.manager.user)

    response = client.post(_status_url(c, action), {})
    evil = client.post(_status_url(c, action), {"status": "gone", "next": "https://example.com/"})

    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Choose whether the action is done, dropped or open."
    ]
    assert evil["Location"] == reverse("steering:actions", args=[c.partnership.slug])
    action.refresh_from_db()
    assert action.status == ActionStatus.OPEN


def test_the_list_filters_open_done_and_mine_and_marks_overdue(c: Cast, action: Action) -> None:
    today = timezone.localdate()
    report = ProgressReport.objects.create(
        group=c.working,
        due_on=D(2025, 1, 1),
        status=ReportStatus.ANSWERED,
        submitted_at=timezone.now(),
        decided_at=timezone.now(),
    )
    from_report = Action.objects.create(
        partnership=c.partnership,
        title="Extra accountmanager",
        owner=c.member.user,
        due_on=today + datetime.timedelta(days=30),
        group=c.working,
        origin=ActionOrigin.PROGRESS_REPORT,
        origin_id=report.pk,
    )
    done = Action.objects.create(partnership=c.partnership, title="Logo kiezen", status=ActionStatus.DONE)
    url = reverse("steering:actions", args=[c.partnership.slug])
    client = client_for(c.member.user)

    default = client.get(url)
    assert default.context["actions"] == [action, from_report]
    html = default.content.decode()
    assert "overdue" in html
    assert reverse("steering:report", kwargs={"slug": c.partnership.slug, "pk": report.pk}) in html
    assert client.get(url, {"show": "done"}).context["actions"] == [done]
    assert client.get(url, {"show": "all", "mine": "on"}).context["actions"] == [from_report]
    assert set(client.get(url, {"show": "all"}).context["actions"]) == {action, from_report, done}
    assert client.get(url, {"show": "bogus"}).status_code == 200

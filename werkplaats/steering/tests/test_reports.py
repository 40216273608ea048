"""Progress reports: the group writes and submits, the steering group answers with actions; the
status rules hold in the services and on the pages."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from werkplaats.notifications.models import Notification
from werkplaats.partnerships.models import Action, ActionOrigin, ProgressReport, ReportStatus
from werkplaats.partnerships.tests.factories import Cast
from werkplaats.steering import services

from .conftest import client_for

D = datetime.date


@pytest.fixture
def report(c: Cast) -> ProgressReport:
    return ProgressReport.objects.create(group=c.working, due_on=timezone.localdate() + datetime.timedelta(days=3))


def _submitted(c: Cast, report: ProgressReport) -> ProgressReport:
    return services.save_report(
        report, by=c.worker.user, submit=True, progress="Acht werkgevers bezocht.", next_steps="Netwerkavond."
    )


def _url(name: str, c: Cast, report: ProgressReport) -> str:
    return reverse(name, kwargs={"slug": c.partnership.slug, "pk": report.pk})


# --- Services ---------------------------------------------------------------------------------


def test_a_draft_is_saved_and_stays_due(c: Cast, report: ProgressReport) -> None:
    saved = services.save_report(report, by=c.worker.user, progress="Half af")

    assert (saved.status, saved.progress, saved.submitted_at) == (ReportStatus.DUE, "Half af", None)


def test_submitting_needs_progress_and_next_steps(c: Cast, report: ProgressReport) -> None:
    with pytest.raises(ValidationError) as exc:
        services.save_report(report, by=c.worker.user, submit=True, progress="", next_steps="Iets")
    assert "progress" in exc.value.message_dict

    with pytest.raises(ValidationError) as exc:
        services.save_report(report, by=c.worker.user, submit=True, progress="Iets", next_steps=" ")
    assert "next_steps" in exc.value.message_dict
    report.refresh_from_db()
    assert report.status == ReportStatus.DUE


def test_a_submitted_report_is_no_longer_editable(c: Cast, report: ProgressReport) -> None:
    submitted = _submitted(c, report)

    assert submitted.status == ReportStatus.SUBMITTED
    assert submitted.submitted_by == c.worker.user
    assert submitted.on_time is True
    with pytest.raises(ValidationError):
        services.save_report(report, by=c.worker.user, progress="Toch anders")
    report.refresh_from_db()
    assert report.progress == "Acht werkgevers bezocht."


def test_a_report_cannot_be_answered_before_it_is_submitted(c: Cast, report: ProgressReport) -> None:
    with pytest.raises(ValidationError) as exc:
        services.answer_report(report, by=c.manager.user, decision="Akkoord")

    assert "decision" in exc.value.message_dict
    report.refresh_from_db()
    assert report.status == ReportStatus.DUE


def test_the_answer_records_the_decision_and_the_actions_from_the_report(c: Cast, report: ProgressReport) -> None:
    _submitted(c, report)

    actions = services.answer_report(
        report,
        by=c.steering_member.user,
        decision="Akkoord; extra uren voor de werkgeversbenadering.",
        actions=[services.NewAction(title="Budget vrijmaken", owner=c.manager.user, due_on=D(2030, 1, 1))],
    )

    report.refresh_from_db()
    assert report.status == ReportStatus.ANSWERED
    assert report.decided_by == c.steering_member.user
    [action] = actions
    assert (action.origin, action.origin_id, action.group, action.partnership) == (
        ActionOrigin.PROGRESS_REPORT,
        report.pk,
        c.working,
        c.partnership,
    )
    with pytest.raises(ValidationError):
        services.answer_report(report, by=c.manager.user, decision="Nog een keer")


def test_an_answer_without_a_decision_or_with_an_outside_owner_writes_nothing(c: Cast, report: ProgressReport) -> None:
    _submitted(c, report)
    with pytest.raises(ValidationError) as exc:
        services.answer_report(report, by=c.manager.user, decision="  ")
    assert "decision" in exc.value.message_dict

    with pytest.raises(ValidationError) as exc:
        services.answer_report(
            report, by=c.manager.user, decision="Akkoord", actions=[services.NewAction("Bellen", owner=c.outsider)]
        )
    assert "owner" in exc.value.message_dict
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
    assert not Action.objects.exists()


# --- Views ------------------------------------------------------------------------------------


def test_every_member_sees_the_reports_page_and_an_outsider_gets_404(c: Cast, report: ProgressReport) -> None:
    assert client_for(c.member.user).get(reverse("steering:reports", args=[c.partnership.slug])).status_code == 200
    assert client_for(c.outsider).get(reverse("steering:reports", args=[c.partnership.slug])).status_code == 404
    assert client_for(c.outsider).get(_url("steering:report", c, report)).status_code == 404


def test_the_reports_page_creates_the_reports_that_fell_due_and_shows_overdue_ones(c: Cast) -> None:
    c.working.starts_on = timezone.localdate() - datetime.timedelta(weeks=7)
    c.working.save()

    response = client_for(c.member.user).get(reverse("steering:reports", args=[c.partnership.slug]))

    report = ProgressReport.objects.get(group=c.working)
    assert response.context["buckets"]["overdue"] == [report]
    assert "7 days late" in response.content.decode()


def test_the_reports_page_filters_by_group_and_status(c: Cast) -> None:
    today = timezone.localdate()
    late = ProgressReport.objects.create(group=c.working, due_on=today - datetime.timedelta(days=5))
    coming = ProgressReport.objects.create(group=c.working, due_on=today + datetime.timedelta(days=5))
    client = client_for(c.member.user)
    url = reverse("steering:reports", args=[c.partnership.slug])

    overdue = client.get(url, {"state": "overdue", "group": str(c.working.pk)}).context["buckets"]
    due = client.get(url, {"state": "due"}).context["buckets"]
    nonsense = client.get(url, {"state": "nonsense", "group": "x"})

    assert (overdue["overdue"], overdue["due"]) == ([late], [])
    assert (due["overdue"], due["due"]) == ([], [coming])
    assert nonsense.status_code == 200
    assert nonsense.context["count"] == 2


def test_a_group_member_writes_and_submits_the_report(c: Cast, report: ProgressReport) -> None:
    client = client_for(c.worker.user)
    data = {
        "progress": "Acht werkgevers bezocht, drie nieuwe leerbedrijven.",
        "goals_progress": "Draagt bij aan het doel 'meer erkende leerbedrijven'.",
        "obstacles": "Weinig tijd bij de accountmanagers.",
        "needs": "Twee uur per week extra.",
        "next_steps": "Netwerkavond in maart.",
    }

    draft = client.post(_url("steering:report-edit", c, report), {**data, "save": "1"})
    report.refresh_from_db()
    assert draft.status_code == 302
    assert report.status == ReportStatus.DUE

    submitted = client.post(_url("steering:report-edit", c, report), {**data, "submit": "1"})
    report.refresh_from_db()
    assert submitted.status_code == 302
    assert report.status == ReportStatus.SUBMITTED
    assert report.goals_progress == data["goals_progress"]

    again = client.post(_url("steering:report-edit", c, report), {**data, "progress": "Anders"})
    assert again.status_code == 302
    report.refresh_from_db()
    assert report.progress == data["progress"]


def test_submitting_an_empty_report_shows_the_message_at_the_field(c: Cast, report: ProgressReport) -> None:
    response = client_for(c.worker.user).post(_url("steering:report-edit", c, report), {"submit": "1"})

    assert response.status_code == 200
    assert "progress" in response.context["form"].errors
    report.refresh_from_db()
    assert report.status == ReportStatus.DUE


def test_only_the_group_coordinator_or_manager_writes_the_report(c: Cast, report: ProgressReport) -> None:
    url = _url("steering:report-edit", c, report)
    assert client_for(c.member.user).get(url).status_code == 403
    assert client_for(c.steering_member.user).get(url).status_code == 403
    assert client_for(c.outsider).get(url).status_code == 404
    assert client_for(c.worker.user).get(url).status_code == 200
    assert client_for(c.manager.user).get(url).status_code == 200


def test_the_steering_group_records_a_decision_with_actions(
    c: Cast, report: ProgressReport, django_capture_on_commit_callbacks: Any
) -> None:
    _submitted(c, report)
    data = {
        "decision": "Akkoord met de aanpak; de stuurgroep maakt budget vrij.",
        "actions-TOTAL_FORMS": "3",
        "actions-INITIAL_FORMS": "0",
        "actions-0-title": "Budget vrijmaken voor netwerkavond",
        "actions-0-owner": str(c.manager.user.pk),
        "actions-0-due_on": "01-04-2030",
        "actions-1-title": "",
        "actions-2-title": "",
    }
    url = _url("steering:report-answer", c, report)
    assert client_for(c.member.user).post(url, data).status_code == 403
    assert client_for(c.worker.user).post(url, data).status_code == 403

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(c.steering_member.user).post(url, data)

    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.ANSWERED
    action = Action.objects.get()
    assert (action.owner, action.due_on, action.origin_id) == (c.manager.user, D(2030, 4, 1), report.pk)
    # The group hears about it in the app.
    assert Notification.objects.filter(recipient=c.worker.user, key=f"report-answered:{report.pk}").exists()
    detail = client_for(c.member.user).get(_url("steering:report", c, report)).content.decode()
    assert "Budget vrijmaken voor netwerkavond" in detail
    assert "de stuurgroep maakt budget vrij" in detail


def test_an_action_row_without_owner_or_due_date_is_refused_at_the_field(c: Cast, report: ProgressReport) -> None:
    _submitted(c, report)
    response = client_for(c.manager.user).post(
        _url("steering:report-answer", c, report),
        {
            "decision": "Akkoord",
            "actions-TOTAL_FORMS": "1",
            "actions-INITIAL_FORMS": "0",
            "actions-0-title": "Iets doen",
            "actions-0-due_on": "gisteren",
        },
    )

    assert response.status_code == 200
    assert set(response.context["formset"].forms[0].errors) == {"owner", "due_on"}
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED


def test_an_empty_decision_post_shows_errors_and_does_not_crash(c: Cast, report: ProgressReport) -> None:
    _submitted(c, report)

    response = client_for(c.manager.user).post(_url("steering:report-answer", c, report), {})

    assert response.status_code == 200
    assert "decision" in response.context["form"].errors


def test_a_report_that_is_not_submitted_cannot_be_answered_on_the_page(c: Cast, report: ProgressReport) -> None:
    response = client_for(c.manager.user).post(
        _url("steering:report-answer", c, report),
        {"decision": "Akkoord", "actions-TOTAL_FORMS": "0", "actions-INITIAL_FORMS": "0"},
    )

    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.DUE

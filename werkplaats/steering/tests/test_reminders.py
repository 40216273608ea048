"""Reminders of due and overdue reports to the group's coordinator and members, once per report,
phase and person; and the steering group's note when a report comes in."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from io import StringIO
from typing import Any
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone, translation
from django_tasks_db.models import DBTaskResult

from werkplaats.notifications import services as notification_services
from werkplaats.notifications.models import Notification
from werkplaats.partnerships.models import GroupMember, ProgressReport
from werkplaats.partnerships.tests.factories import Cast
from werkplaats.steering import services, tasks


@pytest.fixture
def due_soon(c: Cast) -> Cast:
    """The working group's first report is due in three days; it has two members, one of whom
    (``c.worker``) coordinates it and reads English."""
    c.working.starts_on = timezone.localdate() - datetime.timedelta(weeks=6) + datetime.timedelta(days=3)
    c.working.save()
    GroupMember.objects.create(group=c.working, member=c.member, quality="Kent de scholen")
    c.worker.user.language = "en"
    c.worker.user.save()
    return c


def test_the_daily_task_creates_the_report_and_reminds_the_coordinator_and_members(
    committed: Any, due_soon: Cast, mailoutbox: list[Any]
) -> None:
    sent = committed(tasks.send_report_reminders.enqueue).return_value

    report = ProgressReport.objects.get()
    assert sent == 2
    assert sorted(m.to[0] for m in mailoutbox) == sorted([due_soon.worker.user.email, due_soon.member.user.email])
    assert Notification.objects.filter(key=f"report-due:{report.pk}").count() == 2
    english = next(m for m in mailoutbox if m.to[0] == due_soon.worker.user.email)
    assert english.subject == "The progress report of Werkgroep werkgevers is due soon"
    assert f"/reports/{report.pk}/" in english.body
    assert not Notification.objects.filter(recipient=due_soon.steering_member.user).exists()


def test_each_reminder_is_rendered_in_the_recipients_language(committed: Any, due_soon: Cast) -> None:
    languages: dict[str, str | None] = {}
    render = notification_services.render_to_string

    def spy(template: str, context: dict[str, Any]) -> str:
        if template.startswith("steering/"):
            languages[context["user"].email] = translation.get_language()
        return render(template, context)

    with mock.patch.object(notification_services, "render_to_string", spy):
        committed(tasks.send_reminders)

    assert languages == {due_soon.worker.user.email: "en", due_soon.member.user.email: "nl"}


def test_each_reminder_goes_once_however_often_the_task_runs(
    committed: Any, due_soon: Cast, mailoutbox: list[Any]
) -> None:
    assert committed(tasks.send_reminders) == 2
    assert committed(tasks.send_reminders) == 0
    call_command("send_report_reminders", stdout=StringIO())

    assert len(mailoutbox) == 2


def test_an_overdue_report_is_reminded_once_more(committed: Any, due_soon: Cast, mailoutbox: list[Any]) -> None:
    today = timezone.localdate()
    committed(tasks.send_reminders, today=today)

    assert committed(tasks.send_reminders, today=today + datetime.timedelta(days=4)) == 2
    assert committed(tasks.send_reminders, today=today + datetime.timedelta(days=5)) == 0

    report = ProgressReport.objects.get()
    assert Notification.objects.filter(key=f"report-overdue:{report.pk}").count() == 2
    assert len(mailoutbox) == 4
    assert "overdue" in next(m for m in mailoutbox[2:] if m.to[0] == due_soon.worker.user.email).subject


def test_no_reminder_before_the_week_before_and_none_for_a_submitted_report(
    committed: Any, due_soon: Cast, mailoutbox: list[Any]
) -> None:
    today = timezone.localdate()
    assert committed(tasks.send_reminders, today=today - datetime.timedelta(days=5)) == 0  # eight days before

    services.ensure_due_reports(today)
    report = ProgressReport.objects.get()
    services.save_report(report, by=due_soon.worker.user, submit=True, progress="Klaar", next_steps="Verder")
    assert committed(tasks.send_reminders, today=today + datetime.timedelta(days=10)) == 0
    assert mailoutbox == []


def test_a_closed_group_is_not_reminded(committed: Any, due_soon: Cast, mailoutbox: list[Any]) -> None:
    ProgressReport.objects.create(group=due_soon.working, due_on=timezone.localdate() - datetime.timedelta(days=1))
    services.close_group(due_soon.working, closing_note="Klaar.")

    assert committed(tasks.send_reminders) == 0
    assert mailoutbox == []


def test_a_failed_email_is_tried_again_on_the_next_run(committed: Any, due_soon: Cast, mailoutbox: list[Any]) -> None:
    with mock.patch.object(notification_services, "_send", side_effect=OSError("smtp down")):
        assert committed(tasks.send_reminders) == 2  # in the app
    assert mailoutbox == []
    assert committed(tasks.send_reminders) == 0

    assert notification_services.send_digests() == 2  # the daily run's second chance
    assert len(mailoutbox) == 2


def test_the_steering_group_hears_once_when_a_report_is_submitted(
    due_soon: Cast, mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    services.ensure_due_reports()
    report = ProgressReport.objects.get()

    with django_capture_on_commit_callbacks(execute=True):
        services.save_report(report, by=due_soon.worker.user, submit=True, progress="Klaar", next_steps="Verder")
    tasks.notify_report_submitted.enqueue(report.pk)  # a second run tells nobody twice

    steering = {due_soon.manager.user.email, due_soon.steering_member.user.email}
    assert {m.to[0] for m in mailoutbox} == steering
    assert len(mailoutbox) == 2
    assert Notification.objects.filter(key=f"report-submitted:{report.pk}").count() == 2


AMSTERDAM = ZoneInfo("Europe/Amsterdam")


@pytest.fixture
def database_tasks(db: None) -> Iterator[None]:
    with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}):
        yield


def test_scheduling_twice_queues_one_run_at_seven(database_tasks: None) -> None:
    now = datetime.datetime(2026, 11, 21, 9, 30, tzinfo=AMSTERDAM)

    assert tasks.schedule_report_reminders(now=now) is True
    assert tasks.schedule_report_reminders(now=now) is False
    out = StringIO()
    call_command("schedule_report_reminders", stdout=out)

    assert out.getvalue().strip() == "report reminders were already scheduled"
    waiting = DBTaskResult.objects.get()
    assert waiting.task_path == tasks.send_report_reminders.module_path
    assert waiting.run_after == datetime.datetime(2026, 11, 22, 7, 0, tzinfo=AMSTERDAM)


def test_a_run_queues_the_next_one(database_tasks: None) -> None:
    tasks.send_report_reminders.call()

    assert DBTaskResult.objects.filter(status="READY", task_path=tasks.send_report_reminders.module_path).count() == 1


def test_without_the_database_backend_nothing_is_queued(db: None) -> None:
    assert tasks.schedule_report_reminders() is False
    assert not DBTaskResult.objects.exists()

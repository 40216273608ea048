"""The reminder the day before: once per event and person, however often the task runs."""

from __future__ import annotations

import datetime
from io import StringIO
from typing import Any
from unittest import mock

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from werkplaats.meetings import services, tasks
from werkplaats.meetings.models import Event
from werkplaats.notifications import services as notification_services
from werkplaats.notifications.models import Notification
from werkplaats.partnerships.tests.factories import Cast

from .conftest import MakeEvent, soon


@pytest.fixture
def tomorrow(c: Cast, make_event: MakeEvent) -> Event:
    """An event tomorrow at 10:00 with a place for ``c.member`` (who reads English) and
    ``c.worker``, and ``c.steering_member`` on the waiting list."""
    c.member.user.language = "en"
    c.member.user.save()
    event = make_event(starts_at=soon(days=1), capacity=2)
    for member in (c.member, c.worker, c.steering_member):
        services.sign_up(event, user=member.user)
    return event


def test_those_with_a_place_are_reminded_the_day_before(
    committed: Any, c: Cast, tomorrow: Event, mailoutbox: list[Any]
) -> None:
    sent = committed(tasks.send_event_reminders.enqueue).return_value

    assert sent == 2
    assert sorted(m.to[0] for m in mailoutbox) == sorted([c.member.user.email, c.worker.user.email])
    english = next(m for m in mailoutbox if m.to[0] == c.member.user.email)
    assert english.subject == f"Tomorrow: {tomorrow.title}"
    assert tomorrow.get_absolute_url() in english.body
    assert Notification.objects.filter(recipient=c.member.user, key__startswith="event-reminder:").count() == 1
    assert not Notification.objects.filter(recipient=c.steering_member.user).exists()  # waiting


def test_running_the_task_twice_sends_one_email_each(committed: Any, tomorrow: Event, mailoutbox: list[Any]) -> None:
    assert committed(tasks.send_reminders) == 2
    assert committed(tasks.send_reminders) == 0
    call_command("send_event_reminders", stdout=StringIO())

    assert len(mailoutbox) == 2
    assert Notification.objects.filter(key__startswith="event-reminder:").count() == 2


def test_a_later_run_does_not_remind_a_second_time_even_when_the_first_was_cut_short(
    committed: Any, tomorrow: Event, mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    """A crash after the first e-mail was claimed and before it went: the claim stays, so nobody
    gets the e-mail twice (and the one whose e-mail was lost has the reminder in the app only: at
    most once, as ``werkplaats.notifications.services`` explains)."""
    with django_capture_on_commit_callbacks(execute=False):
        assert tasks.send_reminders() == 2
    ids = list(Notification.objects.order_by("pk").values_list("pk", flat=True))
    with (
        mock.patch.object(notification_services, "_send", side_effect=SystemExit("worker killed")),
        pytest.raises(SystemExit),
    ):
        notification_services.deliver(ids)

    assert committed(tasks.send_reminders) == 0
    assert notification_services.send_digests() == 1  # the other one, not yet claimed when the worker died
    assert notification_services.send_digests() == 0
    assert len(mailoutbox) == 1


def test_a_failed_email_is_tried_again_on_the_next_run(
    committed: Any, c: Cast, tomorrow: Event, mailoutbox: list[Any]
) -> None:
    with mock.patch.object(notification_services, "_send", side_effect=ConnectionRefusedError("mail server down")):
        assert committed(tasks.send_reminders) == 2  # in the app

    assert mailoutbox == []
    assert committed(tasks.send_reminders) == 0
    assert notification_services.send_digests() == 2
    assert len(mailoutbox) == 2


def test_events_further_away_are_not_reminded_yet(
    committed: Any, c: Cast, make_event: MakeEvent, mailoutbox: list[Any]
) -> None:
    event = make_event(starts_at=soon(days=3))
    services.sign_up(event, user=c.member.user)

    assert committed(tasks.send_reminders) == 0
    assert committed(tasks.send_reminders, now=event.starts_at - datetime.timedelta(days=1)) == 1


def test_cancelled_events_and_cancelled_sign_ups_are_not_reminded(
    committed: Any, c: Cast, tomorrow: Event, mailoutbox: list[Any]
) -> None:
    services.cancel_sign_up(tomorrow, user=c.worker.user)  # c.steering_member moves up
    Event.objects.filter(pk=tomorrow.pk).update(cancelled_at=timezone.now())

    assert committed(tasks.send_reminders) == 0


def test_a_moved_event_is_reminded_again(committed: Any, c: Cast, tomorrow: Event, mailoutbox: list[Any]) -> None:
    committed(tasks.send_reminders)
    fields = {name: getattr(tomorrow, name) for name in services.EDITABLE}
    later = tomorrow.starts_at + datetime.timedelta(hours=2)
    services.update_event(
        tomorrow, by=c.manager.user, **{**fields, "starts_at": later, "ends_at": later + datetime.timedelta(hours=1)}
    )

    assert committed(tasks.send_reminders) == 2
    assert len(mailoutbox) == 4


def test_someone_who_left_the_partnership_is_not_reminded(committed: Any, c: Cast, tomorrow: Event) -> None:
    c.member.left_on = timezone.localdate()
    c.member.save()

    assert committed(tasks.send_reminders) == 1


def test_next_run_is_the_next_seven_oclock() -> None:
    morning = timezone.make_aware(datetime.datetime(2026, 3, 2, 6, 0))
    evening = timezone.make_aware(datetime.datetime(2026, 3, 2, 19, 0))

    assert tasks.next_run(morning) == timezone.make_aware(datetime.datetime(2026, 3, 2, 7, 0))
    assert tasks.next_run(evening) == timezone.make_aware(datetime.datetime(2026, 3, 3, 7, 0))


@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}})
def test_scheduling_queues_one_run(db: None) -> None:
    assert tasks.schedule_event_reminders() is True
    assert tasks.schedule_event_reminders() is False
    out = StringIO()
    call_command("schedule_event_reminders", stdout=out)

    assert "already" in out.getvalue()
    assert DBTaskResult.objects.filter(task_path=tasks.send_event_reminders.module_path).count() == 1

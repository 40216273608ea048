"""The health scan's notes: everyone hears a round opened, and who has not answered is reminded
when it closes soon; each once per round and person, however often the task runs."""

from __future__ import annotations

import datetime
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from werkplaats.notifications.models import Notification
from werkplaats.partnerships.tests.factories import Cast, cast
from werkplaats.scans import services, tasks
from werkplaats.scans.models import ScanRound

from .helpers import answer

pytestmark = pytest.mark.django_db


@pytest.fixture
def c() -> Cast:
    return cast()


def _open(c: Cast, committed: Any, closes_in_days: int | None = 10) -> ScanRound:
    closes_on = timezone.localdate() + datetime.timedelta(days=closes_in_days) if closes_in_days is not None else None
    return committed(services.open_round, c.partnership, by=c.manager.user, title="Maart", closes_on=closes_on)


def _told(key: str) -> set[Any]:
    return {n.recipient for n in Notification.objects.filter(key=key)}


def test_opening_a_round_tells_every_member_but_the_opener(c: Cast, committed: Any, mailoutbox: list[Any]) -> None:
    scan_round = _open(c, committed)

    told = _told(f"scan-opened:{scan_round.pk}")
    assert told == {c.steering_member.user, c.worker.user, c.member.user}
    assert len(mailoutbox) == 3
    note = Notification.objects.filter(recipient=c.member.user).get()
    assert note.url == f"/partnerships/{c.partnership.slug}/scans/{scan_round.pk}/"
    assert "Maart" in note.message


def test_who_has_not_answered_is_reminded_once_when_the_round_closes_soon(
    c: Cast, committed: Any, mailoutbox: list[Any]
) -> None:
    scan_round = _open(c, committed, closes_in_days=3)
    answer(scan_round, c.worker)
    mailoutbox.clear()

    assert committed(tasks.send_reminders) == 3  # the manager, the steering member, the member
    assert committed(tasks.send_reminders) == 0
    call_command("send_scan_reminders", stdout=StringIO())

    assert _told(f"scan-closing:{scan_round.pk}") == {c.manager.user, c.steering_member.user, c.member.user}
    assert len(mailoutbox) == 3
    assert c.worker.user.email not in {m.to[0] for m in mailoutbox}


def test_no_reminder_while_the_closing_date_is_far_or_missing_or_the_round_is_closed(c: Cast, committed: Any) -> None:
    far = _open(c, committed, closes_in_days=10)
    today = timezone.localdate()

    assert committed(tasks.send_reminders, today=today) == 0
    assert committed(tasks.send_reminders, today=today + datetime.timedelta(days=11)) == 0  # after the date
    assert committed(tasks.send_reminders, today=today + datetime.timedelta(days=7)) == 4  # three days before

    services.close_round(far, by=c.manager.user)
    undated = _open(c, committed, closes_in_days=None)
    assert committed(tasks.send_reminders, today=today + datetime.timedelta(days=30)) == 0
    assert not Notification.objects.filter(key=f"scan-closing:{undated.pk}").exists()


def test_a_member_who_left_is_not_reminded(c: Cast, committed: Any) -> None:
    scan_round = _open(c, committed, closes_in_days=1)
    c.member.left_on = timezone.localdate()
    c.member.save()

    committed(tasks.send_reminders)

    assert c.member.user not in _told(f"scan-closing:{scan_round.pk}")


def test_the_daily_task_reminds_and_queues_its_next_run(c: Cast, committed: Any, settings: Any) -> None:
    from django_tasks_db.models import DBTaskResult

    _open(c, committed, closes_in_days=2)
    assert committed(tasks.send_scan_reminders.enqueue).return_value == 4

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    tasks.send_scan_reminders.call()
    assert DBTaskResult.objects.filter(task_path=tasks.send_scan_reminders.module_path, status="READY").count() == 1

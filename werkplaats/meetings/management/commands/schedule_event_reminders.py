from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from werkplaats.meetings.tasks import schedule_event_reminders


class Command(BaseCommand):
    help = "Queue the daily event reminders for the next 07:00 unless a run is already waiting."

    def handle(self, *args: Any, **options: Any) -> None:
        queued = schedule_event_reminders()
        self.stdout.write("event reminders scheduled" if queued else "event reminders were already scheduled")

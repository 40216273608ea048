from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from werkplaats.steering.tasks import schedule_report_reminders


class Command(BaseCommand):
    help = "Queue the daily progress-report reminders for the next 07:00 unless a run is already waiting."

    def handle(self, *args: Any, **options: Any) -> None:
        queued = schedule_report_reminders()
        self.stdout.write("report reminders scheduled" if queued else "report reminders were already scheduled")

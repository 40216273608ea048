from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from werkplaats.trajectories.tasks import schedule_review_reminders


class Command(BaseCommand):
    help = (
        "Queue the daily review reminders for the next 07:00 unless a run is already waiting (make worker runs this)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        queued = schedule_review_reminders()
        self.stdout.write("review reminders scheduled" if queued else "review reminders were already scheduled")

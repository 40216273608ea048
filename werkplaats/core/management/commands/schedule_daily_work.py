from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from werkplaats.core.scheduling import keeps_waiting_tasks, schedule_all


class Command(BaseCommand):
    help = "Queue every daily job (reminders, digests) for the next 07:00 unless a run is already waiting."

    def handle(self, *args: Any, **options: Any) -> None:
        if not keeps_waiting_tasks():
            self.stdout.write("the task backend keeps no waiting tasks: run the daily commands from cron")
            return
        for path, queued in schedule_all():
            name = path.rsplit(".", 1)[1]
            self.stdout.write(f"{name}: {'scheduled' if queued else 'already scheduled'}")

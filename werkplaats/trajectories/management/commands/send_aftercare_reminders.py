from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from werkplaats.trajectories.tasks import send_aftercare


class Command(BaseCommand):
    help = "Remind consultants of the aftercare check of trajectories completed six months ago."

    def handle(self, *args: Any, **options: Any) -> None:
        reminded = send_aftercare()
        self.stdout.write(f"{reminded} reminders")

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from werkplaats.scans.tasks import send_reminders


class Command(BaseCommand):
    help = "Remind members who have not answered an open health scan that closes within three days (run daily)."

    def handle(self, *args: Any, **options: Any) -> None:
        reminded = send_reminders()
        self.stdout.write(f"{reminded} reminders")

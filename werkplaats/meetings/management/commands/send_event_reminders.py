from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from werkplaats.meetings.tasks import send_reminders


class Command(BaseCommand):
    help = "Remind everyone with a place of an event that starts by the end of tomorrow (run daily)."

    def handle(self, *args: Any, **options: Any) -> None:
        sent = send_reminders()
        self.stdout.write(f"{sent} event reminder e-mail(s) sent.")

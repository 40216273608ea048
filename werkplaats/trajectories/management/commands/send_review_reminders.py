from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from werkplaats.trajectories.tasks import send_reminders


class Command(BaseCommand):
    help = "Remind the consultant, coach and trainer of every trajectory whose progress review is due (run daily)."

    def handle(self, *args: Any, **options: Any) -> None:
        sent = send_reminders()
        self.stdout.write(f"{sent} reminder e-mail(s) sent.")

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from werkplaats.steering.tasks import send_reminders


class Command(BaseCommand):
    help = "Create the progress reports that fell due and remind the groups that owe them (run daily)."

    def handle(self, *args: Any, **options: Any) -> None:
        sent = send_reminders()
        self.stdout.write(f"{sent} report reminder e-mail(s) sent.")

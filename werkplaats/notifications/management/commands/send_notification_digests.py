from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from werkplaats.notifications.services import send_digests


class Command(BaseCommand):
    help = "Send the daily (and, on Mondays, weekly) notification digests, and retry failed notification e-mails."

    def handle(self, *args: Any, **options: Any) -> None:
        sent = send_digests()
        self.stdout.write(f"{sent} e-mails sent")

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from werkplaats.meetings.guest_tasks import run_guest_jobs


class Command(BaseCommand):
    help = (
        "Remind the guests of information sessions that start by the end of tomorrow, and delete the "
        "personal data of guests of sessions that ended more than 30 days ago (run daily)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        done = run_guest_jobs()
        self.stdout.write(
            f"{done['reminded']} guest reminder e-mail(s) sent; personal data of {done['purged']} guest sign-up(s) "
            "deleted."
        )

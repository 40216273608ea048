from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from werkplaats.insights.facts import rebuild


class Command(BaseCommand):
    help = (
        "Count the dashboard's facts of every trajectory again. Needed after loading trajectories without the "
        "ORM (a COPY, a restore); the daily job does the same and reports what it corrected."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        corrected = rebuild()
        self.stdout.write(f"{corrected} trajectory facts corrected")

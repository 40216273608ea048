from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from werkplaats.matching.counts import rebuild_counts


class Command(BaseCommand):
    help = (
        "Recount the stored counts of every learning place (accepted requests, placed, completed and stopped "
        "trajectories). Needed after loading data without the ORM; the daily job does the same."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        corrected = rebuild_counts()
        self.stdout.write(f"{corrected} learning place counts corrected")

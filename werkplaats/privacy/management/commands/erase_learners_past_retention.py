from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from werkplaats.privacy.tasks import run_erasure


class Command(BaseCommand):
    help = "Erase the personal data of learners whose retention period ended (run daily)."

    def handle(self, *args: Any, **options: Any) -> None:
        erased = run_erasure()
        self.stdout.write(f"{erased} learner(s) erased.")

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from werkplaats.imports.tasks import run_purge


class Command(BaseCommand):
    help = "Remove uploaded import files (and their rows) past their retention period (run daily)."

    def handle(self, *args: Any, **options: Any) -> None:
        purged = run_purge()
        self.stdout.write(f"{purged} import file(s) removed.")

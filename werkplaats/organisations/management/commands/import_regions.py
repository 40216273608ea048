from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from werkplaats.audit.context import acting_as, system_actor
from werkplaats.organisations.services import MUNICIPALITIES_CSV, REGIONS_CSV, import_regions


class Command(BaseCommand):
    help = (
        "Load the 35 labour-market regions (CBS 2025) and the municipality → region mapping "
        "(UWV 2015). Idempotent. Defaults to the copies shipped in werkplaats/organisations/data/."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--regions", type=Path, default=REGIONS_CSV, help="CSV with cbs_code,naam_2025")
        parser.add_argument(
            "--municipalities",
            type=Path,
            default=MUNICIPALITIES_CSV,
            help="CSV with gemeente_2015,cbs_code_2025_by_name",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            with acting_as(system_actor("import_regions")):
                regions, municipalities = import_regions(options["regions"], options["municipalities"])
        except ValidationError as exc:
            raise CommandError("\n".join(exc.messages)) from exc
        for label, summary in (("regions", regions), ("municipalities", municipalities)):
            self.stdout.write(
                f"{label}: {summary.created} added, {summary.updated} updated, {summary.unchanged} unchanged"
            )

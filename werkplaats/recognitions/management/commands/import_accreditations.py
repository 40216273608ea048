from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from werkplaats.audit.context import acting_as, system_actor
from werkplaats.recognitions.importer import COLUMNS
from werkplaats.recognitions.services import ImportRejected, import_recognitions


class Command(BaseCommand):
    help = (
        "Import recognitions (erkenningen) of learning companies from a CSV or XLSX file with the columns "
        + ", ".join(COLUMNS)
        + ". Every row is checked first; any problem rejects the whole file and changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="a .csv or .xlsx file")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"{path}: {exc.strerror}") from exc
        try:
            with acting_as(system_actor("import_accreditations")):
                summary = import_recognitions(path.name, data)
        except ImportRejected as exc:
            raise CommandError(
                f"Import rejected, nothing was changed ({len(exc.problems)} problem(s)):\n"
                + "\n".join(f"  {problem}" for problem in exc.problems)
            ) from exc
        self.stdout.write(
            f"recognitions: {summary.added} added, {summary.updated} updated, {summary.unchanged} unchanged, "
            f"{summary.withdrawn} withdrawn left as they were; "
            f"{summary.learning_companies} learning companies updated ({summary.rows} rows)"
        )

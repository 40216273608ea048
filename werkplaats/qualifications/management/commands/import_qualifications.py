from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from werkplaats.audit.context import acting_as, system_actor
from werkplaats.qualifications.services import ImportRejected, import_catalogue


class Command(BaseCommand):
    help = (
        "Import qualification files: SBB KD-XML exports (.xml) and/or the crebo list (.csv). "
        "All files are checked first; any problem rejects the whole import and changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", type=Path, help="files or folders (all .xml and .csv inside)")

    def handle(self, *args: Any, **options: Any) -> None:
        files: list[tuple[str, bytes]] = []
        for path in options["paths"]:
            candidates = (
                sorted(p for p in path.iterdir() if p.suffix.lower() in {".xml", ".csv"}) if path.is_dir() else [path]
            )
            for candidate in candidates:
                try:
                    files.append((candidate.name, candidate.read_bytes()))
                except OSError as exc:
                    raise CommandError(f"{candidate}: {exc.strerror}") from exc
        if not files:
            raise CommandError("No .xml or .csv files found.")
        try:
            with acting_as(system_actor("import_qualifications")):
                summary = import_catalogue(files)
        except ImportRejected as exc:
            raise CommandError(
                "Import rejected, nothing was changed:\n" + "\n".join(f"  {p}" for p in exc.problems)
            ) from exc
        self.stdout.write(
            f"qualifications: {summary.added} added, {summary.updated} updated, {summary.unchanged} unchanged, "
            f"0 rejected; {summary.core_tasks_added} core tasks and "
            f"{summary.work_processes_added} work processes added"
        )

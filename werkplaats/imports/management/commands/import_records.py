"""Import a CSV or XLSX file of learners, employers, recognitions or trajectories, with the same
checks as the upload page; exit status 1 and every error on stderr when it fails."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from werkplaats.accounts.models import User
from werkplaats.audit.context import Actor, acting_as, system_actor
from werkplaats.imports import services
from werkplaats.imports.kinds import spec_for
from werkplaats.imports.models import DuplicateAction, ImportJob, ImportKind, ImportMode, JobStatus, MappingTemplate
from werkplaats.organisations.models import Organisation


class Command(BaseCommand):
    help = "Import learners, employers, recognitions or trajectories from a CSV or XLSX file."
    kind: str | None = None  # set by the commands for one kind

    def add_arguments(self, parser: CommandParser) -> None:
        if self.kind is None:
            parser.add_argument("kind", choices=ImportKind.values)
        parser.add_argument("path", type=Path)
        parser.add_argument("--organisation", required=True, help="slug of the organisation the records are for")
        parser.add_argument("--user", help="e-mail address of the person importing (their rights apply)")
        parser.add_argument("--template", help="name of the organisation's saved column mapping")
        parser.add_argument("--valid-only", action="store_true", help="import the valid rows, report the rest")
        parser.add_argument("--dry-run", action="store_true", help="check every row, write nothing")
        parser.add_argument("--merge", action="store_true", help="merge duplicates into the registered records")
        parser.add_argument("--rejected", type=Path, help="write the rejected rows with their errors to this XLSX")

    def handle(self, *args: Any, **options: Any) -> None:
        kind = self.kind or options["kind"]
        path: Path = options["path"]
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        organisation = Organisation.objects.filter(slug=options["organisation"]).first()
        if organisation is None:
            raise CommandError(f"no organisation {options['organisation']!r}")
        user = None
        if options["user"]:
            user = User.objects.filter(email__iexact=options["user"], is_active=True).first()
            if user is None:
                raise CommandError(f"no active user {options['user']!r}")
        elif spec_for(kind).needs_user:
            raise CommandError("--user is required for this kind of import")
        actor = Actor(user=user, organisation_id=organisation.pk, label=user.email) if user else system_actor("import")
        with acting_as(actor):
            self._import(kind, path, organisation, user, options)

    def _import(self, kind: str, path: Path, organisation: Organisation, user: Any, options: dict[str, Any]) -> None:
        try:
            job = services.start_import(organisation, kind=kind, by=user, file_name=path.name, data=path.read_bytes())
        except PermissionDenied as exc:
            raise CommandError("this user may not import these records for this organisation") from exc
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        mapping = job.mapping
        if options["template"]:
            template = MappingTemplate.objects.filter(
                organisation=organisation, kind=kind, name=options["template"]
            ).first()
            if template is None:
                raise CommandError(f"no saved mapping {options['template']!r} for {kind} of this organisation")
            mapping = services.mapping_from_template(template, job.headers)
        try:
            job = services.choose_mapping(job, mapping=mapping, by=user, inline=True)
        except ValidationError as exc:
            raise CommandError(
                "the columns do not fit: "
                + "; ".join(f"{name}: {' '.join(errors)}" for name, errors in exc.message_dict.items())
                if hasattr(exc, "error_dict")
                else "; ".join(exc.messages)
            ) from exc
        if job.status == JobStatus.FAILED:
            self._report(job)
            raise CommandError("nothing was imported")
        counts = job.preview["counts"]
        self.stdout.write(
            "{rows} rows: {new} new, {updates} to update, {duplicates} duplicates, {errors} with errors".format(
                **counts
            )
        )
        if options["dry_run"]:
            self._report(job)
            if counts["errors"]:
                raise CommandError("the file has errors (dry run: nothing was written)")
            return
        mode = ImportMode.VALID_ONLY if options["valid_only"] else ImportMode.ALL_OR_NOTHING
        duplicates = DuplicateAction.MERGE if options["merge"] else DuplicateAction.SKIP
        job = services.start_run(job, by=user, mode=mode, duplicates=duplicates, inline=True)
        if options["rejected"] and job.rejected:
            options["rejected"].write_bytes(bytes(job.rejected))
        self._report(job)
        if job.status != JobStatus.DONE:
            raise CommandError("nothing was imported")
        summary = job.summary
        self.stdout.write(
            self.style.SUCCESS(
                f"imported: {summary.get('created', 0)} new, {summary.get('updated', 0)} updated, "
                f"{summary.get('errors', 0)} rows rejected"
            )
        )
        if summary.get("errors"):
            raise CommandError(f"{summary['errors']} rows were rejected")

    def _report(self, job: ImportJob) -> None:
        for number, column, message in job.errors:
            where = f"row {number}" if number else "file"
            self.stderr.write(f"{where}{', ' + column if column else ''}: {message}")
        hidden = job.error_count - len(job.errors)
        if hidden > 0:
            self.stderr.write(f"... and {hidden} more errors")

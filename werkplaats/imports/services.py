"""Importing a file: upload, map the columns, check every row, then write (all or nothing, or
the valid rows only). Large files are checked and written by the task worker."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from werkplaats.audit.models import Action as AuditAction
from werkplaats.audit.recorder import record
from werkplaats.organisations.models import Organisation

from . import cells, reading
from .kinds import Action, Context, Row, RowsFailed, Spec, spec_for
from .models import DuplicateAction, ImportJob, ImportMode, JobStatus, MappingTemplate
from .retention import removed_message

PREVIEW_ROWS = 20
MAX_ERRORS_KEPT = 1000
MAX_DUPLICATES_KEPT = 500
PROGRESS_EVERY = 1000

Progress = Callable[[int, int], None]


def inline_limit() -> int:
    """Files up to this many bytes are checked and written during the request; larger ones by
    the task worker, with progress on the page."""
    return int(getattr(settings, "WERKPLAATS_IMPORT_INLINE_BYTES", 200_000))


# --- Column mapping ---------------------------------------------------------------------------


def suggest_mapping(spec: Spec, headers: list[str]) -> dict[str, int]:
    """Field name → column position, from the column names (the field's own name, its label in
    Dutch or English, or a known synonym)."""
    from django.utils import translation

    positions = {reading.normalised(header): index for index, header in reversed(list(enumerate(headers))) if header}
    mapping: dict[str, int] = {}
    used: set[int] = set()
    for field in spec.fields:
        names = [field.name, *field.aliases]
        for language in ("nl", "en"):
            with translation.override(language):
                names.append(str(field.label))
        for name in names:
            position = positions.get(reading.normalised(name))
            if position is not None and position not in used:
                mapping[field.name] = position
                used.add(position)
                break
    return mapping


def mapping_from_template(template: MappingTemplate, headers: list[str]) -> dict[str, int]:
    """A saved mapping (field → column name) applied to this file's columns."""
    positions = {reading.normalised(header): index for index, header in reversed(list(enumerate(headers))) if header}
    return {
        name: positions[reading.normalised(header)]
        for name, header in template.mapping.items()
        if reading.normalised(header) in positions
    }


def check_mapping(spec: Spec, headers: list[str], mapping: dict[str, int]) -> None:
    errors: dict[str, list[str]] = {}
    for field in spec.fields:
        position = mapping.get(field.name)
        if position is None:
            if field.required:
                errors.setdefault(field.name, []).append(_("Choose the column that holds this; it is required."))
        elif not 0 <= position < len(headers):
            errors.setdefault(field.name, []).append(_("Choose one of the file's columns."))
    used: dict[int, str] = {}
    for name, position in mapping.items():
        if position in used:
            errors.setdefault(name, []).append(
                _("Column '%(column)s' is already chosen for another field.") % {"column": headers[position]}
            )
        used[position] = name
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def save_template(job: ImportJob, *, name: str, by: Any) -> MappingTemplate:
    template, _created = MappingTemplate.objects.update_or_create(
        organisation=job.organisation,
        kind=job.kind,
        name=name.strip(),
        defaults={
            "mapping": {field: job.headers[position] for field, position in job.mapping.items()},
            "created_by": by,
        },
    )
    return template


# --- Starting -----------------------------------------------------------------------------------


@transaction.atomic
def start_import(organisation: Organisation, *, kind: str, by: Any, file_name: str, data: bytes) -> ImportJob:
    """Keep the uploaded file and suggest a mapping of its columns. Refuses a file that cannot be
    read at all (not a spreadsheet, empty, no header)."""
    spec = spec_for(kind)
    if not spec.may_import(by, organisation):
        raise PermissionDenied
    try:
        headers, _lines = reading.read_sheet(file_name, data, limit=1)
    except reading.Unreadable as exc:
        raise ValidationError(exc.message, code="unreadable") from exc
    return ImportJob.objects.create(
        organisation=organisation,
        kind=kind,
        created_by=by,
        file_name=file_name[:255],
        data=data,
        headers=headers,
        mapping=suggest_mapping(spec, headers),
    )


def first_rows(job: ImportJob, count: int = 5) -> list[list[str]]:
    """The first rows of the file as text, to help choose the columns."""
    try:
        _headers, lines = reading.read_sheet(job.file_name, bytes(job.data), limit=count)
    except reading.Unreadable:
        return []
    return [[cells.shown(cell) for cell in line.cells[: len(job.headers)]] for line in lines]


def choose_mapping(
    job: ImportJob, *, mapping: dict[str, int], by: Any, template_name: str = "", inline: bool = False
) -> ImportJob:
    """Keep the mapping (and save it as a template when named), then check the file: inline for
    small files, on the worker for large ones."""
    spec = spec_for(job.kind)
    if not spec.may_import(by, job.organisation):
        raise PermissionDenied
    if job.is_purged:
        raise ValidationError(removed_message())
    if job.is_busy:
        raise ValidationError(_("The file is being checked or imported; wait until it is finished."))
    check_mapping(spec, job.headers, mapping)
    with transaction.atomic():
        # Conditional, so a purge that just removed the file wins (see ``retention``).
        if not ImportJob.objects.filter(pk=job.pk, purged_at__isnull=True).update(
            mapping=mapping, status=JobStatus.CHECKING, progress=0, total=0
        ):
            raise ValidationError(removed_message())
        job.mapping = mapping
        job.status = JobStatus.CHECKING
        job.progress, job.total = 0, 0
        if template_name.strip():
            save_template(job, name=template_name, by=by)
    return _next_step(job, "check", inline=inline)


def may_run(job: ImportJob) -> bool:
    """A checked file, or one whose all-or-nothing import was rejected (to try the valid rows),
    as long as the file is kept."""
    if job.is_purged:
        return False
    return job.status == JobStatus.CHECKED or (job.status == JobStatus.FAILED and bool(job.mode))


def start_run(job: ImportJob, *, by: Any, mode: str, duplicates: str, inline: bool = False) -> ImportJob:
    spec = spec_for(job.kind)
    if not spec.may_import(by, job.organisation):
        raise PermissionDenied
    if job.is_purged:
        raise ValidationError(removed_message())
    if not may_run(job):
        raise ValidationError(_("Only a checked file can be imported."))
    if mode not in ImportMode.values or duplicates not in DuplicateAction.values:
        raise ValidationError(_("Choose how to import."))
    updated = (
        ImportJob.objects.filter(pk=job.pk, status=job.status, purged_at__isnull=True)
        .exclude(status=JobStatus.DONE)
        .update(status=JobStatus.RUNNING, mode=mode, duplicates=duplicates, progress=0, total=0, finished_at=None)
    )
    if not updated:  # someone pressed the button twice, or the file was just removed
        job.refresh_from_db(fields=["purged_at"])
        if job.is_purged:
            raise ValidationError(removed_message())
        raise ValidationError(_("The file is being checked or imported; wait until it is finished."))
    job.refresh_from_db()
    return _next_step(job, "run", inline=inline)


def _next_step(job: ImportJob, step: str, *, inline: bool) -> ImportJob:
    if inline or len(job.data) <= inline_limit():
        return check_job(job.pk) if step == "check" else run_job(job.pk)
    from .tasks import process_import

    transaction.on_commit(lambda: process_import.enqueue(job.pk, step))
    return job


# --- Checking -----------------------------------------------------------------------------------


def _parse(spec: Spec, job: ImportJob, lines: list[reading.Line], progress: Progress | None) -> list[Row]:
    rows: list[Row] = []
    fields = [(field, job.mapping.get(field.name)) for field in spec.fields]
    width = len(job.headers)
    total = len(lines) + 2
    for count, line in enumerate(lines, start=1):
        row = Row(number=line.number, cells=line.cells)
        if any(not cells.is_blank(cell) for cell in line.cells[width:]):
            row.fail(_("there are more values than columns"))
        for field, position in fields:
            if position is None:
                continue
            if position in line.unsaved:
                row.fail(
                    _("the cell holds a formula without a saved value; open and save the file in a spreadsheet"),
                    field.name,
                )
                continue
            cell = line.cells[position] if position < len(line.cells) else None
            row.shown[field.name] = cells.shown(cell)
            try:
                value = field.parse(cell)
            except cells.CellError as exc:
                row.fail(exc.message, field.name)
                continue
            if field.required and value in ("", None):
                row.fail(_("this column is required"), field.name)
                continue
            row.values[field.name] = value
        if not row.ok:
            row.action = Action.ERROR
        rows.append(row)
        if progress is not None and count % PROGRESS_EVERY == 0:
            progress(count, total)
    return rows


def evaluate(job: ImportJob, *, duplicates: str, valid_only: bool, progress: Progress | None = None) -> list[Row]:
    """Read and check every row (nothing is written)."""
    spec = spec_for(job.kind)
    _headers, lines = reading.read_sheet(job.file_name, bytes(job.data))
    rows = _parse(spec, job, lines, progress)
    context = Context(organisation=job.organisation, by=job.created_by, duplicates=duplicates, valid_only=valid_only)
    spec.check(rows, context)
    for row in rows:
        if not row.ok:
            row.action = Action.ERROR
    if progress is not None:
        progress(len(rows) + 1, len(rows) + 2)
    return rows


def counts(rows: list[Row]) -> dict[str, int]:
    return {
        "rows": len(rows),
        "new": sum(1 for row in rows if row.action == Action.NEW),
        "updates": sum(1 for row in rows if row.action == Action.UPDATE),
        "duplicates": sum(1 for row in rows if row.duplicate and row.ok),
        "errors": sum(1 for row in rows if not row.ok),
    }


def _column(job: ImportJob, field_name: str) -> str:
    position = job.mapping.get(field_name)
    return job.headers[position] if position is not None and position < len(job.headers) else ""


def error_list(job: ImportJob, rows: list[Row], limit: int = MAX_ERRORS_KEPT) -> list[list[Any]]:
    found: list[list[Any]] = []
    for row in rows:
        for name, message in row.errors:
            if len(found) >= limit:
                return found
            found.append([row.number, _column(job, name), message])
    return found


def _progress_of(job: ImportJob) -> Progress:
    def progress(done: int, total: int) -> None:
        ImportJob.objects.filter(pk=job.pk).update(progress=done, total=total)

    return progress


def _fail(job: ImportJob, message: str) -> ImportJob:
    ImportJob.objects.filter(pk=job.pk).update(
        status=JobStatus.FAILED, errors=[[None, "", message]], error_count=1, finished_at=timezone.now()
    )
    job.refresh_from_db()
    return job


def check_job(job_id: int) -> ImportJob:
    """Check every row and keep the preview: counts, the first rows, the errors, the duplicates."""
    job = ImportJob.objects.select_related("organisation", "created_by").get(pk=job_id)
    if job.status != JobStatus.CHECKING:
        return job  # a retried task must not check twice
    try:
        rows = evaluate(job, duplicates=DuplicateAction.MERGE, valid_only=True, progress=_progress_of(job))
    except reading.Unreadable as exc:
        return _fail(job, exc.message)
    spec = spec_for(job.kind)
    shown_fields = [field.name for field in spec.fields if field.name in job.mapping]
    preview = {
        "counts": counts(rows),
        "fields": shown_fields,
        "sample": [
            {
                "number": row.number,
                "values": [row.shown.get(name, "") for name in shown_fields],
                "action": row.action,
                "note": str(row.note),
            }
            for row in rows[:PREVIEW_ROWS]
        ],
        "duplicates": [[row.number, str(row.note)] for row in rows if row.duplicate and row.ok][:MAX_DUPLICATES_KEPT],
    }
    errors = error_list(job, rows)
    ImportJob.objects.filter(pk=job.pk).update(
        status=JobStatus.CHECKED,
        row_count=len(rows),
        preview=preview,
        errors=errors,
        error_count=sum(len(row.errors) for row in rows),
        progress=len(rows) + 2,
        total=len(rows) + 2,
    )
    job.refresh_from_db()
    return job


# --- Writing ------------------------------------------------------------------------------------


def rejected_workbook(job: ImportJob, rows: list[Row]) -> bytes:
    """The rejected rows as the file had them, with their row number and errors in front."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Rejected rows"))

    def text(value: Any) -> Any:
        cell = WriteOnlyCell(sheet, value=value)
        if isinstance(value, str):
            cell.data_type = "s"  # never a formula, whatever the text starts with
        return cell

    sheet.append([text(_("row")), text(_("errors")), *(text(header) for header in job.headers)])
    for row in rows:
        if row.ok:
            continue
        errors = "; ".join(f"{_column(job, name)}: {message}" if name else message for name, message in row.errors)
        values = [cells.shown(cell) if not isinstance(cell, int | float) else cell for cell in row.cells]
        sheet.append([row.number, text(errors), *(text(value) for value in values[: len(job.headers)])])
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def run_job(job_id: int) -> ImportJob:
    """Check every row again (the database may have changed since the preview), then write:
    all-or-nothing writes nothing when any row has an error; valid-only writes the rest and
    keeps the rejected rows as an XLSX."""
    job = ImportJob.objects.select_related("organisation", "created_by").get(pk=job_id)
    if job.status != JobStatus.RUNNING or job.finished_at is not None:
        return job
    valid_only = job.mode == ImportMode.VALID_ONLY
    progress = _progress_of(job)
    try:
        rows = evaluate(job, duplicates=job.duplicates, valid_only=valid_only, progress=progress)
    except reading.Unreadable as exc:
        return _fail(job, exc.message)
    spec = spec_for(job.kind)
    written: dict[str, int] = {}
    failed = any(not row.ok for row in rows) and not valid_only
    if not failed:
        try:
            with transaction.atomic():
                written = spec.write(rows, Context(job.organisation, job.created_by, job.duplicates, valid_only))
                summary = {
                    **counts(rows),
                    **written,
                    "skipped": sum(1 for row in rows if row.action in (Action.SKIP, Action.UNCHANGED)),
                }
                record(
                    AuditAction.CREATE,
                    job,
                    changes={"kind": job.kind, "file": job.file_name, "mode": job.mode, **summary},
                    subject_organisation_id=job.organisation_id,
                    object_repr=_("import of %(kind)s from %(file)s")
                    % {"kind": job.get_kind_display(), "file": job.file_name},
                )
        except RowsFailed:
            failed = True
    rejected = rejected_workbook(job, rows) if any(not row.ok for row in rows) else None
    final = counts(rows)
    ImportJob.objects.filter(pk=job.pk).update(
        status=JobStatus.FAILED if failed else JobStatus.DONE,
        summary=final if failed else {**final, **written},
        errors=error_list(job, rows),
        error_count=sum(len(row.errors) for row in rows),
        rejected=rejected,
        # Once imported, the uploaded file (personal data) is not kept; the rejected rows are.
        data=bytes(job.data) if failed else b"",
        progress=len(rows) + 2,
        total=len(rows) + 2,
        finished_at=timezone.now(),
    )
    job.refresh_from_db()
    return job

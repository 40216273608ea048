"""Importing the catalogue. All files of one import are checked before anything is written;
a single problem rejects the whole import and leaves the database as it was."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from werkplaats.audit.models import Action
from werkplaats.audit.recorder import record

from .importers import ParsedFile, ParsedQualification, Problem, crebo_csv, kd_xml
from .models import CoreTask, ImportRun, ImportStatus, Qualification, QualificationFile, Source, WorkProcess

Progress = Callable[[int, int], None]


@dataclass
class ImportSummary:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    files_added: int = 0
    core_tasks_added: int = 0
    work_processes_added: int = 0
    problems: list[Problem] = field(default_factory=list)

    def as_dict(self) -> dict[str, int]:
        return {
            "added": self.added,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
            "files_added": self.files_added,
            "core_tasks_added": self.core_tasks_added,
            "work_processes_added": self.work_processes_added,
        }


class ImportRejected(Exception):
    def __init__(self, problems: Sequence[Problem], rejected: int = 0) -> None:
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = list(problems)
        self.rejected = rejected


def detect_format(data: bytes, name: str) -> str | None:
    """``kd_xml``, ``crebo_list`` or None, from the content first and the name second."""
    head = data[:2048].lstrip(b"\xef\xbb\xbf").lstrip()
    if head.startswith(b"<"):
        return "kd_xml"
    lower = name.lower()
    if lower.endswith(".xml"):
        return "kd_xml"
    if lower.endswith(".csv") or b"kwalificatie_crebo" in head:
        return "crebo_list"
    return None


def parse_files(
    files: Sequence[tuple[str, bytes]], *, progress: Progress | None = None
) -> tuple[list[ParsedFile], list[Problem]]:
    parsed: list[ParsedFile] = []
    problems: list[Problem] = []
    for done, (name, data) in enumerate(files, start=1):
        kind = detect_format(data, name)
        if kind == "kd_xml":
            result, found = kd_xml.parse(data, name)
        elif kind == "crebo_list":
            result, found = crebo_csv.parse(data, name)
        else:
            result, found = (
                [],
                [Problem(name, "", _("unknown file type: expected SBB KD-XML (.xml) or the crebo list (.csv)."))],
            )
        parsed.extend(result)
        problems.extend(found)
        if progress:
            progress(done, len(files) + 1)
    return parsed, problems


def import_catalogue(files: Sequence[tuple[str, bytes]], *, progress: Progress | None = None) -> ImportSummary:
    """Import KD-XML files and crebo lists. Raises ImportRejected (nothing written) on any problem."""
    # Progress counts the files read plus one step for writing; it is reported outside the
    # writing transaction so that another connection (the progress page) can see it.
    parsed, problems = parse_files(files, progress=progress)
    if problems:
        raise ImportRejected(problems, rejected=sum(len(p.qualifications) for p in parsed) or len(problems))
    summary = ImportSummary()
    # KD-XML first: when a crebo list and a KD-XML of the same dossier arrive together, the
    # richer file becomes the current version whatever the order of the files.
    ordered = sorted(parsed, key=lambda p: (p.source != Source.KD_XML, p.dossier_crebo))
    with transaction.atomic():
        for item in ordered:
            if item.source == Source.KD_XML:
                _apply_kd_file(item, summary)
            else:
                _apply_crebo_list_file(item, summary)
    if progress:
        progress(len(files) + 1, len(files) + 1)
    return summary


def _qualification(version: QualificationFile, parsed: ParsedQualification) -> Qualification:
    return Qualification(
        file=version,
        crebo=parsed.crebo,
        name=parsed.name,
        level=parsed.level,
        kind=parsed.kind,
        domain=parsed.domain,
        routes=parsed.routes,
        profile_number=parsed.profile_number,
        valid_from=parsed.valid_from,
        end_of_intake=parsed.end_of_intake,
        end_of_programme=parsed.end_of_programme,
    )


def _apply_kd_file(item: ParsedFile, summary: ImportSummary) -> None:
    content_hash = item.content_hash()
    if QualificationFile.objects.filter(dossier_crebo=item.dossier_crebo, content_hash=content_hash).exists():
        summary.unchanged += len(item.qualifications)
        return
    previous = QualificationFile.objects.filter(dossier_crebo=item.dossier_crebo, is_current=True).first()
    previous_crebos = set(previous.qualifications.values_list("crebo", flat=True)) if previous is not None else set()
    version = _new_version(item, content_hash, summary)
    qualifications = Qualification.objects.bulk_create([_qualification(version, q) for q in item.qualifications])
    by_crebo = {q.crebo: q for q in qualifications}
    for q in item.qualifications:
        if q.crebo in previous_crebos:
            summary.updated += 1
        else:
            summary.added += 1
    tasks = CoreTask.objects.bulk_create(
        [
            CoreTask(
                file=version,
                qualification=by_crebo[t.profile_crebo] if t.profile_crebo else None,
                part=t.part,
                code=t.code,
                title=t.title[:300],
                position=t.position,
            )
            for t in item.core_tasks
        ]
    )
    processes = WorkProcess.objects.bulk_create(
        [
            WorkProcess(
                core_task=task, code=w.code, title=w.title[:300], description=w.description, position=w.position
            )
            for task, parsed_task in zip(tasks, item.core_tasks, strict=True)
            for w in parsed_task.work_processes
        ]
    )
    summary.core_tasks_added += len(tasks)
    summary.work_processes_added += len(processes)


def _new_version(item: ParsedFile, content_hash: str, summary: ImportSummary) -> QualificationFile:
    latest = QualificationFile.objects.filter(dossier_crebo=item.dossier_crebo).aggregate(n=Max("version_number"))["n"]
    QualificationFile.objects.filter(dossier_crebo=item.dossier_crebo, is_current=True).update(is_current=False)
    version = QualificationFile.objects.create(
        dossier_crebo=item.dossier_crebo,
        name=item.name,
        domain=item.domain,
        version_number=(latest or 0) + 1,
        version_label=item.version_label,
        adopted_on=item.adopted_on,
        source=item.source,
        source_name=item.source_name[:255],
        content_hash=content_hash,
        is_current=True,
    )
    summary.files_added += 1
    return version


def _apply_crebo_list_file(item: ParsedFile, summary: ImportSummary) -> None:
    """A crebo list never replaces a KD-XML version: it adds dossiers and qualifications the
    catalogue does not have yet and keeps list-only entries up to date."""
    current = QualificationFile.objects.filter(dossier_crebo=item.dossier_crebo, is_current=True).first()
    if current is None:
        version = _new_version(item, item.content_hash(), summary)
        Qualification.objects.bulk_create([_qualification(version, q) for q in item.qualifications])
        summary.added += len(item.qualifications)
        return
    existing = {q.crebo: q for q in current.qualifications.all()}
    for q in item.qualifications:
        found = existing.get(q.crebo)
        if found is None:
            _qualification(current, q).save()
            summary.added += 1
            continue
        if current.source != Source.CREBO_LIST:
            # The KD-XML is the authority on names and levels; only fill in what it lacks.
            if not found.routes and q.routes:
                found.routes = q.routes
                found.save(update_fields=["routes"])
                summary.updated += 1
            else:
                summary.unchanged += 1
            continue
        changed = [
            name for name in ("name", "level", "kind", "domain", "routes") if getattr(found, name) != getattr(q, name)
        ]
        if changed:
            for name in changed:
                setattr(found, name, getattr(q, name))
            found.save(update_fields=changed)
            summary.updated += 1
        else:
            summary.unchanged += 1


# --- Import runs (background) ---------------------------------------------------------------


def start_import(files: Sequence[tuple[str, bytes]], *, by: Any, storage_dir: Path) -> ImportRun:
    """Store the uploaded files and queue the import; the worker does the rest."""
    storage_dir.mkdir(parents=True, exist_ok=True)
    # One step per file read, plus one for writing: the same steps import_catalogue reports.
    run = ImportRun.objects.create(started_by=by, file_names=[name for name, _data in files], total=len(files) + 1)
    paths = []
    for index, (_name, data) in enumerate(files):
        path = storage_dir / f"import-{run.pk}-{index}.upload"
        path.write_bytes(data)
        paths.append(str(path))
    ImportRun.objects.filter(pk=run.pk).update(stored_paths=paths)
    from .tasks import run_catalogue_import

    transaction.on_commit(lambda: run_catalogue_import.enqueue(run.pk))
    return run


def execute_import_run(run_id: int) -> ImportRun:
    run = ImportRun.objects.get(pk=run_id)
    if run.is_finished:
        return run  # a retried or duplicated task must not import twice
    ImportRun.objects.filter(pk=run.pk).update(status=ImportStatus.RUNNING)
    files = [(name, Path(path).read_bytes()) for name, path in zip(run.file_names, run.stored_paths, strict=True)]

    def progress(done: int, total: int) -> None:
        ImportRun.objects.filter(pk=run.pk).update(progress=done, total=total)

    try:
        summary = import_catalogue(files, progress=progress)
    except ImportRejected as exc:
        ImportRun.objects.filter(pk=run.pk).update(
            status=ImportStatus.FAILED,
            errors=[str(p) for p in exc.problems],
            summary={"added": 0, "updated": 0, "unchanged": 0, "rejected": exc.rejected},
            finished_at=timezone.now(),
        )
    else:
        ImportRun.objects.filter(pk=run.pk).update(
            status=ImportStatus.DONE, summary=summary.as_dict(), finished_at=timezone.now()
        )
        record(
            Action.CREATE,
            run,
            changes={"summary": summary.as_dict()},
            object_repr=_("catalogue import %(id)s") % {"id": run.pk},
        )
    for path in run.stored_paths:
        Path(path).unlink(missing_ok=True)
    run.refresh_from_db()
    return run

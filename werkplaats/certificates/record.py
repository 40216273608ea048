"""The learner's portable record: their trajectory, praktijkverklaringen, assessed work processes,
evidence and reflection log and evidence files in one ZIP, readable without the platform.

The archive is written in the learner's language. It is deterministic: every member carries the
time of the record's latest recorded change, so two downloads of an unchanged record differ only
in the line of the README that says when it was made."""

from __future__ import annotations

import datetime
import io
import json
import re
import zipfile
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from werkplaats.core.exports import csv_lines
from werkplaats.organisations.access import get_access
from werkplaats.organisations.models import Role
from werkplaats.trajectories import services as trajectory_services
from werkplaats.trajectories.models import (
    EventKind,
    EvidenceFile,
    IntendedOutcome,
    Level,
    LogEntry,
    Route,
    Status,
    Trajectory,
    TrajectoryEvent,
    WorkProcessAssessment,
)

from . import pdf, services
from .models import Certificate

README = "README.txt"
TRAJECTORY_JSON = "trajectory.json"
WORK_PROCESSES_CSV = "work-processes.csv"
WORK_PROCESSES_JSON = "work-processes.json"
LOG_CSV = "log.csv"
EVIDENCE_DIR = "evidence"

EXTENSIONS = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg"}
ZIP_EPOCH = datetime.datetime(1980, 1, 1)  # the earliest time a ZIP member can carry


# --- Who may take it --------------------------------------------------------------------------


def can_download_record(user: Any, trajectory: Trajectory) -> bool:
    """The learner, and who manages the trajectory on the learner's behalf: its consultant and
    the consultants of the learner's organisation (for a learner without a login, say). A
    coordinator steers the region's trajectories but does not carry a learner's record away."""
    if trajectory_services.is_the_learner(user, trajectory):
        return True
    if not trajectory_services.can_manage(user, trajectory):
        return False
    access = get_access(user)
    return (
        access.is_platform_admin
        or trajectory.consultant_id == access.user_id
        or trajectory.learner.organisation_id in access.organisation_ids(Role.CONSULTANT)
    )


def file_name(trajectory: Trajectory) -> str:
    return f"werkplaats-{slugify(trajectory.learner.last_name) or 'record'}-{trajectory.pk}.zip"


def certificate_member(certificate: Certificate) -> str:
    return f"praktijkverklaring-{_safe(certificate.number)}.pdf"


def evidence_member(evidence: EvidenceFile) -> str:
    code = _safe(evidence.assessment.work_process.code) or "evidence"
    return f"{EVIDENCE_DIR}/{code}-{evidence.pk}.{EXTENSIONS.get(evidence.content_type, 'bin')}"


def _safe(text: str) -> str:
    """Letters, digits and dashes only: a name no unzip program reads as a path."""
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-")


# --- What it holds ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Evidence:
    file: EvidenceFile
    member: str  # the name in the archive
    data: bytes | None  # None: the stored file is missing


@dataclass(frozen=True)
class Contents:
    trajectory: Trajectory
    certificates: list[Certificate]
    assessments: list[WorkProcessAssessment]
    evidence: list[Evidence]
    log: list[LogEntry]
    events: list[TrajectoryEvent]

    @property
    def certified_codes(self) -> set[str]:
        """The work processes on the valid praktijkverklaring (none when there is none)."""
        valid = next((c for c in self.certificates if c.revoked is None), None)
        return set(valid.work_process_codes) if valid is not None else set()

    def evidence_of(self, assessment: WorkProcessAssessment) -> list[str]:
        return [e.member for e in self.evidence if e.file.assessment_id == assessment.pk and e.data is not None]

    def last_change(self) -> datetime.datetime:
        """When the record last changed, as far as it keeps the times of its changes."""
        times = [self.trajectory.updated_at, self.trajectory.status_changed_at]
        times += [event.at for event in self.events]
        times += [entry.created_at for entry in self.log]
        times += [e.file.uploaded_at for e in self.evidence]
        times += [a.confirmed_at for a in self.assessments if a.confirmed_at is not None]
        for certificate in self.certificates:
            times.append(certificate.issued_at)
            if certificate.revoked is not None:
                times.append(certificate.revoked.revoked_at)
        return max(times)


def _read(evidence: EvidenceFile) -> bytes | None:
    if not evidence.file.name:
        return None
    try:
        with evidence.file.storage.open(evidence.file.name, "rb") as handle:
            return bytes(handle.read())
    except FileNotFoundError:
        return None


def collect(trajectory: Trajectory) -> Contents:
    certificates = list(trajectory.certificates.select_related("revocation").order_by("issued_at", "id"))
    assessments = list(
        trajectory.assessments.select_related("work_process__core_task")
        .prefetch_related(
            Prefetch("files", queryset=EvidenceFile.objects.select_related("uploaded_by").order_by("uploaded_at", "id"))
        )
        .order_by("work_process__core_task__part", "work_process__core_task__position", "work_process__position", "id")
    )
    evidence: list[Evidence] = []
    for assessment in assessments:
        for file in assessment.files.all():
            evidence.append(Evidence(file=file, member=evidence_member(file), data=_read(file)))
    return Contents(
        trajectory=trajectory,
        certificates=certificates,
        assessments=assessments,
        evidence=evidence,
        log=list(trajectory.log_entries.select_related("author", "work_process").order_by("created_at", "id")),
        events=list(trajectory.events.order_by("at", "id")),
    )


# --- Its members ------------------------------------------------------------------------------


def _local(moment: datetime.datetime) -> datetime.datetime:
    """In the platform's time zone, whoever downloads."""
    return timezone.localtime(moment, timezone.get_default_timezone())


def _date(value: datetime.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _moment(value: datetime.datetime | None) -> str | None:
    return _local(value).isoformat(timespec="seconds") if value is not None else None


def _choice(choices: Any, value: str) -> dict[str, str] | None:
    if not value:
        return None
    try:
        label = str(choices(value).label)
    except ValueError:
        label = value
    return {"code": value, "label": label}


def _json(data: Any) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _csv(header: list[str], rows: list[list[Any]]) -> bytes:
    return "".join(csv_lines(header, rows)).encode("utf-8")


def _person(user: Any) -> str:
    return user.get_full_name() if user is not None else ""


def _work_process_rows(contents: Contents) -> list[dict[str, Any]]:
    certified = contents.certified_codes
    rows = []
    for assessment in contents.assessments:
        process = assessment.work_process
        core_task = process.core_task
        rows.append(
            {
                "core_task": {"code": core_task.code, "title": core_task.title},
                "work_process": {"code": process.code, "title": process.title},
                "level": _choice(Level, assessment.level),
                "assessed_on": _date(assessment.assessed_on),
                "confirmed_by_school_on": _date(_local(assessment.confirmed_at).date())
                if assessment.confirmed_at is not None
                else None,
                "on_certificate": process.code in certified,
                "evidence_note": assessment.evidence_note,
                "evidence_files": contents.evidence_of(assessment),
            }
        )
    return rows


def work_processes_csv(contents: Contents) -> bytes:
    header = [
        _("Core task"),
        _("Core task title"),
        _("Work process"),
        _("Work process title"),
        _("Level"),
        _("Assessed on"),
        _("Confirmed by the school on"),
        _("On the praktijkverklaring"),
        _("Evidence"),
        _("Evidence files"),
    ]
    rows = [
        [
            row["core_task"]["code"],
            row["core_task"]["title"],
            row["work_process"]["code"],
            row["work_process"]["title"],
            row["level"]["label"] if row["level"] else "",
            row["assessed_on"],
            row["confirmed_by_school_on"],
            _("yes") if row["on_certificate"] else _("no"),
            row["evidence_note"],
            " ".join(row["evidence_files"]),
        ]
        for row in _work_process_rows(contents)
    ]
    return _csv(header, rows)


def work_processes_json(contents: Contents) -> bytes:
    return _json(_work_process_rows(contents))


def log_csv(contents: Contents) -> bytes:
    header = [_("Date"), _("Author"), _("Work process"), _("Goal"), _("Text")]
    rows = [
        [
            _local(entry.created_at).strftime("%Y-%m-%d %H:%M"),
            _person(entry.author),
            entry.work_process.code if entry.work_process is not None else "",
            entry.goal,
            entry.text,
        ]
        for entry in contents.log
    ]
    return _csv(header, rows)


def trajectory_json(contents: Contents) -> bytes:
    """What the trajectory is, for programs. Only what the learner's certificate and trajectory
    pages state: never support needs, target group, contact details or reasons for stopping."""
    trajectory = contents.trajectory
    learner = trajectory.learner
    qualification = trajectory.qualification
    return _json(
        {
            "learner": {
                "first_name": learner.first_name,
                "last_name": learner.last_name,
                "date_of_birth": _date(learner.date_of_birth),
            },
            "route": _choice(Route, trajectory.route),
            "intended_outcome": _choice(IntendedOutcome, trajectory.intended_outcome),
            "status": _choice(Status, trajectory.status),
            "status_since": _moment(trajectory.status_changed_at),
            "qualification": {"name": qualification.name, "crebo": qualification.crebo, "level": qualification.level}
            if qualification is not None
            else None,
            "school": {"name": trajectory.school.name} if trajectory.school is not None else None,
            "employer": {"name": trajectory.employer.name, "kvk_number": trajectory.employer.kvk_number}
            if trajectory.employer is not None
            else None,
            "workplace_trainer": _person(trajectory.workplace_trainer) or None,
            "planned_start": _date(trajectory.planned_start),
            "planned_end": _date(trajectory.planned_end),
            "events": [
                {
                    "kind": _choice(EventKind, event.kind),
                    "from": _choice(Status, event.from_status),
                    "to": _choice(Status, event.to_status),
                    "at": _moment(event.at),
                }
                for event in contents.events
            ],
            "certificates": [
                {
                    "number": certificate.number,
                    "file": certificate_member(certificate),
                    "issued_on": _date(certificate.issued_on),
                    "verify_url": certificate.verify_url,
                    "revoked_on": _date(certificate.revoked.revoked_on) if certificate.revoked is not None else None,
                }
                for certificate in contents.certificates
            ],
        }
    )


def readme(contents: Contents, *, made_at: datetime.datetime) -> bytes:
    trajectory = contents.trajectory
    context = {
        "trajectory": trajectory,
        "learner": trajectory.learner,
        "trainer": _person(trajectory.workplace_trainer),
        "certificates": [
            {"certificate": certificate, "member": certificate_member(certificate), "revocation": certificate.revoked}
            for certificate in contents.certificates
        ],
        "evidence": contents.evidence,
        "evidence_included": any(e.data is not None for e in contents.evidence),
        "made_at": made_at,
        "names": {
            "trajectory_json": TRAJECTORY_JSON,
            "work_processes_csv": WORK_PROCESSES_CSV,
            "work_processes_json": WORK_PROCESSES_JSON,
            "log_csv": LOG_CSV,
            "evidence_dir": f"{EVIDENCE_DIR}/",
        },
    }
    # Dates and times as they were at the platform, whoever downloads.
    with timezone.override(timezone.get_default_timezone()):
        return render_to_string("certificates/record/README.txt", context).encode("utf-8")


# --- The archive ------------------------------------------------------------------------------


def build_record(trajectory: Trajectory, *, made_at: datetime.datetime) -> bytes:
    """The ZIP of ``trajectory`` (loaded with ``Trajectory.objects.for_page()``), in its
    learner's language. Draws and stores a certificate's PDF that was not stored yet."""
    contents = collect(trajectory)
    with translation.override(services.learner_language(trajectory.learner)):
        members: list[tuple[str, bytes]] = [(README, readme(contents, made_at=made_at))]
        for certificate in contents.certificates:
            try:
                members.append((certificate_member(certificate), pdf.stored_pdf(certificate)))
            except pdf.HolderErased:  # its PDF is no longer drawn
                continue
        members += [
            (TRAJECTORY_JSON, trajectory_json(contents)),
            (WORK_PROCESSES_CSV, work_processes_csv(contents)),
            (WORK_PROCESSES_JSON, work_processes_json(contents)),
            (LOG_CSV, log_csv(contents)),
        ]
        members += [(e.member, e.data) for e in contents.evidence if e.data is not None]
    return _zip(members, at=max(_local(contents.last_change()).replace(tzinfo=None), ZIP_EPOCH))


def _zip(members: list[tuple[str, bytes]], *, at: datetime.datetime) -> bytes:
    date_time = (at.year, at.month, at.day, at.hour, at.minute, at.second)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=date_time)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix, whichever system builds it: the bytes do not depend on it
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return buffer.getvalue()

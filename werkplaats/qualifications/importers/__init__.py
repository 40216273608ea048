"""Readers for catalogue files. They parse and check; they never write to the database."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from datetime import date


@dataclass(frozen=True)
class Problem:
    """Something wrong in an input file, said so that the person who made the file can fix it."""

    file: str
    location: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}, {self.location}: {self.message}" if self.location else f"{self.file}: {self.message}"


@dataclass
class ParsedWorkProcess:
    code: str
    title: str
    description: str
    position: int


@dataclass
class ParsedCoreTask:
    code: str
    title: str
    part: str  # "basis" or "profile"
    position: int
    profile_crebo: str | None
    work_processes: list[ParsedWorkProcess] = field(default_factory=list)


@dataclass
class ParsedQualification:
    crebo: str
    name: str
    level: int
    kind: str = ""
    domain: str = ""
    routes: str = ""
    profile_number: int | None = None
    valid_from: date | None = None
    end_of_intake: date | None = None
    end_of_programme: date | None = None


@dataclass
class ParsedFile:
    dossier_crebo: str
    name: str
    domain: str
    version_label: str
    adopted_on: date | None
    source: str
    source_name: str
    qualifications: list[ParsedQualification] = field(default_factory=list)
    core_tasks: list[ParsedCoreTask] = field(default_factory=list)

    def content_hash(self) -> str:
        """Identifies the content, not the file it came in: re-importing is recognised."""
        content = asdict(self)
        content.pop("source_name")
        return hashlib.sha256(json.dumps(content, sort_keys=True, default=str).encode()).hexdigest()


def looks_like_zip(data: bytes) -> bool:
    return data[:4] == b"PK\x03\x04"

"""The real reference files, and a snapshot of every catalogue table to prove that a rejected
import wrote nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from werkplaats.qualifications.models import CoreTask, Qualification, QualificationFile, WorkProcess

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
XML_DIR = DATA_DIR / "sbb-kd-xml-2016"
CSV_PATH = DATA_DIR / "kwalificaties_mbo_2015-2016.csv"
XML_PATHS = sorted(XML_DIR.glob("*.xml"))
DIENSTVERLENING = XML_DIR / "2755_Dienstverlening.xml"

Snapshot = dict[str, list[tuple[Any, ...]]]


def read(path: Path) -> tuple[str, bytes]:
    return (path.name, path.read_bytes())


def snapshot() -> Snapshot:
    """Every row of every catalogue table, in a stable order, without the import timestamps."""
    return {
        "files": list(
            QualificationFile.objects.order_by("pk").values_list(
                "pk",
                "dossier_crebo",
                "name",
                "domain",
                "version_number",
                "version_label",
                "adopted_on",
                "source",
                "source_name",
                "content_hash",
                "is_current",
            )
        ),
        "qualifications": list(
            Qualification.objects.order_by("pk").values_list(
                "pk",
                "file_id",
                "crebo",
                "name",
                "level",
                "kind",
                "domain",
                "routes",
                "profile_number",
                "valid_from",
                "end_of_intake",
                "end_of_programme",
            )
        ),
        "core_tasks": list(
            CoreTask.objects.order_by("pk").values_list(
                "pk", "file_id", "qualification_id", "part", "code", "title", "position"
            )
        ),
        "work_processes": list(
            WorkProcess.objects.order_by("pk").values_list(
                "pk", "core_task_id", "code", "title", "description", "position"
            )
        ),
    }

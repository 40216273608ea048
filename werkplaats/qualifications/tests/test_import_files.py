"""Importing the real reference files: the numbers and codes are counted here, independently of
the importer, straight from the XML and the CSV."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from werkplaats.qualifications.models import CorePart, CoreTask, Qualification, QualificationFile, WorkProcess
from werkplaats.qualifications.services import import_catalogue

from .helpers import CSV_PATH, DIENSTVERLENING, XML_PATHS, read

pytestmark = pytest.mark.django_db


def _count_xml(paths: list[Path]) -> tuple[int, int, set[str], set[str]]:
    """Qualifications (profiles with a crebo), core tasks and the codes of core tasks and work processes."""
    qualifications = 0
    core_task_codes: set[str] = set()
    work_process_codes: set[str] = set()
    core_tasks = 0
    for path in paths:
        root = ET.parse(path).getroot()  # noqa: S314 (the project's own reference files)
        for dossier in root.findall("dossiers/dossier"):
            chapters = [("B1", k) for k in dossier.findall("basis/basistaken/basiskerntaken/kerntaak")]
            for profile in dossier.findall("profielen/profiel"):
                if profile.findtext("creboinformatie/crebo", "").strip():
                    qualifications += 1
                prefix = f"P{profile.get('hoofdstuk')}"
                chapters += [(prefix, k) for k in profile.findall("profielkerntaken/kerntaak")]
            for prefix, core_task in chapters:
                core_tasks += 1
                code = f"{prefix}-K{core_task.get('hoofdstuk')}"
                core_task_codes.add(f"{path.name}:{code}")
                for process in core_task.iter("werkproces"):
                    work_process_codes.add(f"{path.name}:{code}-W{process.get('hoofdstuk')}")
    return qualifications, core_tasks, core_task_codes, work_process_codes


def _work_process_elements(paths: list[Path]) -> int:
    return sum(len(ET.parse(p).getroot().findall(".//werkproces")) for p in paths)  # noqa: S314


def _stored_codes() -> tuple[set[str], set[str]]:
    core_tasks = {f"{t.file.source_name}:{t.code}" for t in CoreTask.objects.select_related("file")}
    processes = {
        f"{w.core_task.file.source_name}:{w.code}" for w in WorkProcess.objects.select_related("core_task__file")
    }
    return core_tasks, processes


def test_the_four_kd_xml_files_give_the_qualifications_core_tasks_and_work_processes_they_contain() -> None:
    qualifications, core_tasks, _core_task_codes, _work_process_codes = _count_xml(XML_PATHS)

    summary = import_catalogue([read(p) for p in XML_PATHS])

    assert len(XML_PATHS) == 4
    assert Qualification.objects.count() == qualifications == summary.added
    assert CoreTask.objects.count() == core_tasks == summary.core_tasks_added
    assert WorkProcess.objects.count() == _work_process_elements(XML_PATHS) == summary.work_processes_added
    assert QualificationFile.objects.count() == 4 == summary.files_added


def test_the_codes_are_exactly_the_codes_built_from_the_files() -> None:
    _q, _t, core_task_codes, work_process_codes = _count_xml(XML_PATHS)

    import_catalogue([read(p) for p in XML_PATHS])

    assert _stored_codes() == (core_task_codes, work_process_codes)


def test_a_qualification_has_the_basic_part_and_its_own_profile() -> None:
    import_catalogue([read(DIENSTVERLENING)])
    facilitair = Qualification.objects.get(crebo="25499")

    codes = list(facilitair.work_processes().values_list("code", flat=True))

    assert facilitair.name == "Medewerker facilitaire dienstverlening"
    assert facilitair.level == 2
    assert [t.code for t in facilitair.core_tasks()] == ["B1-K1", "P1-K1"]
    assert codes[:2] == ["B1-K1-W1", "B1-K1-W2"]
    assert {"P1-K1-W1", "P1-K1-W2", "P1-K1-W3"} <= set(codes)
    assert not any(code.startswith("P2") for code in codes)
    assert set(facilitair.core_tasks().values_list("part", flat=True)) == {CorePart.BASIS, CorePart.PROFILE}


def test_the_crebo_list_gives_one_qualification_per_row() -> None:
    rows = list(csv.DictReader(io.StringIO(CSV_PATH.read_text(encoding="utf-8-sig"))))

    summary = import_catalogue([read(CSV_PATH)])

    assert len(rows) == 470
    assert Qualification.objects.count() == len(rows) == summary.added
    assert set(Qualification.objects.values_list("crebo", flat=True)) == {r["kwalificatie_crebo"] for r in rows}
    assert QualificationFile.objects.count() == len({r["dossier_crebo"] for r in rows})
    assert not CoreTask.objects.exists()


def test_the_crebo_list_and_the_kd_xml_files_together_keep_the_work_processes() -> None:
    summary = import_catalogue([read(CSV_PATH), *[read(p) for p in XML_PATHS]])

    bakker = Qualification.objects.current().get(crebo="25173")
    facilitair = Qualification.objects.current().get(crebo="25499")
    assert Qualification.objects.current().count() == 470
    assert summary.added == 470
    assert bakker.name == "Uitvoerend bakker"
    assert bakker.domain == "Horeca en bakkerij"
    assert not bakker.work_processes().exists()
    assert facilitair.work_processes().count() == 9 + 3  # the basisdeel's nine and profile 1's three
    assert facilitair.routes == "BOL/BBL"

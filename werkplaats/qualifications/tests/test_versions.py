"""Re-importing the same files changes nothing; a changed dossier becomes a new version and the
old version stays, with its work processes, for the trajectories and certificates that use it."""

from __future__ import annotations

from pathlib import Path

import pytest

from werkplaats.qualifications.models import Qualification, QualificationFile, WorkProcess
from werkplaats.qualifications.services import import_catalogue

from .helpers import CSV_PATH, DIENSTVERLENING, XML_PATHS, read, snapshot

pytestmark = pytest.mark.django_db

ALL_FILES = [CSV_PATH, *XML_PATHS]


def _changed_copy(tmp_path: Path) -> Path:
    """Dienstverlening with one work-process title changed, as SBB would publish a new version."""
    text = DIENSTVERLENING.read_text(encoding="utf-8-sig")
    old = 'titel="Maakt ruimtes gebruiksklaar"'
    assert text.count(old) == 1
    copy = tmp_path / "2755_Dienstverlening_2017.xml"
    copy.write_text(text.replace(old, 'titel="Maakt ruimtes schoon en gebruiksklaar"'), encoding="utf-8")
    return copy


def test_importing_the_same_files_again_changes_nothing() -> None:
    import_catalogue([read(p) for p in ALL_FILES])
    before = snapshot()

    summary = import_catalogue([read(p) for p in ALL_FILES])

    assert snapshot() == before
    # Counted per record read: the 470 rows of the crebo list and the 14 profiles of the four files.
    assert summary.unchanged == 470 + 14
    assert (summary.added, summary.updated, summary.files_added) == (0, 0, 0)
    assert (summary.core_tasks_added, summary.work_processes_added) == (0, 0)


def test_importing_a_file_under_another_name_is_still_the_same_content(tmp_path: Path) -> None:
    import_catalogue([read(DIENSTVERLENING)])
    before = snapshot()
    renamed = tmp_path / "dienstverlening-kopie.xml"
    renamed.write_bytes(DIENSTVERLENING.read_bytes())

    summary = import_catalogue([read(renamed)])

    assert snapshot() == before
    assert summary.unchanged == 3


def test_a_changed_dossier_becomes_version_2_and_the_current_one(tmp_path: Path) -> None:
    import_catalogue([read(DIENSTVERLENING)])

    summary = import_catalogue([read(_changed_copy(tmp_path))])

    versions = list(QualificationFile.objects.filter(dossier_crebo="23189").order_by("version_number"))
    assert [(v.version_number, v.is_current) for v in versions] == [(1, False), (2, True)]
    assert (summary.added, summary.updated, summary.files_added) == (0, 3, 1)
    current = Qualification.objects.current().get(crebo="25499")
    assert current.file == versions[1]
    assert current.work_processes().get(code="B1-K1-W2").title == "Maakt ruimtes schoon en gebruiksklaar"


def test_the_old_version_keeps_its_qualifications_and_work_processes(tmp_path: Path) -> None:
    import_catalogue([read(DIENSTVERLENING)])
    old = Qualification.objects.get(crebo="25499")
    old_processes = list(old.work_processes().values_list("pk", "code", "title"))

    import_catalogue([read(_changed_copy(tmp_path))])

    old.refresh_from_db()
    assert old.file.version_number == 1
    assert list(old.work_processes().values_list("pk", "code", "title")) == old_processes
    assert "Maakt ruimtes gebruiksklaar" in [title for _pk, _code, title in old_processes]
    assert Qualification.objects.filter(crebo="25499").count() == 2
    assert WorkProcess.objects.filter(core_task__file__dossier_crebo="23189").count() == 2 * 18


def test_importing_the_old_version_again_does_not_make_it_current(tmp_path: Path) -> None:
    import_catalogue([read(DIENSTVERLENING)])
    import_catalogue([read(_changed_copy(tmp_path))])
    before = snapshot()

    summary = import_catalogue([read(DIENSTVERLENING)])

    assert snapshot() == before
    assert summary.unchanged == 3
    assert QualificationFile.objects.get(dossier_crebo="23189", is_current=True).version_number == 2

"""The learner's portable record: a ZIP of the trajectory with its praktijkverklaringen, the
assessed work processes, the log and the evidence files, for the learner and their consultant."""

from __future__ import annotations

import csv
import datetime
import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from werkplaats.accounts.models import User
from werkplaats.audit.models import Action, AuditLogEntry
from werkplaats.certificates import record, services
from werkplaats.certificates.models import Certificate
from werkplaats.organisations.models import Role
from werkplaats.organisations.tests.factories import member_of
from werkplaats.trajectories import services as trajectory_services
from werkplaats.trajectories.models import EvidenceFile, Learner, LogEntry, Trajectory, WorkProcessAssessment
from werkplaats.trajectories.tests.work_world import PDF, PNG, upload

from .world import CertificateWorld, build

MADE_AT = datetime.datetime(2025, 6, 2, 10, 30, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def private_dir(settings: Any, tmp_path: Path) -> Path:
    settings.WERKPLAATS_PRIVATE_DIR = tmp_path / "private"
    return Path(settings.WERKPLAATS_PRIVATE_DIR)


@pytest.fixture
def english_learner(world: CertificateWorld) -> User:
    """The learner reads English, so the record is in the source language."""
    user = world.work.learner_user
    user.language = "en"
    user.save(update_fields=["language"])
    return user


def _client(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _url(trajectory: Trajectory) -> str:
    return reverse("certificates:record", kwargs={"pk": trajectory.pk})


def _download(user: User | None, trajectory: Trajectory) -> Any:
    return _client(user).get(_url(trajectory))


def _archive(user: User, trajectory: Trajectory) -> zipfile.ZipFile:
    response = _download(user, trajectory)
    assert response.status_code == 200
    return zipfile.ZipFile(io.BytesIO(response.content))


def _text(archive: zipfile.ZipFile, name: str) -> str:
    return archive.read(name).decode("utf-8")


def _csv(archive: zipfile.ZipFile, name: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(archive.read(name).decode("utf-8-sig")), delimiter=";"))


def _assessments(trajectory: Trajectory) -> list[WorkProcessAssessment]:
    return list(trajectory.assessments.select_related("work_process").order_by("work_process__code"))


def _add_evidence(world: CertificateWorld, content: bytes = PDF, name: str = "stage-verslag.pdf") -> EvidenceFile:
    assessment = _assessments(world.trajectory)[0]
    content_type = "image/png" if content.startswith(PNG[:8]) else "application/pdf"
    return trajectory_services.add_evidence_file(
        assessment, by=world.work.learner_user, upload=upload(name, content, content_type)
    )


def _add_log(world: CertificateWorld, text: str = "Ik heb vandaag de kring geleid.") -> LogEntry:
    return trajectory_services.add_log_entry(
        world.trajectory,
        by=world.work.learner_user,
        text=text,
        work_process=_assessments(world.trajectory)[0].work_process,
        goal="Groepsleiding",
    )


def _issue(world: CertificateWorld) -> Certificate:
    return services.issue(world.trajectory, by=world.school_staff)


@pytest.fixture
def full(world: CertificateWorld) -> tuple[CertificateWorld, Certificate, EvidenceFile, LogEntry]:
    """A record with everything in it: evidence, a log entry, then the praktijkverklaring."""
    evidence = _add_evidence(world)
    entry = _add_log(world)
    certificate = _issue(world)
    world.work.refresh()
    return world, certificate, evidence, entry


# --- What it holds ----------------------------------------------------------------------------


def test_the_learner_downloads_the_whole_record_as_a_zip(full: Any) -> None:
    world, certificate, evidence, _entry = full

    response = _download(world.work.learner_user, world.trajectory)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == f'attachment; filename="werkplaats-jansen-{world.trajectory.pk}.zip"'
    assert response["Cache-Control"] == "private, no-store"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert archive.testzip() is None
    assert archive.namelist() == [
        "README.txt",
        f"praktijkverklaring-{certificate.number}.pdf",
        "trajectory.json",
        "work-processes.csv",
        "work-processes.json",
        "log.csv",
        f"evidence/B1-K1-W1-{evidence.pk}.pdf",
    ]
    assert all(info.compress_type == zipfile.ZIP_DEFLATED for info in archive.infolist())


def test_the_pdf_in_the_record_is_the_praktijkverklaring(full: Any) -> None:
    world, certificate, _evidence, _entry = full

    data = _archive(world.work.learner_user, world.trajectory).read(f"praktijkverklaring-{certificate.number}.pdf")

    assert data.startswith(b"%PDF")
    assert certificate.number in PdfReader(io.BytesIO(data)).pages[0].extract_text()
    certificate.refresh_from_db()
    assert certificate.pdf  # drawn once and stored, as its own download does


def test_the_work_processes_are_listed_and_those_on_the_praktijkverklaring_marked(
    full: Any, english_learner: User, english: None
) -> None:
    world, certificate, evidence, _entry = full
    archive = _archive(english_learner, world.trajectory)

    header, *rows = _csv(archive, "work-processes.csv")

    assert header[:8] == [
        "Core task",
        "Core task title",
        "Work process",
        "Work process title",
        "Level",
        "Assessed on",
        "Confirmed by the school on",
        "On the praktijkverklaring",
    ]
    assessments = _assessments(world.trajectory)
    assert [row[2] for row in rows] == [a.work_process.code for a in assessments]
    assert sorted(certificate.work_process_codes) == ["B1-K1-W1", "B1-K1-W2"]
    by_code = {row[2]: row for row in rows}
    assert by_code["B1-K1-W1"][:8] == [
        "B1-K1",
        "Begeleidt kinderen",
        "B1-K1-W1",
        "Observeert",
        "mastered",
        assessments[0].assessed_on.isoformat(),
        timezone.localtime(assessments[0].confirmed_at).date().isoformat(),
        "yes",
    ]
    assert by_code["B1-K1-W1"][9] == f"evidence/B1-K1-W1-{evidence.pk}.pdf"
    assert by_code["B1-K1-W2"][7] == "yes"
    assert by_code["P1-K1-W1"][6:8] == ["", "no"]  # mastered, not confirmed by the school

    as_json = json.loads(archive.read("work-processes.json"))
    assert [(row["work_process"]["code"], row["on_certificate"]) for row in as_json] == [
        (row[2], row[7] == "yes") for row in rows
    ]
    assert as_json[0]["level"] == {"code": "mastered", "label": "mastered"}
    assert as_json[2]["confirmed_by_school_on"] is None


def test_the_log_is_in_the_record(full: Any, english_learner: User, english: None) -> None:
    world, _certificate, _evidence, entry = full

    header, *rows = _csv(_archive(english_learner, world.trajectory), "log.csv")

    assert header == ["Date", "Author", "Work process", "Goal", "Text"]
    assert rows == [
        [
            timezone.localtime(entry.created_at).strftime("%Y-%m-%d %H:%M"),
            english_learner.get_full_name(),
            "B1-K1-W1",
            "Groepsleiding",
            "Ik heb vandaag de kring geleid.",
        ]
    ]


def test_cells_that_could_run_as_a_formula_are_made_safe(world: CertificateWorld) -> None:
    _add_log(world, text='=HYPERLINK("https://example.com","klik")')

    _header, row = _csv(_archive(world.work.learner_user, world.trajectory), "log.csv")

    assert row[4] == '\'=HYPERLINK("https://example.com","klik")'


def test_the_evidence_files_are_in_the_record_as_uploaded(world: CertificateWorld) -> None:
    pdf_file = _add_evidence(world)
    png_file = _add_evidence(world, PNG, name="../../foto van mij.png")
    _issue(world)

    archive = _archive(world.work.learner_user, world.trajectory)

    assert archive.read(f"evidence/B1-K1-W1-{pdf_file.pk}.pdf") == PDF
    assert archive.read(f"evidence/B1-K1-W1-{png_file.pk}.png") == PNG
    assert f"evidence/B1-K1-W1-{png_file.pk}.png" in _text(archive, "README.txt")


def test_a_missing_evidence_file_is_listed_as_missing(
    world: CertificateWorld, english_learner: User, english: None
) -> None:
    evidence = _add_evidence(world)
    evidence.file.storage.delete(evidence.file.name)

    archive = _archive(english_learner, world.trajectory)

    assert not [name for name in archive.namelist() if name.startswith("evidence/")]
    readme = _text(archive, "README.txt")
    assert "MISSING\n  stage-verslag.pdf: evidence for B1-K1-W1" in readme
    assert "could not be found" in readme


def test_the_trajectory_summary_holds_no_sensitive_fields(full: Any) -> None:
    world, certificate, _evidence, _entry = full
    Learner.objects.filter(pk=world.trajectory.learner_id).update(
        support_needs="Dyslexie; korte instructies werken het best.",
        email="noor.prive@example.nl",
        phone="0612345678",
    )

    archive = _archive(world.work.learner_user, world.trajectory)
    summary = json.loads(archive.read("trajectory.json"))

    assert summary["learner"] == {"first_name": "Noor", "last_name": "Jansen", "date_of_birth": "1990-05-01"}
    assert summary["route"]["code"] == "praktijkleren"
    assert summary["intended_outcome"]["code"] == "praktijkverklaring"
    assert summary["status"]["code"] == "afgerond"
    assert summary["qualification"] == {"name": "Pedagogisch medewerker", "crebo": "25486", "level": 3}
    assert summary["school"] == {"name": "Noorderpoort"}
    assert summary["employer"]["name"] == "ESKA"
    assert summary["planned_start"] == world.trajectory.planned_start.isoformat()
    assert summary["events"][-1]["from"]["code"] == "beoordeling"
    assert summary["events"][-1]["to"]["code"] == "afgerond"
    assert {"kind", "from", "to", "at"} == set(summary["events"][-1])
    assert summary["certificates"][0]["number"] == certificate.number
    assert summary["certificates"][0]["revoked_on"] is None
    for name in archive.namelist():
        data = archive.read(name)
        for secret in ("Dyslexie", "noor.prive", "0612345678", "support_needs", "target_group"):
            assert secret.encode() not in data, (name, secret)


def test_the_readme_says_what_the_record_is(full: Any, english_learner: User, english: None) -> None:
    world, certificate, evidence, _entry = full

    readme = _text(_archive(english_learner, world.trajectory), "README.txt")

    assert "Learner: Noor Jansen" in readme
    assert "Date of birth: 1 May 1990" in readme
    assert "Pedagogisch medewerker (crebo 25486, level 3)" in readme
    assert "School: Noorderpoort" in readme
    assert "Employer: ESKA" in readme
    assert f"praktijkverklaring-{certificate.number}.pdf" in readme
    assert certificate.verify_url in readme
    assert "REVOKED" not in readme
    assert f"evidence/B1-K1-W1-{evidence.pk}.pdf" in readme
    assert "stage-verslag.pdf: evidence for B1-K1-W1 Observeert" in readme
    for name in ("trajectory.json", "work-processes.csv", "work-processes.json", "log.csv"):
        assert name in readme
    assert "Made on " in readme


def test_a_revoked_praktijkverklaring_is_included_and_marked_revoked(
    world: CertificateWorld, english_learner: User, english: None
) -> None:
    certificate = _issue(world)
    services.revoke(certificate, by=world.school_staff, reason="Verkeerde kwalificatie.")
    revoked_on = timezone.localdate()

    archive = _archive(english_learner, world.trajectory)

    assert f"praktijkverklaring-{certificate.number}.pdf" in archive.namelist()
    readme = _text(archive, "README.txt")
    assert f"REVOKED on {revoked_on:%-d %B %Y}" in readme
    assert "Verkeerde kwalificatie" not in readme
    _header, *rows = _csv(archive, "work-processes.csv")
    assert {row[7] for row in rows} == {"no"}  # no valid praktijkverklaring lists them
    summary = json.loads(archive.read("trajectory.json"))
    assert summary["certificates"][0]["revoked_on"] == revoked_on.isoformat()


def test_a_record_without_a_praktijkverklaring_has_the_rest(
    world: CertificateWorld, english_learner: User, english: None
) -> None:
    _add_log(world)

    archive = _archive(english_learner, world.trajectory)

    assert archive.namelist() == [
        "README.txt",
        "trajectory.json",
        "work-processes.csv",
        "work-processes.json",
        "log.csv",
    ]
    readme = _text(archive, "README.txt")
    assert "There is no praktijkverklaring yet." in readme
    assert "There are no evidence files." in readme
    assert "evidence/" not in readme
    assert json.loads(archive.read("trajectory.json"))["certificates"] == []
    assert len(_csv(archive, "log.csv")) == 2


# --- Language ---------------------------------------------------------------------------------


def test_the_record_is_in_the_learners_language(world: CertificateWorld, english_learner: User, english: None) -> None:
    readme = _text(_archive(english_learner, world.trajectory), "README.txt")

    assert readme.startswith("WERKPLAATS: PORTABLE RECORD")
    assert "Date of birth: 1 May 1990" in readme


def test_the_record_is_in_the_learners_language_whoever_downloads_it(world: CertificateWorld) -> None:
    assert world.work.consultant.language == "en"
    assert world.work.learner_user.language == "nl"

    readme = _text(_archive(world.work.consultant, world.trajectory), "README.txt")

    assert "1 May 1990" not in readme  # Django's own Dutch month names


@pytest.mark.parametrize(
    ("language", "has_login", "expected"),
    [("en", True, "en"), ("nl", True, "nl"), ("fr", True, "nl"), ("en", False, "nl")],
)
def test_the_language_of_the_record(world: CertificateWorld, language: str, has_login: bool, expected: str) -> None:
    User.objects.filter(pk=world.work.learner_user.pk).update(language=language)
    if not has_login:
        Learner.objects.filter(pk=world.trajectory.learner_id).update(user=None)
    trajectory = Trajectory.objects.for_page().get(pk=world.trajectory.pk)

    assert services.learner_language(trajectory.learner) == expected


# --- Who may take it --------------------------------------------------------------------------


def test_the_consultant_may_download_the_record(world: CertificateWorld) -> None:
    _issue(world)

    response = _download(world.work.consultant, world.trajectory)

    assert response.status_code == 200
    assert "README.txt" in zipfile.ZipFile(io.BytesIO(response.content)).namelist()


def test_the_consultant_takes_the_record_of_a_learner_without_a_login(world: CertificateWorld) -> None:
    Learner.objects.filter(pk=world.trajectory.learner_id).update(user=None)
    other_consultant = member_of(world.work.municipality, Role.CONSULTANT, email="collega@haren.example.nl")

    assert _download(world.work.consultant, world.trajectory).status_code == 200
    assert _download(other_consultant, world.trajectory).status_code == 200


def test_a_coordinator_steers_the_trajectory_but_does_not_take_the_record(world: CertificateWorld) -> None:
    assert trajectory_services.can_manage(world.coordinator, world.trajectory)

    assert _download(world.coordinator, world.trajectory).status_code == 403


@pytest.mark.parametrize("who", ["school_staff", "trainer", "coordinator", "bystander"])
def test_other_parties_who_see_the_trajectory_may_not(world: CertificateWorld, who: str) -> None:
    user = {
        "school_staff": world.school_staff,
        "trainer": world.work.trainer,
        "coordinator": world.coordinator,
        "bystander": world.work.bystander,
    }[who]

    assert _download(user, world.trajectory).status_code == 403
    assert not AuditLogEntry.objects.filter(action=Action.EXPORT).exists()


def test_another_organisation_gets_a_404(world: CertificateWorld) -> None:
    assert _download(world.work.outsider, world.trajectory).status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(world: CertificateWorld) -> None:
    response = _download(None, world.trajectory)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_only_get_is_allowed(world: CertificateWorld) -> None:
    client = _client(world.work.learner_user)

    for response in (client.post(_url(world.trajectory)), client.put(_url(world.trajectory))):
        assert response.status_code == 405
        assert response["Allow"] == "GET"
    assert not AuditLogEntry.objects.filter(action=Action.EXPORT).exists()


def test_a_refused_method_says_nothing_to_an_outsider(world: CertificateWorld) -> None:
    assert _client(world.work.outsider).post(_url(world.trajectory)).status_code == 404
    assert _client(world.work.trainer).post(_url(world.trajectory)).status_code == 403


def test_every_download_is_recorded_in_the_audit_log(world: CertificateWorld) -> None:
    _download(world.work.learner_user, world.trajectory)
    _download(world.work.consultant, world.trajectory)

    entries = AuditLogEntry.objects.filter(action=Action.EXPORT, object_id=str(world.trajectory.pk)).order_by("id")
    assert [(e.actor_id, e.changes) for e in entries] == [
        (world.work.learner_user.pk, {"format": "zip"}),
        (world.work.consultant.pk, {"format": "zip"}),
    ]
    assert {e.subject_organisation_id for e in entries} == {world.trajectory.learner.organisation_id}


# --- The archive itself -----------------------------------------------------------------------


def test_an_unchanged_record_gives_the_same_bytes(full: Any) -> None:
    world, _certificate, _evidence, _entry = full
    trajectory = Trajectory.objects.for_page().get(pk=world.trajectory.pk)

    first = record.build_record(trajectory, made_at=MADE_AT)
    second = record.build_record(trajectory, made_at=MADE_AT)

    assert first == second


def test_two_downloads_differ_only_in_when_they_were_made(full: Any, english_learner: User, english: None) -> None:
    world, _certificate, _evidence, _entry = full
    one = _archive(english_learner, world.trajectory)
    other = _archive(english_learner, world.trajectory)

    assert [(i.filename, i.date_time, i.CRC) for i in one.infolist()[1:]] == [
        (i.filename, i.date_time, i.CRC) for i in other.infolist()[1:]
    ]
    assert one.infolist()[0].date_time == other.infolist()[0].date_time
    one_readme, other_readme = (_text(a, "README.txt").splitlines() for a in (one, other))
    differing = [i for i, (a, b) in enumerate(zip(one_readme, other_readme, strict=True)) if a != b]
    assert all(one_readme[i].startswith("Made on ") for i in differing)


def test_the_members_are_dated_to_the_last_change(world: CertificateWorld) -> None:
    entry = _add_log(world)

    info = _archive(world.work.learner_user, world.trajectory).infolist()[0]

    written = timezone.localtime(max(entry.created_at, Trajectory.objects.get(pk=world.trajectory.pk).updated_at))
    assert info.date_time[:5] == (written.year, written.month, written.day, written.hour, written.minute)


def test_the_file_name_is_a_safe_slug_of_the_last_name(world: CertificateWorld) -> None:
    Learner.objects.filter(pk=world.trajectory.learner_id).update(last_name='van \'t Hôf/"x"')
    trajectory = Trajectory.objects.for_page().get(pk=world.trajectory.pk)

    assert record.file_name(trajectory) == f"werkplaats-van-t-hofx-{trajectory.pk}.zip"


@pytest.mark.django_db
def test_building_the_record_does_not_query_per_row() -> None:
    world = build()

    def queries() -> int:
        trajectory = Trajectory.objects.for_page().get(pk=world.trajectory.pk)
        with CaptureQueriesContext(connection) as captured:
            record.build_record(trajectory, made_at=MADE_AT)
        return len(captured)

    _add_evidence(world)
    _add_log(world)
    few = queries()
    for n in range(3):
        _add_evidence(world, name=f"bewijs-{n}.pdf")
        _add_log(world, text=f"Dag {n}")
        trajectory_services.add_log_entry(world.trajectory, by=world.work.trainer, text=f"Opleider {n}")
    assert queries() == few

"""Retention of uploaded files: after the retention period an import keeps its status and counts,
but the file, the rejected rows, the preview's rows and the error messages are removed."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from werkplaats.audit.models import AuditLogEntry
from werkplaats.imports import retention, services
from werkplaats.imports.models import ImportJob, ImportKind, ImportMode, JobStatus
from werkplaats.imports.tasks import purge_imports_past_retention
from werkplaats.trajectories.models import Learner

from .conftest import LEARNER_HEADER, Importer, csv_bytes, learner_rows

pytestmark = pytest.mark.usefixtures("english")

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
BAD_ROW = ["Fout", "Datum", "1990-13-01", "WW", ""]


def _age(job: ImportJob, days: int) -> ImportJob:
    """Pretend the file was uploaded ``days`` ago (``created_at`` is set on creation)."""
    ImportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - datetime.timedelta(days=days))
    job.refresh_from_db()
    return job


def _client(user) -> Client:
    user.language = "en"
    user.save(update_fields=["language"])
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def rejected_job(organisation, consultant, do_import: Importer) -> ImportJob:
    """An all-or-nothing import that was rejected for one bad row: the file is still kept, so the
    valid rows could be imported, and the rejected rows can be downloaded."""
    data = csv_bytes([LEARNER_HEADER, *learner_rows(2), BAD_ROW])
    job = do_import(organisation, consultant, ImportKind.LEARNERS, data, mode=ImportMode.ALL_OR_NOTHING)
    assert job.status == JobStatus.FAILED and bytes(job.data) == data and job.rejected
    return _age(job, retention.DEFAULT_RETENTION_DAYS + 1)


def test_an_old_finished_import_loses_its_file_and_rows_but_keeps_its_counts(
    organisation, consultant, do_import: Importer
):
    data = csv_bytes([LEARNER_HEADER, *learner_rows(3), BAD_ROW])
    job = do_import(organisation, consultant, ImportKind.LEARNERS, data, mode=ImportMode.VALID_ONLY)
    assert job.status == JobStatus.DONE and job.rejected and job.errors and job.preview["sample"]
    summary, preview_counts, error_count = job.summary, job.preview["counts"], job.error_count
    job = _age(job, 31)
    now = timezone.now()

    assert retention.purge_expired_imports(now=now) == 1

    job.refresh_from_db()
    assert bytes(job.data) == b""
    assert job.rejected is None
    assert job.errors == []  # the messages quote the cells ("'1990-13-01' is not a date")
    assert job.preview == {"counts": preview_counts}
    assert job.purged_at == now
    assert job.status == JobStatus.DONE
    assert job.summary == summary and summary["created"] == 3
    assert job.error_count == error_count == 1
    assert job.row_count == 4


def test_an_old_rejected_import_loses_the_file_it_kept(rejected_job: ImportJob):
    assert retention.purge_expired_imports() == 1

    rejected_job.refresh_from_db()
    assert bytes(rejected_job.data) == b""
    assert rejected_job.status == JobStatus.FAILED
    assert rejected_job.summary["errors"] == 1


def test_young_imports_and_those_being_checked_or_imported_are_kept(organisation, consultant, do_import: Importer):
    data = csv_bytes([LEARNER_HEADER, *learner_rows(2)])
    young = _age(do_import(organisation, consultant, ImportKind.LEARNERS, data, check_only=True), 29)
    busy = []
    for status in (JobStatus.CHECKING, JobStatus.RUNNING):
        job = do_import(organisation, consultant, ImportKind.LEARNERS, data, check_only=True)
        ImportJob.objects.filter(pk=job.pk).update(status=status)
        busy.append(_age(job, 90))

    assert retention.purge_expired_imports() == 0

    for job in (young, *busy):
        job.refresh_from_db()
        assert bytes(job.data) == data
        assert job.purged_at is None
        assert job.preview["sample"]


def test_an_import_is_purged_once(rejected_job: ImportJob):
    assert retention.purge_expired_imports() == 1
    first = ImportJob.objects.get(pk=rejected_job.pk).purged_at

    assert retention.purge_expired_imports(now=timezone.now() + datetime.timedelta(days=1)) == 0
    assert ImportJob.objects.get(pk=rejected_job.pk).purged_at == first


def test_the_retention_period_is_a_setting(settings, organisation, consultant, do_import: Importer):
    data = csv_bytes([LEARNER_HEADER, *learner_rows(1)])
    job = _age(do_import(organisation, consultant, ImportKind.LEARNERS, data, check_only=True), 10)
    assert retention.purge_expired_imports() == 0

    settings.WERKPLAATS_IMPORT_RETENTION_DAYS = 7

    assert retention.purge_expired_imports() == 1
    job.refresh_from_db()
    assert job.purged_at is not None


def test_the_purge_is_in_the_audit_log_as_the_system(rejected_job: ImportJob):
    out = StringIO()

    call_command("purge_expired_imports", stdout=out)

    assert out.getvalue().strip() == "1 import file(s) removed."
    assert bytes(ImportJob.objects.get(pk=rejected_job.pk).data) == b""
    entry = AuditLogEntry.objects.get(object_id=str(rejected_job.pk), actor_label="system: import retention")
    assert entry.changes["removed"] == ["data", "rejected", "preview", "errors"]


@override_settings(TASKS=DATABASE_TASKS)
def test_the_daily_task_purges_and_queues_its_next_run(rejected_job: ImportJob):
    assert purge_imports_past_retention.call() == 1

    assert ImportJob.objects.get(pk=rejected_job.pk).purged_at is not None
    assert DBTaskResult.objects.filter(task_path=purge_imports_past_retention.module_path, status="READY").exists()


def test_the_page_of_a_purged_import_says_the_file_was_removed(rejected_job: ImportJob, consultant):
    client = _client(consultant)
    rejected_url = reverse("imports:rejected", kwargs={"pk": rejected_job.pk})
    before = client.get(rejected_job.get_absolute_url()).content.decode()
    assert 'value="run"' in before and 'value="mapping"' in before and rejected_url in before
    retention.purge_expired_imports()

    response = client.get(rejected_job.get_absolute_url())

    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="import-purged"' in page
    assert "The file was removed after 30 days" in page
    assert 'value="run"' not in page and 'value="mapping"' not in page
    assert rejected_url not in page
    assert "1990-13-01" not in page and "Voornaam0" not in page
    assert 'id="import-counts"' in page  # what the check found is still shown


def test_the_rejected_rows_of_a_purged_import_redirect_with_a_message(rejected_job: ImportJob, consultant):
    client = _client(consultant)
    url = reverse("imports:rejected", kwargs={"pk": rejected_job.pk})
    assert client.get(url).status_code == 200
    retention.purge_expired_imports()

    response = client.get(url, follow=True)

    assert response.redirect_chain == [(rejected_job.get_absolute_url(), 302)]
    assert "The uploaded file was removed after 30 days" in response.content.decode()


def test_running_or_remapping_a_purged_import_redirects_with_a_message(rejected_job: ImportJob, consultant):
    client = _client(consultant)
    retention.purge_expired_imports()
    mapping = {f"column_{name}": str(position) for name, position in rejected_job.mapping.items()}

    for post in ({"step": "run", "mode": "valid", "duplicates": "skip"}, {"step": "mapping", **mapping}):
        response = client.post(rejected_job.get_absolute_url(), post, follow=True)

        assert response.redirect_chain == [(rejected_job.get_absolute_url(), 302)]
        assert "The uploaded file was removed after 30 days" in response.content.decode()
    rejected_job.refresh_from_db()
    assert rejected_job.status == JobStatus.FAILED
    assert rejected_job.summary["errors"] == 1
    assert not Learner.objects.exists()


def test_a_purge_between_reading_and_starting_an_import_wins(rejected_job: ImportJob, consultant):
    # The owner's page was read before the purge; their click comes after it.
    to_run, to_remap = ImportJob.objects.get(pk=rejected_job.pk), ImportJob.objects.get(pk=rejected_job.pk)
    retention.purge_expired_imports()

    with pytest.raises(ValidationError, match="removed"):
        services.start_run(to_run, by=consultant, mode=ImportMode.VALID_ONLY, duplicates="skip")
    with pytest.raises(ValidationError, match="removed"):
        services.choose_mapping(
            to_remap, mapping={k: v for k, v in to_remap.mapping.items() if k != "email"}, by=consultant
        )

    rejected_job.refresh_from_db()
    assert rejected_job.status == JobStatus.FAILED
    assert "email" in rejected_job.mapping
    assert not Learner.objects.exists()


def test_the_list_of_imports_says_which_files_were_removed(rejected_job: ImportJob, consultant):
    client = _client(consultant)
    assert "file removed" not in client.get(reverse("imports:index")).content.decode()
    retention.purge_expired_imports()

    assert "rejected; file removed" in client.get(reverse("imports:index")).content.decode()

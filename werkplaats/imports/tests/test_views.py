"""The pages: upload, choose the columns (and keep them as a template), preview, import, the
rejected rows, the worker's progress, and who sees an import."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from werkplaats.audit.models import Action, AuditLogEntry
from werkplaats.imports.models import ImportJob, ImportKind, JobStatus, MappingTemplate
from werkplaats.organisations.models import Role
from werkplaats.organisations.tests.factories import member_of
from werkplaats.trajectories.models import Learner

from .conftest import LEARNER_HEADER, csv_bytes, learner_rows

pytestmark = pytest.mark.usefixtures("english")


def _client(user) -> Client:
    user.language = "en"
    user.save(update_fields=["language"])
    client = Client()
    client.force_login(user)
    return client


def _upload(client: Client, organisation, data: bytes, name: str = "deelnemers.csv", kind: str = ImportKind.LEARNERS):
    return client.post(
        reverse("imports:index"),
        {"kind": kind, "organisation": organisation.pk, "file": SimpleUploadedFile(name, data)},
    )


def _mapping_post(job: ImportJob, **extra: str) -> dict[str, str]:
    return {"step": "mapping", **{f"column_{name}": str(position) for name, position in job.mapping.items()}, **extra}


def test_upload_map_preview_and_import(organisation, consultant):
    client = _client(consultant)
    data = csv_bytes([LEARNER_HEADER, *learner_rows(3), ["Fout", "Datum", "1990-13-01", "WW", ""]])

    response = _upload(client, organisation, data)
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    page = client.get(job.get_absolute_url()).content.decode()
    assert "Which column holds what?" in page
    assert 'id="import-first-rows"' in page
    assert job.mapping == {"first_name": 0, "last_name": 1, "date_of_birth": 2, "target_group": 3, "email": 4}

    response = client.post(job.get_absolute_url(), _mapping_post(job, save_as="Ons CRM"))
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == JobStatus.CHECKED
    page = client.get(job.get_absolute_url()).content.decode()
    assert 'id="import-counts"' in page and 'id="import-sample"' in page and "Voornaam0" in page
    assert "1990-13-01" in page  # the row's error, with its row number and column
    assert not Learner.objects.exists()

    response = client.post(job.get_absolute_url(), {"step": "run", "mode": "valid", "duplicates": "skip"})
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    assert Learner.objects.count() == 3

    download = client.get(reverse("imports:rejected", kwargs={"pk": job.pk}))
    assert download.status_code == 200
    rows = list(load_workbook(io.BytesIO(download.content)).active.iter_rows(values_only=True))
    assert [row[0] for row in rows[1:]] == [5]
    assert AuditLogEntry.objects.filter(action=Action.EXPORT, object_id=str(job.pk)).exists()


def test_a_saved_mapping_is_offered_and_reused_for_the_next_file(organisation, consultant):
    client = _client(consultant)
    template = MappingTemplate.objects.create(
        organisation=organisation,
        kind=ImportKind.LEARNERS,
        name="Ons CRM",
        mapping={"first_name": "Roepnaam", "last_name": "Naam", "date_of_birth": "Geb", "target_group": "Regeling"},
    )
    data = csv_bytes([["Regeling", "Naam", "Roepnaam", "Geb"], ["WW", "Bos", "Sem", "1990-01-01"]])
    _upload(client, organisation, data)
    job = ImportJob.objects.get()
    assert "date_of_birth" not in job.mapping  # "Geb" is no name we know

    page = client.get(job.get_absolute_url(), {"template": template.pk}).content.decode()
    assert '<option value="2" selected>Roepnaam</option>' in page
    assert '<option value="3" selected>Geb</option>' in page

    mapping = {"first_name": 2, "last_name": 1, "date_of_birth": 3, "target_group": 0}
    post = {"step": "mapping", **{f"column_{k}": str(v) for k, v in mapping.items()}}
    client.post(job.get_absolute_url(), post)
    client.post(job.get_absolute_url(), {"step": "run", "mode": "all", "duplicates": "skip"})

    assert Learner.objects.get().first_name == "Sem"


def test_saving_a_mapping_under_a_name_keeps_the_column_names(organisation, consultant):
    client = _client(consultant)
    _upload(client, organisation, csv_bytes([LEARNER_HEADER, *learner_rows(1)]))
    job = ImportJob.objects.get()

    client.post(job.get_absolute_url(), _mapping_post(job, save_as="Ons CRM"))

    template = MappingTemplate.objects.get(organisation=organisation, kind=ImportKind.LEARNERS)
    assert template.name == "Ons CRM"
    assert template.mapping["date_of_birth"] == "Geboortedatum"


def test_a_missing_required_column_is_shown_on_the_mapping_form(organisation, consultant):
    client = _client(consultant)
    _upload(client, organisation, csv_bytes([LEARNER_HEADER, *learner_rows(1)]))
    job = ImportJob.objects.get()
    post = _mapping_post(job)
    post["column_date_of_birth"] = ""

    response = client.post(job.get_absolute_url(), post)

    assert response.status_code == 200
    assert "utrecht-form-field--invalid" in response.content.decode()
    job.refresh_from_db()
    assert job.status == JobStatus.MAPPING


def test_a_file_that_is_no_spreadsheet_is_refused_on_the_upload_form(organisation, consultant):
    response = _upload(_client(consultant), organisation, b"\x89PNG\r\n\x1a\n\x00\x00", name="foto.png")

    assert response.status_code == 200
    assert "is not a CSV file" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_large_files_are_checked_and_imported_by_the_worker_with_progress(
    organisation, consultant, settings, django_capture_on_commit_callbacks
):
    settings.WERKPLAATS_IMPORT_INLINE_BYTES = 0
    client = _client(consultant)
    _upload(client, organisation, csv_bytes([LEARNER_HEADER, *learner_rows(2500)]))
    job = ImportJob.objects.get()

    with django_capture_on_commit_callbacks(execute=False) as waiting:
        client.post(job.get_absolute_url(), _mapping_post(job))
    job.refresh_from_db()
    assert job.status == JobStatus.CHECKING
    fragment = client.get(job.get_absolute_url(), HTTP_HX_REQUEST="true")
    assert fragment.status_code == 200
    assert "<progress" in fragment.content.decode() and 'hx-trigger="every 1s"' in fragment.content.decode()
    unchanged = client.get(
        job.get_absolute_url(), {"seen": f"{job.status}-{job.progress}-{job.total}"}, HTTP_HX_REQUEST="true"
    )
    assert unchanged.status_code == 204

    for callback in waiting:  # the worker's turn (the immediate backend runs the task here)
        callback()
    job.refresh_from_db()
    assert job.status == JobStatus.CHECKED
    assert job.progress == job.total == 2502

    with django_capture_on_commit_callbacks(execute=True):
        client.post(job.get_absolute_url(), {"step": "run", "mode": "all", "duplicates": "skip"})
    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    assert Learner.objects.count() == 2500
    final = client.get(job.get_absolute_url(), HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in final and "2500 new" in final


def test_nobody_else_sees_or_runs_an_import(organisation, consultant, outsider):
    client = _client(consultant)
    _upload(client, organisation, csv_bytes([LEARNER_HEADER, *learner_rows(2)]))
    job = ImportJob.objects.get()
    client.post(job.get_absolute_url(), _mapping_post(job))
    colleague = member_of(organisation, Role.CONSULTANT)

    for user in (outsider, colleague):
        other = _client(user)
        assert other.get(job.get_absolute_url()).status_code == 404
        assert (
            other.post(job.get_absolute_url(), {"step": "run", "mode": "all", "duplicates": "skip"}).status_code == 404
        )
        assert other.get(reverse("imports:rejected", kwargs={"pk": job.pk})).status_code == 404
    assert not Learner.objects.exists()


def test_the_upload_form_offers_only_what_the_user_may_import(organisation, consultant, coordinator):
    consultant_page = _client(consultant).get(reverse("imports:index")).content.decode()
    coordinator_page = _client(coordinator).get(reverse("imports:index")).content.decode()

    assert 'value="learners"' in consultant_page and 'value="employers"' not in consultant_page
    assert 'value="employers"' in coordinator_page and 'value="recognitions"' in coordinator_page

    response = _upload(_client(consultant), organisation, csv_bytes([["Naam", "KvK"]]), kind=ImportKind.EMPLOYERS)
    assert response.status_code == 200
    assert not ImportJob.objects.exists()


@pytest.mark.parametrize("count", [2, 12])
def test_the_list_of_imports_takes_the_same_queries_at_any_size(organisation, consultant, count):
    for n in range(count):
        ImportJob.objects.create(
            organisation=organisation, kind=ImportKind.LEARNERS, created_by=consultant, file_name=f"{n}.csv", data=b"x"
        )
    client = _client(consultant)
    client.get(reverse("imports:index"))

    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("imports:index"))

    assert response.status_code == 200
    assert response.content.decode().count('href="/imports/') == count
    assert len(queries) == 12, [query["sql"] for query in queries.captured_queries]

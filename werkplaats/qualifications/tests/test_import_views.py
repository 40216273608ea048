"""The import pages: platform administrators only; an upload runs as a task, the page shows its
progress and then the summary or the problems."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from werkplaats.accounts.models import User
from werkplaats.qualifications.models import ImportRun, ImportStatus, Qualification, WorkProcess
from werkplaats.qualifications.views import import_storage_dir

from .factories import ImportRunFactory
from .helpers import CSV_PATH, DIENSTVERLENING, XML_PATHS, snapshot

IMPORT = reverse("qualifications:import")
IMPORTS = reverse("qualifications:import-list")
CaptureOnCommit = Callable[..., AbstractContextManager[list[Callable[[], Any]]]]


def _upload(*paths: Path) -> list[SimpleUploadedFile]:
    return [SimpleUploadedFile(p.name, p.read_bytes()) for p in paths]


def _run_url(run: ImportRun) -> str:
    return reverse("qualifications:import-detail", kwargs={"pk": run.pk})


# --- Access ---------------------------------------------------------------------------------


def test_an_anonymous_visitor_is_sent_to_the_login_page(client: Client, db: None) -> None:
    run = ImportRunFactory.create()

    for url in (IMPORT, IMPORTS, _run_url(run)):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("account_login"))


def test_a_user_who_is_not_a_platform_administrator_gets_a_403(client: Client, org_admin: User) -> None:
    run = ImportRunFactory.create()
    client.force_login(org_admin)

    for url in (IMPORT, IMPORTS, _run_url(run)):
        assert client.get(url).status_code == 403, url
    assert client.post(IMPORT, {"files": _upload(DIENSTVERLENING)}).status_code == 403
    assert ImportRun.objects.count() == 1


def test_a_platform_administrator_sees_the_upload_form(admin_client: Client) -> None:
    html = admin_client.get(IMPORT).content.decode()

    assert 'enctype="multipart/form-data"' in html
    assert 'type="file"' in html
    assert " multiple" in html
    assert "20.0\xa0MB" in html or "20.0 MB" in html


# --- Uploading ----------------------------------------------------------------------------


def test_uploading_the_reference_files_imports_them_and_shows_the_summary(
    admin_client: Client, django_capture_on_commit_callbacks: CaptureOnCommit
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(IMPORT, {"files": _upload(CSV_PATH, *XML_PATHS)})

    run = ImportRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == _run_url(run)
    assert run.status == ImportStatus.DONE
    assert run.file_names == [CSV_PATH.name, *[p.name for p in XML_PATHS]]
    assert run.summary["added"] == 470
    assert run.summary["work_processes_added"] == WorkProcess.objects.count() == 111
    assert Qualification.objects.count() == 470

    page = admin_client.get(_run_url(run))
    html = page.content.decode()
    assert 'id="import-summary"' in html
    assert ">470<" in html
    assert ">111<" in html
    assert "hx-trigger" not in html


def test_the_uploaded_files_wait_in_the_private_directory_and_are_removed_afterwards(
    admin_client: Client, django_capture_on_commit_callbacks: CaptureOnCommit, private_dir: Path
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        admin_client.post(IMPORT, {"files": _upload(DIENSTVERLENING)})
    run = ImportRun.objects.get()
    stored = [Path(p) for p in run.stored_paths]

    assert import_storage_dir() == private_dir / "imports"
    assert [p.parent for p in stored] == [private_dir / "imports"]
    assert stored[0].read_bytes() == DIENSTVERLENING.read_bytes()
    assert not str(stored[0]).startswith(str(settings.MEDIA_ROOT))

    for callback in callbacks:
        callback()

    assert not stored[0].exists()
    assert Qualification.objects.count() == 3


def test_a_rejected_upload_shows_its_problems_and_changes_nothing(
    admin_client: Client, django_capture_on_commit_callbacks: CaptureOnCommit
) -> None:
    truncated = SimpleUploadedFile("kapot.xml", DIENSTVERLENING.read_bytes()[:5000])
    before = snapshot()

    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(IMPORT, {"files": [*_upload(CSV_PATH), truncated]})

    run = ImportRun.objects.get()
    html = admin_client.get(_run_url(run)).content.decode()
    assert snapshot() == before
    assert run.status == ImportStatus.FAILED
    assert 'id="import-problems"' in html
    assert "kapot.xml, line" in html
    assert "not well-formed XML" in html
    assert "nothing was changed" in html


def test_a_file_over_the_size_limit_gives_a_form_error(admin_client: Client, settings: Any) -> None:
    settings.WERKPLAATS_CATALOGUE_MAX_UPLOAD_BYTES = 80_000  # the CSV (62 KB) fits, the XML (100 KB) does not

    response = admin_client.post(IMPORT, {"files": _upload(DIENSTVERLENING, CSV_PATH)})

    assert response.status_code == 200
    errors = response.context["form"].errors["files"]
    assert errors == [f"{DIENSTVERLENING.name} is 99.7\xa0KB; a file may be at most 78.1\xa0KB."]
    assert "a file may be at most" in response.content.decode()
    assert not ImportRun.objects.exists()


def test_an_upload_without_files_asks_for_them(admin_client: Client) -> None:
    response = admin_client.post(IMPORT, {})

    assert response.status_code == 200
    assert response.context["form"].errors["files"] == ["This field is required."]
    assert not ImportRun.objects.exists()


# --- Progress -----------------------------------------------------------------------------


def test_a_running_import_polls_for_its_progress_and_has_a_refresh_link(admin_client: Client) -> None:
    run = ImportRunFactory.create(status=ImportStatus.RUNNING, progress=2, total=5)

    html = admin_client.get(_run_url(run)).content.decode()

    assert f'hx-get="{_run_url(run)}?seen=running-2-5"' in html
    assert 'hx-trigger="every 1s"' in html
    assert '<progress id="import-progress-' in html
    assert 'max="5" value="2"' in html
    assert "Step 2 of 5 (40%)" in html
    assert f'<a class="utrecht-link" href="{_run_url(run)}">Refresh</a>' in html


def test_the_poll_gets_no_content_while_nothing_changed(admin_client: Client) -> None:
    run = ImportRunFactory.create(status=ImportStatus.RUNNING, progress=2, total=5)
    htmx = {"HX-Request": "true"}

    same = admin_client.get(_run_url(run), {"seen": "running-2-5"}, headers=htmx)
    ImportRun.objects.filter(pk=run.pk).update(progress=3)
    changed = admin_client.get(_run_url(run), {"seen": "running-2-5"}, headers=htmx)

    assert same.status_code == 204
    assert changed.status_code == 200
    assert "<html" not in changed.content.decode()
    assert "Step 3 of 5" in changed.content.decode()


def test_the_poll_stops_when_the_import_has_finished(admin_client: Client) -> None:
    run = ImportRunFactory.create(status=ImportStatus.DONE, progress=2, total=2, summary={"added": 3, "unchanged": 0})

    response = admin_client.get(_run_url(run), {"seen": "running-1-2"}, headers={"HX-Request": "true"})

    assert response.status_code == 200
    assert "hx-trigger" not in response.content.decode()
    assert 'id="import-summary"' in response.content.decode()


def test_the_list_of_imports_shows_each_run_with_its_result(admin_client: Client) -> None:
    done = ImportRunFactory.create(status=ImportStatus.DONE, summary={"added": 3, "updated": 0, "unchanged": 1})
    failed = ImportRunFactory.create(status=ImportStatus.FAILED, errors=["a.xml: broken", "b.csv, line 2: bad"])

    html = admin_client.get(IMPORTS).content.decode()

    assert f'href="{_run_url(done)}"' in html
    assert f'href="{_run_url(failed)}"' in html
    assert "3 added, 0 updated, 1 unchanged" in html
    assert "2 problems, nothing changed" in html


@pytest.mark.parametrize("status", [ImportStatus.QUEUED, ImportStatus.RUNNING])
def test_an_unfinished_import_says_what_it_is_waiting_for(admin_client: Client, status: str) -> None:
    run = ImportRunFactory.create(status=status)

    html = admin_client.get(_run_url(run)).content.decode()

    assert ("Waiting for the task worker" in html) == (status == ImportStatus.QUEUED)
    assert ("The import is running" in html) == (status == ImportStatus.RUNNING)

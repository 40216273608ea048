"""Uploaded files: size- and type-checked on the way in, stored where no web server serves them,
and handed out only as attachments the browser may not sniff.

The download views are found by walking the URL patterns: a view that sends a stored file must be
listed in ``STORED_FILE_DOWNLOADS`` (with who may download), one that builds its file on the fly in
``GENERATED_DOWNLOADS``, so a new download view cannot slip past these checks.
"""

from __future__ import annotations

import inspect
import io
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from test_url_access import (
    ROUTES,
    World,
    _at_work,
    _kwargs_for,
    _url,
)
from test_url_access import world as world

from werkplaats.accounts.models import User
from werkplaats.agreements.files import check_pdf
from werkplaats.forum.files import check_document
from werkplaats.imports.forms import MAX_UPLOAD_BYTES as IMPORT_MAX_BYTES
from werkplaats.imports.forms import UploadForm
from werkplaats.partnerships.tests.url_access import manager
from werkplaats.qualifications.forms import CatalogueImportForm
from werkplaats.recognitions.forms import MAX_UPLOAD_BYTES as RECOGNITION_MAX_BYTES
from werkplaats.recognitions.forms import ImportForm
from werkplaats.trajectories.files import check_upload

# Views that send a file someone uploaded (or the platform stored), with a user who may download it.
STORED_FILE_DOWNLOADS: dict[str, Callable[[World], User]] = {
    "trajectories:plan-signed-download": lambda w: _at_work(w).trainer,
    "trajectories:evidence-download": lambda w: _at_work(w).trainer,
    "agreements:signature-download": manager,
    "forum:version-download": manager,
    "certificates:pdf": lambda w: _at_work(w).school_staff,
}
# Views that build a file on request (a record, a report, a calendar): no upload is served.
GENERATED_DOWNLOADS = {
    "certificates:record": "the learner's record, rendered as a PDF on request",
    "meetings:feed-ics": "a calendar feed built from the meetings",
    "imports:rejected": "the rejected rows of an import, written as a workbook on request",
    "privacy:access-json": "a subject-access export, built from the database on request",
    "privacy:access-pdf": "a subject-access export as PDF, drawn from the database on request",
}
DOWNLOAD_MARKERS = ("FileResponse(", "file_response(", "as_download(", "_attachment(", "Content-Disposition")

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def _views(patterns: Any, namespace: str = "") -> Iterator[tuple[str, Any]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = ":".join(n for n in (namespace, pattern.namespace) if n)
            yield from _views(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield ":".join(n for n in (namespace, pattern.name) if n), pattern.callback


def _source(view: Any) -> str:
    try:
        return inspect.getsource(inspect.unwrap(view))
    except (OSError, TypeError):
        return ""


def _download_views() -> set[str]:
    return {
        name
        for name, view in _views(get_resolver().url_patterns)
        if name.split(":")[0] != "admin"
        and view.__module__.startswith("werkplaats.")
        and any(marker in _source(view) for marker in DOWNLOAD_MARKERS)
    }


def test_every_download_view_is_classified() -> None:
    found = _download_views()

    assert "trajectories:evidence-download" in found  # the walk itself works
    unclassified = found - STORED_FILE_DOWNLOADS.keys() - GENERATED_DOWNLOADS.keys()
    assert unclassified == set(), "add each to STORED_FILE_DOWNLOADS (and check it) or GENERATED_DOWNLOADS"


@pytest.mark.parametrize("name", sorted(STORED_FILE_DOWNLOADS))
def test_a_stored_file_is_downloaded_as_an_attachment_that_may_not_be_sniffed(world: World, name: str) -> None:
    route = next(r for r in ROUTES if r.key == name)
    kwargs = _kwargs_for(route)
    assert kwargs is not None
    url = _url(route, kwargs(world))
    client = Client()
    client.force_login(STORED_FILE_DOWNLOADS[name](world))

    response = client.get(url)

    assert response.status_code == 200, url
    assert response["Content-Disposition"].startswith("attachment;"), url
    assert response["X-Content-Type-Options"] == "nosniff"
    assert not response["Content-Type"].startswith(("text/html", "image/svg", "application/xhtml"))
    assert "Content-Security-Policy" in response


def _file_fields() -> Iterator[tuple[str, models.FileField]]:
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if isinstance(field, models.FileField):
                yield f"{model._meta.label}.{field.name}", field


def test_the_models_have_file_fields_to_check() -> None:
    assert {"trajectories.EvidenceFile.file", "forum.DocumentVersion.file"} <= dict(_file_fields()).keys()


@pytest.mark.parametrize(("label", "field"), list(_file_fields()), ids=lambda v: v if isinstance(v, str) else "")
def test_every_stored_file_lives_in_the_private_folder_without_a_url(
    label: str, field: models.FileField, settings: Any, tmp_path: Path
) -> None:
    settings.WERKPLAATS_PRIVATE_DIR = tmp_path / "private"
    location = Path(field.storage.path("x")).resolve()

    assert location.is_relative_to(settings.WERKPLAATS_PRIVATE_DIR), label
    for public in (settings.MEDIA_ROOT, settings.STATIC_ROOT, *settings.STATICFILES_DIRS):
        assert not location.is_relative_to(Path(public).resolve()), label
    with pytest.raises(ValueError, match="URL"):
        field.storage.url("x")


# --- What is accepted ------------------------------------------------------------------------


def _upload(content: bytes, name: str, content_type: str = "application/pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def _oversized(name: str, limit: int, head: bytes = PDF) -> SimpleUploadedFile:
    upload = _upload(head, name)
    upload.size = limit + 1  # the size Django reports for the upload; no need to hold it in memory
    return upload


def _docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr("word/document.xml", "<document/>")
    return buffer.getvalue()


# Each stored-file check: what it accepts, and its limit.
CHECKS: dict[str, tuple[Callable[[Any], Any], bytes, int]] = {
    "evidence and signed plans": (check_upload, PDF, 10 * 1024 * 1024),
    "signed covenants": (check_pdf, PDF, 10 * 1024 * 1024),
    "forum documents": (check_document, PDF, 10 * 1024 * 1024),
}


@pytest.mark.parametrize("kind", CHECKS)
def test_an_accepted_file_passes(kind: str) -> None:
    check, good, _limit = CHECKS[kind]

    check(_upload(good, "ok.pdf"))


@pytest.mark.parametrize("kind", CHECKS)
@pytest.mark.parametrize(
    ("content", "name"),
    [
        (HTML, "plan.pdf"),
        (HTML, "plan.html"),
        (b"MZ\x90\x00\x03", "plan.pdf"),
        (b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>", "plan.svg"),
        (b"", "empty.pdf"),
    ],
)
def test_a_file_of_another_type_is_refused_whatever_its_name(kind: str, content: bytes, name: str) -> None:
    check, _good, _limit = CHECKS[kind]

    with pytest.raises(ValidationError):
        check(_upload(content, name))


@pytest.mark.parametrize("kind", CHECKS)
def test_a_file_over_the_limit_is_refused(kind: str) -> None:
    check, good, limit = CHECKS[kind]

    with pytest.raises(ValidationError):
        check(_oversized("big.pdf", limit, good))


def test_forum_documents_may_also_be_office_files_told_by_their_content() -> None:
    assert check_document(_upload(_docx(), "werkplan.pdf")).endswith("wordprocessingml.document")


def test_images_are_accepted_as_evidence() -> None:
    assert check_upload(_upload(PNG, "foto.png", "image/png")) == "image/png"


@pytest.mark.parametrize(
    ("form", "field", "limit"),
    [
        (lambda files: UploadForm({"kind": "x"}, files, organisations=None), "file", IMPORT_MAX_BYTES),
        (lambda files: ImportForm({}, files), "file", RECOGNITION_MAX_BYTES),
        (lambda files: CatalogueImportForm({}, files), "files", settings.WERKPLAATS_CATALOGUE_MAX_UPLOAD_BYTES),
    ],
    ids=["bulk import", "recognitions import", "catalogue import"],
)
def test_import_files_over_the_limit_are_refused(form: Callable[[Any], Any], field: str, limit: int, db: None) -> None:
    bound = form({field: _oversized("import.csv", limit, b"kvk;crebo\n")})

    assert not bound.is_valid()
    assert "file_too_large" in [e.code for e in bound.errors.as_data()[field]]

"""Documents shared for feedback: upload (type by content, size limit), versions, comments per
version, and downloads only through the access-checked view, as an attachment."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from werkplaats.notifications.models import Notification
from werkplaats.partnerships.tests.factories import cast

from .. import files, services
from ..models import Document, DocumentComment, DocumentVersion
from .helpers import PDF_BYTES, access, client, office, pdf, url

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]  # messages read in the source language


@pytest.mark.parametrize(("kind", "content_type"), [("docx", files.DOCX), ("xlsx", files.XLSX), ("odt", files.ODT)])
def test_office_documents_are_recognised_by_their_content(kind: str, content_type: str) -> None:
    assert files.sniff(office(kind)) == content_type


def test_a_pdf_is_recognised_by_its_first_bytes() -> None:
    assert files.sniff(pdf()) == files.PDF


@pytest.mark.parametrize(
    "content",
    [b"MZ\x90\x00 not a document", b"<html><script>alert(1)</script>", b"PK\x03\x04 broken zip", b"GIF89a"],
)
def test_other_content_is_refused_whatever_its_name(content: bytes) -> None:
    upload = SimpleUploadedFile("plan.pdf", content, content_type="application/pdf")

    with pytest.raises(Exception) as raised:
        files.check_document(upload)

    assert "PDF, DOCX, XLSX or ODT" in str(raised.value) or "PDF, DOCX, XLSX of ODT" in str(raised.value)


def test_a_file_over_10_mb_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    c = cast()
    monkeypatch.setattr(files, "MAX_BYTES", 20)

    response = client(c.member.user).post(url(c, "document-add"), {"title": "Plan", "file": pdf()})

    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert not Document.objects.exists()


def test_a_member_shares_a_document_others_comment_and_the_author_adds_a_version() -> None:
    c = cast()
    author = client(c.member.user)

    response = author.post(
        url(c, "document-add"), {"title": "Concept werkplan", "description": "Klopt de planning?", "file": pdf()}
    )
    document = Document.objects.get()
    assert response.status_code == 302
    version = document.versions.get()
    assert (version.number, version.content_type) == (1, files.PDF)

    response = client(c.worker.user).post(url(c, "version", pk=document.pk, number=1), {"body": "Te krap in mei."})
    assert response.status_code == 302
    assert DocumentComment.objects.get().version == version
    assert Notification.objects.filter(recipient=c.member.user).exists()

    response = author.post(
        url(c, "version-add", pk=document.pk), {"file": office("docx"), "note": "Mei ruimer gepland."}
    )
    assert response.status_code == 302
    assert list(document.versions.values_list("number", "content_type")) == [(2, files.DOCX), (1, files.PDF)]


def test_only_the_author_or_the_manager_adds_a_version() -> None:
    c = cast()
    document = services.share_document(access(c.member), title="Plan", upload=pdf())

    assert client(c.worker.user).get(url(c, "version-add", pk=document.pk)).status_code == 403
    assert client(c.worker.user).post(url(c, "version-add", pk=document.pk), {"file": pdf()}).status_code == 403
    assert client(c.manager.user).get(url(c, "version-add", pk=document.pk)).status_code == 200
    assert DocumentVersion.objects.count() == 1


def test_a_download_is_an_attachment_for_members_only() -> None:
    c = cast()
    document = services.share_document(access(c.member), title="Concept werkplan", upload=pdf("x.pdf"))
    address = url(c, "version-download", pk=document.pk, number=1)

    response: Any = client(c.worker.user).get(address)

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert 'filename="concept-werkplan-v1.pdf"' in response["Content-Disposition"]
    assert response["Content-Type"] == files.PDF
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert client(c.outsider).get(address).status_code == 404


def test_a_stored_document_is_kept_outside_the_media_folder(private_dir: Any) -> None:
    c = cast()
    document = services.share_document(access(c.member), title="Plan", upload=pdf())

    stored = document.versions.get().file.path

    assert stored.startswith(str(private_dir / "forum"))


def test_an_empty_comment_is_shown_at_the_field() -> None:
    c = cast()
    document = services.share_document(access(c.member), title="Plan", upload=pdf())

    response = client(c.worker.user).post(url(c, "version", pk=document.pk, number=1), {"body": ""})

    assert response.status_code == 200
    assert response.context["form"].errors["body"]
    assert not DocumentComment.objects.exists()


def test_the_document_list_takes_as_many_queries_for_six_documents_as_for_two() -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    c = cast()
    member = client(c.member.user)

    def count() -> int:
        member.get(url(c, "documents"))
        with CaptureQueriesContext(connection) as captured:
            member.get(url(c, "documents"))
        return len(captured)

    for i in range(2):
        services.share_document(access(c.member), title=f"Plan {i}", upload=pdf())
    two = count()
    for i in range(4):
        services.share_document(access(c.worker), title=f"Stuk {i}", upload=pdf(), group=c.working)
    assert count() == two

"""Documents shared for feedback: where they are kept and what is accepted.

Working documents of a partnership are for its members only, so they live under
WERKPLAATS_PRIVATE_DIR (which no web server serves) and are downloaded through a view that checks
membership first, always as an attachment. Accepted: PDF, DOCX, XLSX and ODT, at most 10 MB.
The type is decided by the file's content, never by its name or the content type the browser
sends: a PDF by its first bytes; DOCX, XLSX and ODT are ZIP packages, told apart by the parts
inside them (``word/document.xml``, ``xl/workbook.xml``, or the ``mimetype`` entry of an
OpenDocument package).
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import Storage
from django.utils.translation import gettext_lazy as _

from werkplaats.core.uploads import PDF_SIGNATURE, check_size, leading_bytes
from werkplaats.trajectories.files import PrivateStorage

MAX_BYTES = 10 * 1024 * 1024

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ODT = "application/vnd.oasis.opendocument.text"

EXTENSIONS = {PDF: "pdf", DOCX: "docx", XLSX: "xlsx", ODT: "odt"}


class ForumStorage(PrivateStorage):
    """Files under WERKPLAATS_PRIVATE_DIR/forum, without a URL."""

    @property
    def base_location(self) -> str:
        return str(Path(getattr(settings, "WERKPLAATS_PRIVATE_DIR", settings.BASE_DIR / "var")) / "forum")


def private_storage() -> Storage:
    return ForumStorage()


def _zip_type(upload: Any) -> str | None:
    try:
        with zipfile.ZipFile(upload) as package:
            names = set(package.namelist())
            if "mimetype" in names:
                info = package.getinfo("mimetype")
                if info.file_size <= 100 and package.read("mimetype").strip() == ODT.encode():
                    return ODT
                return None
            if "[Content_Types].xml" in names:
                if "word/document.xml" in names:
                    return DOCX
                if "xl/workbook.xml" in names:
                    return XLSX
    except (zipfile.BadZipFile, OSError, ValueError, RuntimeError, NotImplementedError):
        return None
    return None


def sniff(upload: Any) -> str | None:
    """The content type the content shows, or None when it is none of the accepted types."""
    head = leading_bytes(upload, 8)
    if head.startswith(PDF_SIGNATURE):
        return PDF
    if head.startswith(b"PK\x03\x04"):
        try:
            return _zip_type(upload)
        finally:
            upload.seek(0)
    return None


def check_document(upload: Any) -> str:
    """Refuse an empty file, a file over MAX_BYTES, or one of another type; return its type."""
    if not upload.size:
        raise ValidationError(_("The file is empty."), code="empty")
    check_size([upload], MAX_BYTES)
    content_type = sniff(upload)
    if content_type is None:
        raise ValidationError(_("Upload a PDF, DOCX, XLSX or ODT file."), code="file_type")
    return content_type

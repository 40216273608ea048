"""Uploaded files of trajectories (signed learning plans, evidence): where they are kept and
what is accepted.

They hold personal data, so they live under WERKPLAATS_PRIVATE_DIR, which no web server
serves; every download goes through a view that checks access first. The type is decided by
the file's first bytes, never by the name or the content type the browser sends.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage, Storage
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from werkplaats.core.uploads import PDF_SIGNATURE, leading_bytes

MAX_BYTES = 10 * 1024 * 1024

# Signature → content type. JPEG files start with FF D8 FF; PNG with its fixed 8-byte header.
SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (PDF_SIGNATURE, "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
)


class PrivateStorage(FileSystemStorage):
    """Files under WERKPLAATS_PRIVATE_DIR/trajectories, outside MEDIA_ROOT, without a URL. The
    folder is read from the settings on every use, so a changed setting (tests) takes effect."""

    def __init__(self) -> None:
        super().__init__(base_url=None)

    @property
    def base_location(self) -> str:
        return str(Path(getattr(settings, "WERKPLAATS_PRIVATE_DIR", settings.BASE_DIR / "var")) / "trajectories")

    @property
    def location(self) -> str:
        return os.path.abspath(self.base_location)

    def url(self, name: str | None) -> str:
        raise ValueError("Private files have no URL; they are downloaded through an access-checked view.")


def private_storage() -> Storage:
    return PrivateStorage()


def sniff(upload: IO[bytes] | Any) -> str | None:
    """The content type the first bytes show, or None when it is not a PDF, PNG or JPEG."""
    head = leading_bytes(upload, 16)
    for signature, content_type in SIGNATURES:
        if head.startswith(signature):
            return content_type
    return None


def check_upload(upload: Any) -> str:
    """Refuse files that are too large or not a PDF or image; return the real content type."""
    if upload.size is not None and upload.size > MAX_BYTES:
        raise ValidationError(
            _("The file is %(size)s; the limit is %(limit)s.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(MAX_BYTES)},
            code="too_large",
        )
    if not upload.size:
        raise ValidationError(_("The file is empty."), code="empty")
    content_type = sniff(upload)
    if content_type is None:
        raise ValidationError(_("Upload a PDF, PNG or JPEG file."), code="file_type")
    return content_type

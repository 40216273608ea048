"""Checks every upload form makes the same way."""

from __future__ import annotations

from collections.abc import Iterable
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _


def check_size(uploads: Iterable[UploadedFile], limit: int) -> None:
    """Refuse files larger than ``limit`` bytes, one message per file that names it, so that the
    person knows which file to split or leave out."""
    too_large = [upload for upload in uploads if (upload.size or 0) > limit]
    if too_large:
        raise ValidationError(
            [
                ValidationError(
                    _("%(name)s is %(size)s; a file may be at most %(limit)s."),
                    code="file_too_large",
                    params={
                        "name": upload.name,
                        "size": filesizeformat(upload.size or 0),
                        "limit": filesizeformat(limit),
                    },
                )
                for upload in too_large
            ]
        )


# A file's type comes from its first bytes, never from its name or the browser's word for it.
PDF_SIGNATURE = b"%PDF-"


def leading_bytes(upload: IO[bytes] | Any, count: int) -> bytes:
    """The first ``count`` bytes of ``upload``, leaving it at its start for whoever reads it next."""
    upload.seek(0)
    try:
        return bytes(upload.read(count))
    finally:
        upload.seek(0)

"""Signed copies of agreements: where they are kept and what is accepted.

A signed covenant carries names and signatures, so it lives under WERKPLAATS_PRIVATE_DIR,
which no web server serves; every download goes through a view that checks membership first.
Only PDF is accepted, and whether a file is a PDF is decided by its first bytes, never by its
name or the content type the browser sends.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import Storage
from django.utils.translation import gettext_lazy as _

from werkplaats.core.uploads import PDF_SIGNATURE, check_size, leading_bytes
from werkplaats.trajectories.files import PrivateStorage

MAX_BYTES = 10 * 1024 * 1024


class AgreementStorage(PrivateStorage):
    """Files under WERKPLAATS_PRIVATE_DIR/agreements, without a URL."""

    @property
    def base_location(self) -> str:
        return str(Path(getattr(settings, "WERKPLAATS_PRIVATE_DIR", settings.BASE_DIR / "var")) / "agreements")


def private_storage() -> Storage:
    return AgreementStorage()


def is_pdf(upload: Any) -> bool:
    return leading_bytes(upload, len(PDF_SIGNATURE)) == PDF_SIGNATURE


def check_pdf(upload: Any) -> None:
    """Refuse an empty file, a file over MAX_BYTES, or anything that does not start as a PDF."""
    if not upload.size:
        raise ValidationError(_("The file is empty."), code="empty")
    check_size([upload], MAX_BYTES)
    if not is_pdf(upload):
        raise ValidationError(_("Upload the signed copy as a PDF file."), code="file_type")

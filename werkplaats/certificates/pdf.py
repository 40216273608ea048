"""The certificate as a PDF: drawn by WeasyPrint from an HTML template, in the certificate's
language, with a QR code that leads to the public verification page.

Drawing is a pure function of the certificate row (the fonts are vendored, the PDF carries no
time stamp), so a stored PDF that went missing is drawn again identically; its SHA-256 is
kept to prove it."""

from __future__ import annotations

import base64
import hashlib
import io
import os
from pathlib import Path

import qrcode
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

from .models import Certificate

FONT_DIR = Path(settings.BASE_DIR) / "static" / "vendor" / "fonts"
# fontTools, which WeasyPrint uses to embed the fonts, stamps each embedded font with the current
# time unless SOURCE_DATE_EPOCH says otherwise (https://reproducible-builds.org/specs/source-date-epoch/):
# without a fixed stamp no two drawings of a certificate were alike.
FONT_TIMESTAMP = "1577836800"  # 2020-01-01


class PdfMismatch(Exception):
    """A PDF drawn again differs from the one first stored: fonts or software changed."""


class HolderErased(Exception):
    """The holder's personal data was erased: the certificate still counts and verifies as
    valid, but no PDF is drawn any more (it would name the pseudonym, not the holder)."""


def holder_erased(certificate: Certificate) -> bool:
    from werkplaats.privacy.services import certificate_holder_erased  # privacy builds on certificates

    return certificate_holder_erased(certificate)


def qr_png(text: str) -> bytes:
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=8, border=2)
    code.add_data(text)
    code.make(fit=True)
    buffer = io.BytesIO()
    code.make_image().save(buffer, format="PNG")
    return buffer.getvalue()


def html(certificate: Certificate) -> str:
    qr = base64.b64encode(qr_png(certificate.verify_url)).decode("ascii")
    with translation.override(certificate.language):
        return render_to_string(
            "certificates/pdf/certificate.html",
            {"certificate": certificate, "qr": f"data:image/png;base64,{qr}", "font_dir": FONT_DIR.as_uri()},
        )


def render(certificate: Certificate) -> bytes:
    from weasyprint import HTML

    os.environ["SOURCE_DATE_EPOCH"] = FONT_TIMESTAMP
    return HTML(string=html(certificate), base_url=str(FONT_DIR)).write_pdf()


def file_name(certificate: Certificate) -> str:
    return f"certificates/{certificate.year}/{certificate.number}.pdf"


def stored_pdf(certificate: Certificate) -> bytes:
    """The certificate's PDF: the stored file, else drawn now and stored (the first time), or
    drawn again and checked against the first one's hash (when the file went missing).
    ``HolderErased`` when the holder's personal data was erased."""
    storage = Certificate._meta.get_field("pdf").storage
    if holder_erased(certificate):
        raise HolderErased(certificate.number)
    if certificate.pdf and storage.exists(certificate.pdf.name):
        with storage.open(certificate.pdf.name, "rb") as handle:
            return bytes(handle.read())
    data = render(certificate)
    digest = hashlib.sha256(data).hexdigest()
    with transaction.atomic():
        locked = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if locked.pdf and locked.pdf_sha256 == digest and storage.exists(locked.pdf.name):
            certificate.pdf.name, certificate.pdf_sha256 = locked.pdf.name, digest
            return data  # stored meanwhile by someone else
        if locked.pdf_sha256 and locked.pdf_sha256 != digest:
            raise PdfMismatch(f"{certificate.number}: drawn again, the PDF differs from the one issued")
        name = file_name(locked)
        if storage.exists(name):
            storage.delete(name)  # a partial file from a crash; the hash decides what is right
        stored = storage.save(name, ContentFile(data))
        locked.pdf.name = stored
        locked.pdf_sha256 = digest
        locked.save(update_fields=["pdf", "pdf_sha256"])
    certificate.pdf.name, certificate.pdf_sha256 = locked.pdf.name, digest
    return data

"""The certificate as a PDF: what it says, its QR code, that drawing it again gives the same
bytes, and who may download it."""

from __future__ import annotations

import hashlib
import io
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pypdf
import pytest
import zxingcpp
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse
from django.utils import translation

from werkplaats.accounts.models import User
from werkplaats.audit.models import Action, AuditLogEntry

from .. import pdf, services
from ..models import Certificate
from .world import CertificateWorld, another_ready_trajectory

pytestmark = pytest.mark.usefixtures("english", "private_dir")


@pytest.fixture
def private_dir(settings: Any, tmp_path: Path) -> Path:
    settings.WERKPLAATS_PRIVATE_DIR = tmp_path / "private"
    return Path(settings.WERKPLAATS_PRIVATE_DIR)


@pytest.fixture
def a_day_later(monkeypatch: pytest.MonkeyPatch) -> Callable[[], None]:
    """Move the clock on: a PDF drawn again later (after a restart, a lost file) must not differ."""

    def move() -> None:
        now = time.time()
        monkeypatch.setattr(time, "time", lambda: now + 86_400)

    return move


@pytest.fixture
def certificate(world: CertificateWorld) -> Certificate:
    return services.issue(world.trajectory, by=world.school_staff, language="en")


def text_of(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)


def test_the_pdf_states_the_certificate(certificate: Certificate) -> None:
    text = text_of(pdf.stored_pdf(certificate))

    for stated in (
        certificate.number,
        "Noor Jansen",
        "Pedagogisch medewerker",
        "25486",
        "crebo 25180, version 1",
        f"ESKA (KvK {certificate.employer_kvk})",
        "Noorderpoort",
        "Tineke Opleider",
        "Sander de Vries",
        "Leeuwarden",
        certificate.grouped_code,
        certificate.verify_url,
    ):
        assert stated in text, stated
    assert certificate.work_process_codes == ["B1-K1-W1", "B1-K1-W2"]
    for code in certificate.work_process_codes:
        assert code in text
    assert "P1-K1-W1" not in text  # mastered, but not confirmed by the school
    assert "Evalueert" not in text


def test_the_qr_code_leads_to_the_verification_page(certificate: Certificate) -> None:
    page = pypdf.PdfReader(io.BytesIO(pdf.stored_pdf(certificate))).pages[0]

    found = [barcode.text for image in page.images for barcode in zxingcpp.read_barcodes(image.image)]

    assert found == [certificate.verify_url]
    assert certificate.verify_url.endswith(reverse("certificates:verify", kwargs={"code": certificate.grouped_code}))


def test_the_page_is_a4(certificate: Certificate) -> None:
    pages = pypdf.PdfReader(io.BytesIO(pdf.stored_pdf(certificate))).pages

    assert len(pages) == 1
    box = pages[0].mediabox
    assert float(box.width) == pytest.approx(595.28, abs=1)
    assert float(box.height) == pytest.approx(841.89, abs=1)


def test_the_certificate_is_drawn_in_its_own_language(certificate: Certificate, world: CertificateWorld) -> None:
    with translation.override("nl"):  # whatever the language of the one who asks
        english = text_of(pdf.render(certificate))
    dutch_certificate = services.issue(another_ready_trajectory(world, "Sam"), by=world.school_staff, language="nl")
    with translation.override("en"):
        dutch = text_of(pdf.render(dutch_certificate))

    for heading in ("This declares that", "Mastered work processes", "Qualification file", "Workplace trainer"):
        assert heading in english
    assert 'lang="en"' in pdf.html(certificate)
    assert 'lang="nl"' in pdf.html(dutch_certificate)
    # The Dutch texts may not be translated yet; the month of the date of issue always is.
    assert dutch != english.replace(certificate.number, dutch_certificate.number)


def test_drawing_twice_gives_the_same_bytes(certificate: Certificate, a_day_later: Callable[[], None]) -> None:
    first = pdf.render(certificate)
    a_day_later()

    assert pdf.render(certificate) == first


def test_the_pdf_is_stored_once_with_its_hash(certificate: Certificate, private_dir: Path) -> None:
    data = pdf.stored_pdf(certificate)

    certificate.refresh_from_db()
    assert certificate.pdf.name == f"certificates/{certificate.year}/{certificate.number}.pdf"
    assert certificate.pdf_sha256 == hashlib.sha256(data).hexdigest()
    assert Path(certificate.pdf.path).is_relative_to(private_dir)
    assert Path(certificate.pdf.path).read_bytes() == data
    assert data.startswith(b"%PDF-")


def test_a_stored_pdf_is_not_drawn_again(certificate: Certificate, monkeypatch: pytest.MonkeyPatch) -> None:
    data = pdf.stored_pdf(certificate)

    def not_again(certificate: Certificate) -> bytes:
        raise AssertionError("drawn again")

    monkeypatch.setattr(pdf, "render", not_again)
    assert pdf.stored_pdf(Certificate.objects.get(pk=certificate.pk)) == data


def test_a_lost_pdf_is_drawn_again_identically(certificate: Certificate, a_day_later: Callable[[], None]) -> None:
    data = pdf.stored_pdf(certificate)
    certificate.refresh_from_db()
    digest = certificate.pdf_sha256
    Path(certificate.pdf.path).unlink()
    a_day_later()

    again = pdf.stored_pdf(Certificate.objects.get(pk=certificate.pk))

    assert again == data
    certificate.refresh_from_db()
    assert certificate.pdf_sha256 == digest
    assert Path(certificate.pdf.path).read_bytes() == data


def test_a_pdf_drawn_again_differently_is_refused(certificate: Certificate) -> None:
    pdf.stored_pdf(certificate)
    certificate.refresh_from_db()
    Path(certificate.pdf.path).unlink()
    # As if fonts or software changed since: the hash of the first PDF no longer matches.
    Certificate.objects.filter(pk=certificate.pk).update(pdf_sha256="0" * 64)

    with pytest.raises(pdf.PdfMismatch):
        pdf.stored_pdf(Certificate.objects.get(pk=certificate.pk))
    assert Certificate.objects.get(pk=certificate.pk).pdf_sha256 == "0" * 64


def test_issuing_has_the_pdf_drawn_after_the_commit(
    world: CertificateWorld, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        certificate = services.issue(world.trajectory, by=world.school_staff)
        assert not Certificate.objects.get(pk=certificate.pk).pdf_sha256

    assert len(callbacks) == 1
    certificate.refresh_from_db()
    assert certificate.pdf_sha256
    assert Path(certificate.pdf.path).read_bytes() == pdf.render(certificate)


# --- Downloading ------------------------------------------------------------------------------


def logged_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def download(client: Client, certificate: Certificate) -> Any:
    return client.get(reverse("certificates:pdf", kwargs={"number": certificate.number}))


@pytest.mark.parametrize("who", ["learner_user", "consultant", "school_staff", "trainer", "coordinator"])
def test_the_parties_download_the_pdf(world: CertificateWorld, certificate: Certificate, who: str) -> None:
    user = world.coordinator if who == "coordinator" else getattr(world.work, who)

    response = download(logged_in(user), certificate)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{certificate.number}.pdf"'
    assert "no-store" in response["Cache-Control"]
    assert response.content == pdf.stored_pdf(certificate)


def test_an_outsider_gets_not_found(world: CertificateWorld, certificate: Certificate) -> None:
    assert download(logged_in(world.work.outsider), certificate).status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(certificate: Certificate) -> None:
    response = download(Client(), certificate)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_a_download_is_recorded_as_an_export(world: CertificateWorld, certificate: Certificate) -> None:
    download(logged_in(world.work.consultant), certificate)

    entry = AuditLogEntry.objects.get(action=Action.EXPORT)
    assert entry.content_type == ContentType.objects.get_for_model(Certificate)
    assert entry.object_id == str(certificate.pk)
    assert entry.actor == world.work.consultant
    assert entry.changes == {"format": "pdf"}
    assert entry.subject_organisation_id == world.work.municipality.pk

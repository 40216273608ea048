"""Revoking a praktijkverklaring: by the issuing school or the region's coordinator, with a
reason and a date, once; nothing on the certificate or its PDF changes."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from werkplaats.accounts.models import User
from werkplaats.notifications.models import Notification

from .. import pdf, services
from ..models import Certificate, Revocation
from .world import CertificateWorld

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def certificate(world: CertificateWorld) -> Certificate:
    return services.issue(world.trajectory, by=world.school_staff, on=timezone.localdate() - datetime.timedelta(days=5))


def revoker(world: CertificateWorld, who: str) -> User:
    return world.coordinator if who == "coordinator" else getattr(world.work, who)


@pytest.mark.parametrize("who", ["school_staff", "coordinator"])
def test_the_issuing_school_and_the_regions_coordinator_may_revoke(
    world: CertificateWorld, certificate: Certificate, who: str
) -> None:
    user = revoker(world, who)
    assert services.can_revoke(user, certificate)

    revocation = services.revoke(certificate, by=user, reason="  Verkeerde geboortedatum  ")

    assert revocation.certificate == certificate
    assert (revocation.revoked_by, revocation.reason) == (user, "Verkeerde geboortedatum")
    assert revocation.revoked_on == timezone.localdate()
    certificate.refresh_from_db()
    assert certificate.revoked == revocation
    assert not Certificate.objects.valid().exists()


@pytest.mark.parametrize("who", ["consultant", "trainer", "learner_user", "bystander", "outsider"])
def test_others_may_not_revoke(world: CertificateWorld, certificate: Certificate, who: str) -> None:
    user = revoker(world, who)
    assert not services.can_revoke(user, certificate)

    with pytest.raises(PermissionDenied):
        services.revoke(certificate, by=user, reason="Zomaar")
    assert not Revocation.objects.exists()


def test_a_reason_is_required(world: CertificateWorld, certificate: Certificate) -> None:
    with pytest.raises(ValidationError) as caught:
        services.revoke(certificate, by=world.school_staff, reason="   ")

    assert caught.value.message_dict == {"reason": ["Say why the praktijkverklaring is revoked."]}
    assert not Revocation.objects.exists()


def test_a_date_in_the_future_is_refused(world: CertificateWorld, certificate: Certificate) -> None:
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)

    with pytest.raises(ValidationError) as caught:
        services.revoke(certificate, by=world.school_staff, reason="Fout", on=tomorrow)

    assert caught.value.message_dict == {"revoked_on": ["The date cannot be in the future."]}
    assert not Revocation.objects.exists()


def test_a_date_before_the_issue_is_refused(world: CertificateWorld, certificate: Certificate) -> None:
    before = certificate.issued_on - datetime.timedelta(days=1)

    with pytest.raises(ValidationError) as caught:
        services.revoke(certificate, by=world.school_staff, reason="", on=before)

    assert caught.value.message_dict == {
        "reason": ["Say why the praktijkverklaring is revoked."],
        "revoked_on": ["A praktijkverklaring cannot be revoked before it was issued."],
    }
    assert not Revocation.objects.exists()


def test_the_day_of_issue_is_allowed(world: CertificateWorld, certificate: Certificate) -> None:
    revocation = services.revoke(certificate, by=world.school_staff, reason="Fout", on=certificate.issued_on)

    assert revocation.revoked_on == certificate.issued_on


def test_revoking_twice_is_refused(world: CertificateWorld, certificate: Certificate) -> None:
    first = services.revoke(certificate, by=world.school_staff, reason="Fout")

    with pytest.raises(ValidationError) as caught:
        services.revoke(certificate, by=world.coordinator, reason="Nog eens")

    assert caught.value.messages == ["This praktijkverklaring has already been revoked."]
    assert list(Revocation.objects.all()) == [first]


def test_the_certificate_and_its_pdf_stay_as_they_were(
    world: CertificateWorld, certificate: Certificate, settings: Any, tmp_path: Path
) -> None:
    settings.WERKPLAATS_PRIVATE_DIR = tmp_path
    data = pdf.stored_pdf(certificate)
    row = Certificate.objects.filter(pk=certificate.pk).values().get()

    services.revoke(certificate, by=world.school_staff, reason="Fout")

    assert Certificate.objects.filter(pk=certificate.pk).values().get() == row
    certificate.refresh_from_db()
    assert pdf.stored_pdf(certificate) == data
    assert Path(certificate.pdf.path).read_bytes() == data


def test_the_parties_are_told(world: CertificateWorld, certificate: Certificate) -> None:
    services.revoke(certificate, by=world.coordinator, reason="Fout")

    told = Notification.objects.filter(key=f"certificate-revoked:{certificate.pk}")
    assert {n.recipient for n in told} == {
        world.work.consultant,
        world.school_staff,  # the school coach
        world.work.trainer,
        world.work.learner_user,
    }
    notification = told.get(recipient=world.work.consultant)  # who reads English
    assert notification.message == f"Praktijkverklaring {certificate.number} has been revoked."
    assert notification.url == certificate.get_absolute_url()


def test_the_one_who_revokes_is_not_told(world: CertificateWorld, certificate: Certificate) -> None:
    services.revoke(certificate, by=world.school_staff, reason="Fout")

    told = Notification.objects.filter(key=f"certificate-revoked:{certificate.pk}")
    assert world.school_staff not in {n.recipient for n in told}
    assert told.count() == 3

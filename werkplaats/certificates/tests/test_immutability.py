"""An issued certificate is never changed or deleted, by any path Django offers; only its stored
PDF (and that PDF's hash) is added later. A revocation is final too."""

from __future__ import annotations

from collections.abc import Mapping

import pytest
from django.contrib import admin
from django.db import IntegrityError, transaction
from django.test import RequestFactory

from werkplaats.accounts.models import User

from .. import services
from ..models import Certificate, ImmutableError, Revocation
from .world import CertificateWorld

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def certificate(world: CertificateWorld) -> Certificate:
    return services.issue(world.trajectory, by=world.school_staff)


@pytest.fixture
def revocation(certificate: Certificate, world: CertificateWorld) -> Revocation:
    return services.revoke(certificate, by=world.school_staff, reason="Verkeerde naam")


def stored(certificate: Certificate) -> Mapping[str, object]:
    return Certificate.objects.filter(pk=certificate.pk).values().get()


def test_saving_a_changed_certificate_is_refused(certificate: Certificate) -> None:
    before = stored(certificate)
    certificate.learner_last_name = "Bakker"

    with pytest.raises(ImmutableError):
        certificate.save()
    assert stored(certificate) == before


def test_saving_one_changed_field_is_refused(certificate: Certificate) -> None:
    before = stored(certificate)
    certificate.learner_last_name = "Bakker"

    with pytest.raises(ImmutableError):
        certificate.save(update_fields=["learner_last_name"])
    with pytest.raises(ImmutableError):
        certificate.save(update_fields=["pdf", "learner_last_name"])
    assert stored(certificate) == before


def test_saving_unchanged_is_refused_too(certificate: Certificate) -> None:
    with pytest.raises(ImmutableError):
        certificate.save()


def test_a_new_object_with_the_id_of_an_issued_one_does_not_overwrite_it(certificate: Certificate) -> None:
    before = stored(certificate)
    copy = Certificate.objects.get(pk=certificate.pk)
    copy._state.adding = True
    copy.crebo = "99999"

    with pytest.raises(IntegrityError), transaction.atomic():
        copy.save()
    assert stored(certificate) == before


def test_updating_through_a_queryset_is_refused(certificate: Certificate) -> None:
    before = stored(certificate)

    with pytest.raises(ImmutableError):
        Certificate.objects.filter(pk=certificate.pk).update(crebo="x")
    with pytest.raises(ImmutableError):
        Certificate.objects.filter(pk=certificate.pk).update(crebo="x", pdf_sha256="0" * 64)
    assert stored(certificate) == before


def test_bulk_update_is_refused(certificate: Certificate) -> None:
    certificate.employer_name = "Iemand anders"

    with pytest.raises(ImmutableError), transaction.atomic():
        Certificate.objects.bulk_update([certificate], ["employer_name"])
    assert stored(certificate)["employer_name"] == "ESKA"


def test_an_upsert_is_refused(certificate: Certificate) -> None:
    copy = Certificate.objects.get(pk=certificate.pk)
    copy.pk = None
    copy.crebo = "99999"

    with pytest.raises(ImmutableError):
        Certificate.objects.bulk_create(
            [copy], update_conflicts=True, unique_fields=["number"], update_fields=["crebo"]
        )
    assert stored(certificate)["crebo"] == "25486"


def test_deleting_is_refused(certificate: Certificate) -> None:
    with pytest.raises(ImmutableError):
        certificate.delete()
    with pytest.raises(ImmutableError):
        Certificate.objects.filter(pk=certificate.pk).delete()
    with pytest.raises(ImmutableError):
        Certificate.objects.all().delete()
    assert Certificate.objects.filter(pk=certificate.pk).exists()


def test_only_the_stored_pdf_and_its_hash_may_be_set(certificate: Certificate) -> None:
    certificate.pdf.name = "certificates/2025/PV-2025-000001.pdf"
    certificate.pdf_sha256 = "a" * 64
    certificate.save(update_fields=["pdf", "pdf_sha256"])

    assert Certificate.objects.filter(pk=certificate.pk).update(pdf_sha256="b" * 64) == 1
    assert Certificate.objects.filter(pk=certificate.pk).update(pdf="elsewhere.pdf", pdf_sha256="c" * 64) == 1
    certificate.refresh_from_db()
    assert (certificate.pdf.name, certificate.pdf_sha256) == ("elsewhere.pdf", "c" * 64)


def test_a_revocation_cannot_be_changed(revocation: Revocation) -> None:
    revocation.reason = "Toch niet"

    with pytest.raises(ImmutableError):
        revocation.save()
    with pytest.raises(ImmutableError):
        Revocation.objects.filter(pk=revocation.pk).update(reason="Toch niet")
    assert Revocation.objects.get(pk=revocation.pk).reason == "Verkeerde naam"


def test_a_revocation_cannot_be_undone(revocation: Revocation, certificate: Certificate) -> None:
    with pytest.raises(ImmutableError):
        revocation.delete()
    with pytest.raises(ImmutableError):
        Revocation.objects.filter(pk=revocation.pk).delete()
    certificate.refresh_from_db()
    assert certificate.revoked == revocation
    assert not Certificate.objects.valid().exists()


@pytest.mark.parametrize("model", [Certificate, Revocation])
def test_the_admin_offers_no_way_to_change_or_delete(model: type, platform_admin: User, rf: RequestFactory) -> None:
    # There is no admin for certificates now; should one be added, it has to be read-only.
    model_admin = admin.site._registry.get(model)
    request = rf.get("/")
    request.user = platform_admin
    assert model_admin is None or not (
        model_admin.has_change_permission(request) or model_admin.has_delete_permission(request)
    )

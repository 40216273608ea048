"""The database refuses to change an issued certificate or a revocation, also for SQL that
passes the model by (migration 0002); only the stored PDF's name and hash may be filled in."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction

from werkplaats.certificates import services
from werkplaats.certificates.models import Certificate, Revocation

from .world import CertificateWorld


def _execute(sql: str, params: list[Any]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.mark.parametrize(
    ("column", "value"),
    [("crebo", "99999"), ("learner_last_name", "Anders"), ("number", "PV-2026-999999"), ("code", "0" * 16)],
)
def test_sql_cannot_change_what_a_certificate_states(world: CertificateWorld, column: str, value: str) -> None:
    certificate = services.issue(world.trajectory, by=world.school_staff)

    with pytest.raises(DatabaseError), transaction.atomic():
        # The column comes from the parameter list above, not from input.
        _execute(f"UPDATE certificates_certificate SET {column} = %s WHERE id = %s", [value, certificate.pk])  # noqa: S608

    assert getattr(Certificate.objects.get(pk=certificate.pk), column) == getattr(certificate, column)


def test_sql_may_fill_in_the_stored_pdf(world: CertificateWorld) -> None:
    certificate = services.issue(world.trajectory, by=world.school_staff)

    _execute(
        "UPDATE certificates_certificate SET pdf = %s, pdf_sha256 = %s WHERE id = %s",
        ["certificates/x.pdf", "ab" * 32, certificate.pk],
    )

    assert Certificate.objects.get(pk=certificate.pk).pdf.name == "certificates/x.pdf"


def test_sql_cannot_change_a_revocation(world: CertificateWorld) -> None:
    certificate = services.issue(world.trajectory, by=world.school_staff)
    revocation = services.revoke(certificate, by=world.coordinator, reason="Verkeerde werkprocessen.")

    with pytest.raises(DatabaseError), transaction.atomic():
        _execute("UPDATE certificates_revocation SET reason = %s WHERE id = %s", ["", revocation.pk])

    assert Revocation.objects.get(pk=revocation.pk).reason == "Verkeerde werkprocessen."

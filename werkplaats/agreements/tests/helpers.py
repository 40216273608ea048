"""Small builders for the agreements tests."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from werkplaats.agreements import services
from werkplaats.agreements.models import AgreementVersion, SignatureMethod
from werkplaats.partnerships.models import PartnershipMember
from werkplaats.partnerships.tests.factories import Cast

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n"


def pdf(name: str = "getekend.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def representatives(team: Cast) -> list[PartnershipMember]:
    """One representative per partner: municipality (the manager), school, employer."""
    return [team.manager, team.steering_member, team.worker]


def sign_all(version: AgreementVersion, team: Cast) -> None:
    for member in representatives(team):
        assert member.partner is not None
        services.sign_version(version, partner=member.partner, signer=member, method=SignatureMethod.IN_APP)

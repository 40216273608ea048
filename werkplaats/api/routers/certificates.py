"""Praktijkverklaringen: read, issue (with the interface's guards), and the public verification."""

from __future__ import annotations

import datetime
import time
from typing import Any, Literal

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.responses import Status as Answer

from werkplaats.audit.recorder import record_view
from werkplaats.certificates import services
from werkplaats.certificates.models import Certificate, normalise_code
from werkplaats.core import ratelimit
from werkplaats.privacy.services import certificate_holder_erased
from werkplaats.trajectories.models import Trajectory

from ..auth import acting_user, require_write
from ..pagination import PageParams, page_of, paginate
from ..problems import ApiProblem
from ..schemas import Id, Moment

router = Router()


class WorkProcessOut(Schema):
    code: str
    title: str


class CoreTaskOut(Schema):
    code: str
    title: str
    work_processes: list[WorkProcessOut]


class CertificateOut(Schema):
    number: str
    verification_code: str = Field(..., alias="grouped_code")
    verify_url: str
    status: Literal["valid", "revoked"] = Field(..., alias="api_status")
    revoked_on: datetime.date | None = Field(None, alias="api_revoked_on")
    trajectory_id: int
    learner_first_name: str
    learner_last_name: str
    learner_date_of_birth: datetime.date
    qualification_id: int
    qualification_name: str
    crebo: str
    level: int
    dossier_crebo: str
    dossier_version: str
    work_processes: list[CoreTaskOut]
    school_id: int
    school_name: str
    employer_id: int
    employer_name: str
    employer_kvk: str
    trainer_name: str
    signatory_name: str
    place: str
    issued_on: datetime.date
    issued_at: datetime.datetime
    language: str
    updated_at: datetime.datetime = Field(..., alias="api_updated_at", description="Issued, or revoked if later.")


class CertificateFilters(Schema):
    school: str | None = Field(None, max_length=80, description="The issuing school's slug.")
    employer: str | None = Field(None, max_length=80, description="The learning company's slug.")
    region: str | None = Field(None, max_length=4, description="CBS code of the region that counts the certificate.")
    status: Literal["valid", "revoked"] | None = None
    issued_from: datetime.date | None = None
    issued_until: datetime.date | None = None
    updated_since: Moment | None = Field(None, description="Issued or revoked at or after this moment.")


class IssueIn(Schema):
    trajectory: Id = Field(..., description="The trajectory, in the assessment phase.")
    issued_on: datetime.date | None = Field(None, description="Default: today. Not in the future.")
    language: Literal["nl", "en"] = "nl"


class VerificationOut(Schema):
    status: Literal["valid", "revoked"]
    revoked_on: datetime.date | None
    number: str
    issued_to: str = Field(..., description="Initials and surname, as on the public verification page.")
    qualification_name: str
    crebo: str
    level: int
    employer_name: str
    school_name: str
    issued_on: datetime.date
    work_processes: list[CoreTaskOut]


def _certificates(request: HttpRequest) -> QuerySet[Certificate]:
    return Certificate.objects.visible_to(acting_user(request)).select_related("revocation")


def _out(certificate: Certificate) -> Certificate:
    revocation = certificate.revoked
    certificate.api_status = "revoked" if revocation else "valid"  # type: ignore[attr-defined]
    certificate.api_revoked_on = revocation.revoked_on if revocation else None  # type: ignore[attr-defined]
    certificate.api_updated_at = (  # type: ignore[attr-defined]
        max(certificate.issued_at, revocation.revoked_at) if revocation else certificate.issued_at
    )
    return certificate


@router.get("", response=page_of(CertificateOut), operation_id="listCertificates", summary="List praktijkverklaringen")
def list_certificates(
    request: HttpRequest, page: Query[PageParams], filters: Query[CertificateFilters]
) -> dict[str, Any]:
    certificates = _certificates(request)
    if filters.school:
        certificates = certificates.filter(school__slug=filters.school)
    if filters.employer:
        certificates = certificates.filter(employer__slug=filters.employer)
    if filters.region:
        certificates = certificates.filter(region__code=filters.region)
    if filters.status == "valid":
        certificates = certificates.filter(revocation__isnull=True)
    elif filters.status == "revoked":
        certificates = certificates.filter(revocation__isnull=False)
    if filters.issued_from:
        certificates = certificates.filter(issued_on__gte=filters.issued_from)
    if filters.issued_until:
        certificates = certificates.filter(issued_on__lte=filters.issued_until)
    if filters.updated_since:
        certificates = certificates.filter(
            Q(issued_at__gte=filters.updated_since) | Q(revocation__revoked_at__gte=filters.updated_since)
        )
    return paginate(request, certificates.order_by("-issued_at", "-pk"), page, item=_out)


@router.post(
    "",
    response={201: CertificateOut},
    operation_id="issueCertificate",
    summary="Issue the praktijkverklaring of a trajectory in assessment (school staff of its school)",
)
def issue_certificate(request: HttpRequest, payload: IssueIn) -> Answer[Certificate]:
    require_write(request)
    user = acting_user(request)
    trajectory = get_object_or_404(Trajectory.objects.visible_to(user), pk=payload.trajectory)
    if not services.is_issuing_school_staff(user, trajectory):
        raise PermissionDenied
    certificate = services.issue(trajectory, by=user, on=payload.issued_on, language=payload.language)
    certificate = Certificate.objects.select_related("revocation").get(pk=certificate.pk)
    return Answer(201, _out(certificate))


@router.get(
    "/verify/{code}",
    response=VerificationOut,
    auth=None,
    url_name="certificate-verify",
    operation_id="verifyCertificate",
    summary="Check a praktijkverklaring by its verification code (public, rate-limited)",
    openapi_extra={"x-extra-errors": ["429"]},
)
def verify_certificate(request: HttpRequest, code: str, response: HttpResponse) -> Certificate:
    """The same facts as the public verification page, for anyone holding the code. Every answer
    takes at least WERKPLAATS_VERIFY_MIN_SECONDS; the address's requests count together with the
    page's (WERKPLAATS_VERIFY_RATE)."""
    started = time.monotonic()
    response["X-Robots-Tag"] = "noindex, nofollow"
    try:
        verdict = ratelimit.hit("verify", request, settings.WERKPLAATS_VERIFY_RATE)
        if not verdict.allowed:
            raise ApiProblem(
                429,
                _("Too many checks from your address; try again in %(seconds)s seconds.")
                % {"seconds": verdict.retry_after},
                headers={"Retry-After": str(verdict.retry_after)},
            )
        # The same query for every code, also for one that is malformed.
        certificate = (
            Certificate.objects.select_related("revocation").filter(code=normalise_code(code[:64]) or "-").first()
        )
        if certificate is None:
            raise ApiProblem(404, _("No praktijkverklaring has this verification code."))
        revocation = certificate.revoked
        certificate.status = "revoked" if revocation else "valid"  # type: ignore[attr-defined]
        certificate.revoked_on = revocation.revoked_on if revocation else None  # type: ignore[attr-defined]
        # The holder's personal data erased (AVG): no initials or surname any more.
        erased = certificate_holder_erased(certificate)
        certificate.issued_to = "" if erased else certificate.public_name  # type: ignore[attr-defined]
        return certificate
    finally:
        ratelimit.pad_to(started, settings.WERKPLAATS_VERIFY_MIN_SECONDS)


@router.get("/{number}", response=CertificateOut, operation_id="getCertificate", summary="One praktijkverklaring")
def get_certificate(request: HttpRequest, number: str) -> Certificate:
    certificate = get_object_or_404(_certificates(request).select_related("learner"), number=number[:20])
    record_view(request, certificate, subject_organisation_id=certificate.learner.organisation_id)
    return _out(certificate)

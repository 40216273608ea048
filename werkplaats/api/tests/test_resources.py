"""The organisation-level resources: qualifications with work processes, recognitions,
certificates (read, issue, verify) and partnerships' goals and indicator values."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from werkplaats.certificates import services as certificate_services
from werkplaats.certificates.models import Certificate
from werkplaats.certificates.tests.world import CertificateWorld
from werkplaats.recognitions.models import Recognition, RecognitionSource

from .helpers import ApiClient, make_token
from .test_auth import _partnership

PROBLEM = "application/problem+json"


@pytest.fixture
def api(world: CertificateWorld) -> ApiClient:
    _token, secret = make_token(world.work.municipality, world.work.consultant)
    return ApiClient(secret, language="en")


def test_a_qualification_comes_with_its_core_tasks_and_work_processes(world: CertificateWorld, api: ApiClient) -> None:
    qualification = world.trajectory.qualification
    assert qualification is not None

    body = api.get(f"/api/v1/qualifications/{qualification.pk}").json()

    assert (body["crebo"], body["dossier_crebo"], body["level"]) == ("25486", "25180", 3)
    assert [(c["code"], [w["code"] for w in c["work_processes"]]) for c in body["core_tasks"]] == [
        ("B1-K1", ["B1-K1-W1", "B1-K1-W2"]),
        ("P1-K1", ["P1-K1-W1"]),
    ]
    assert api.get("/api/v1/qualifications", {"crebo": "25486"}).json()["count"] == 1
    assert api.get("/api/v1/qualifications", {"level": 2}).json()["count"] == 0


def test_recognitions_filter_by_region_and_date(world: CertificateWorld, api: ApiClient) -> None:
    Recognition.objects.create(
        employer=world.work.employer,
        crebo="25486",
        start_date=datetime.date(2024, 1, 1),
        end_date=datetime.date(2024, 12, 31),
        source=RecognitionSource.MANUAL,
    )

    def count(**params: Any) -> int:
        return int(api.get("/api/v1/recognitions", params).json()["count"])

    assert count(region="AM01", crebo="25486") >= 1
    assert count(region="AM02", crebo="25486") == 0
    assert count(employer=world.work.employer.slug, valid_on="2024-06-01") == 1
    assert count(employer=world.work.employer.slug, valid_on="2023-06-01") == 0


def test_certificates_are_read_with_filters(world: CertificateWorld, api: ApiClient) -> None:
    certificate = certificate_services.issue(world.trajectory, by=world.school_staff)

    listed = api.get("/api/v1/certificates", {"school": world.school.slug, "status": "valid"}).json()
    detail = api.get(f"/api/v1/certificates/{certificate.number}").json()

    assert [c["number"] for c in listed["items"]] == [certificate.number]
    assert api.get("/api/v1/certificates", {"status": "revoked"}).json()["count"] == 0
    assert detail["learner_last_name"] == "Jansen"
    assert [w["code"] for c in detail["work_processes"] for w in c["work_processes"]] == ["B1-K1-W1", "B1-K1-W2"]


def test_issuing_through_the_api_uses_the_services_guards(world: CertificateWorld) -> None:
    _token, secret = make_token(world.school, world.school_staff)
    api = ApiClient(secret, language="en")

    first = api.post("/api/v1/certificates", {"trajectory": world.trajectory.pk, "language": "en"})
    second = api.post("/api/v1/certificates", {"trajectory": world.trajectory.pk})

    assert first.status_code == 201
    assert Certificate.objects.get(number=first.json()["number"]).language == "en"
    assert second.status_code == 400
    assert second["Content-Type"].startswith(PROBLEM)
    assert Certificate.objects.count() == 1


def test_goals_and_indicator_values_of_a_partnership(world: CertificateWorld, api: ApiClient) -> None:
    partnership, goal, indicator = _partnership(world)

    goals = api.get(f"/api/v1/partnerships/{partnership.slug}/goals").json()
    values = api.get(f"/api/v1/partnerships/{partnership.slug}/indicator-values", {"indicator": indicator.pk}).json()

    assert [(g["id"], [i["name"] for i in g["indicators"]]) for g in goals["items"]] == [(goal.pk, ["Uitgereikt"])]
    assert [(v["goal_id"], v["value"], v["measured_on"]) for v in values["items"]] == [(goal.pk, "12.00", "2026-03-01")]


# --- Public verification ---------------------------------------------------------------------


@pytest.mark.usefixtures("fast_verify")
def test_verification_needs_no_token_and_shows_the_public_facts(world: CertificateWorld) -> None:
    certificate = certificate_services.issue(world.trajectory, by=world.school_staff)

    response = ApiClient(language="en").get(f"/api/v1/certificates/verify/{certificate.grouped_code.lower()}")

    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["number"], body["issued_to"]) == ("valid", certificate.number, "N. Jansen")
    assert "learner_date_of_birth" not in body
    assert response["X-Robots-Tag"] == "noindex, nofollow"


@pytest.mark.usefixtures("fast_verify")
def test_verification_of_a_revoked_and_an_unknown_code(world: CertificateWorld) -> None:
    certificate = certificate_services.issue(world.trajectory, by=world.school_staff)
    certificate_services.revoke(certificate, by=world.school_staff, reason="Fout", on=timezone.localdate())
    client = ApiClient(language="en")

    revoked = client.get(f"/api/v1/certificates/verify/{certificate.code}").json()
    unknown = client.get("/api/v1/certificates/verify/0000-0000-0000-0000")

    assert (revoked["status"], revoked["revoked_on"]) == ("revoked", timezone.localdate().isoformat())
    assert unknown.status_code == 404
    assert unknown["Content-Type"].startswith(PROBLEM)


def test_verification_is_rate_limited(world: CertificateWorld, settings: Any) -> None:
    settings.WERKPLAATS_VERIFY_MIN_SECONDS = 0
    settings.WERKPLAATS_VERIFY_RATE = "2/60"
    client = ApiClient(language="en")

    statuses = [client.get("/api/v1/certificates/verify/0000-0000-0000-0000").status_code for _ in range(3)]
    limited = client.get("/api/v1/certificates/verify/0000-0000-0000-0000")

    assert statuses == [404, 404, 429]
    assert limited["Content-Type"].startswith(PROBLEM)
    assert 1 <= int(limited["Retry-After"]) <= 60

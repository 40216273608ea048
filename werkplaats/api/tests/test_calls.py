"""What every call gets: problem+json errors in the request's language, the API-Version header,
ETags, pagination with a stable order and constant query counts, and an audit entry."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.utils.translation import gettext

from werkplaats.api.api import API_VERSION
from werkplaats.audit.models import Action, AuditLogEntry
from werkplaats.certificates import services as certificate_services
from werkplaats.certificates.tests.world import CertificateWorld, another_ready_trajectory
from werkplaats.organisations.models import Role
from werkplaats.organisations.tests.factories import OrganisationFactory, member_of
from werkplaats.qualifications.models import Qualification
from werkplaats.recognitions.models import Recognition, RecognitionSource

from .helpers import ApiClient, make_token

PROBLEM = "application/problem+json"


@pytest.fixture
def api(world: CertificateWorld) -> ApiClient:
    _token, secret = make_token(world.work.municipality, world.work.consultant, name="Suite Haren")
    return ApiClient(secret)


@pytest.mark.parametrize("language", ["nl", "en"])
def test_a_validation_error_is_a_problem_in_the_requests_language(world: CertificateWorld, language: str) -> None:
    _token, secret = make_token(world.work.municipality, world.work.consultant)
    with translation.override(language):
        title, message = gettext("Invalid request"), gettext("Enter a whole number.")

    response = ApiClient(secret, language=language).get("/api/v1/organisations", {"limit": "veel"})

    assert response.status_code == 400
    assert response["Content-Type"].startswith(PROBLEM)
    assert response["Content-Language"] == language
    body = response.json()
    assert {k: body[k] for k in ("type", "title", "status", "instance")} == {
        "type": "about:blank",
        "title": title,
        "status": 400,
        "instance": "/api/v1/organisations?limit=veel",
    }
    assert body["detail"]
    assert body["errors"] == [
        {"in": "query", "field": "limit", "pointer": "/limit", "code": "int_parsing", "message": message}
    ]


def test_a_body_error_names_the_field(world: CertificateWorld) -> None:
    _token, secret = make_token(world.school, world.school_staff)

    response = ApiClient(secret, language="en").post("/api/v1/certificates", {"trajectory": "x", "language": "fr"})

    assert response.status_code == 400
    fields = {(e["in"], e["field"]) for e in response.json()["errors"]}
    assert fields == {("body", "trajectory"), ("body", "language")}


def test_a_body_that_is_not_json_is_a_problem_that_says_so(world: CertificateWorld) -> None:
    _token, secret = make_token(world.school, world.school_staff)
    api = ApiClient(secret, language="en")

    response = api.client.post("/api/v1/certificates", "not json", content_type="application/json", headers=api.headers)

    assert response.status_code == 400
    assert response["Content-Type"].startswith(PROBLEM)
    assert response.json()["errors"] == [
        {"in": "body", "field": "", "pointer": "", "code": "json_invalid", "message": "The body is not valid JSON."}
    ]


def test_a_choice_error_lists_the_choices_without_english_words(world: CertificateWorld) -> None:
    _token, secret = make_token(world.school, world.school_staff)

    response = ApiClient(secret).post("/api/v1/certificates", {"trajectory": 1, "language": "fr"})

    assert response.status_code == 400
    (error,) = [e for e in response.json()["errors"] if e["field"] == "language"]
    assert error["message"].startswith("Kies een van: ")
    assert " or " not in error["message"]


def test_a_services_refusal_is_a_400_with_its_messages(world: CertificateWorld) -> None:
    _token, secret = make_token(world.school, world.school_staff)
    tomorrow = (datetime.date.today() + datetime.timedelta(days=2)).isoformat()

    response = ApiClient(secret, language="en").post(
        "/api/v1/certificates", {"trajectory": world.trajectory.pk, "issued_on": tomorrow}
    )

    assert response.status_code == 400
    assert {"field": "issued_on", "message": "The date of issue cannot be in the future."}.items() <= (
        response.json()["errors"][0].items()
    )
    assert not world.trajectory.certificates.exists()


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("get", "/api/v1/no-such-thing", 404),
        ("get", "/api/v1/organisations/", 404),
        ("get", "/api/v1/qualifications/99999999", 404),
        ("get", "/api/v1/qualifications/99999999999999999999", 400),
        ("get", "/api/v1/organisations?region=%00", 400),
        ("post", "/api/v1/organisations", 405),
        ("post", "/api/v1/openapi.json", 405),
        ("get", "/api/v1/", 404),
    ],
)
def test_every_error_is_a_problem_with_the_api_version(api: ApiClient, method: str, path: str, status: int) -> None:
    response = getattr(api, method)(path)

    assert response.status_code == status
    assert response["Content-Type"].startswith(PROBLEM)
    assert response["API-Version"] == API_VERSION
    assert response.json()["status"] == status


def test_a_not_found_is_in_dutch_by_default(api: ApiClient) -> None:
    api.headers.pop("Accept-Language")

    response = api.get("/api/v1/organisations/no-such")

    assert (response.json()["title"], response["Content-Language"]) == ("Niet gevonden", "nl")


def test_a_successful_answer_has_the_api_version_and_an_etag(api: ApiClient) -> None:
    first = api.get("/api/v1/organisations")
    again = api.get("/api/v1/organisations", None, **{"If-None-Match": first["ETag"]})

    assert first.status_code == 200
    assert first["API-Version"] == API_VERSION
    assert again.status_code == 304
    assert api.get("/api/v1/openapi.json")["API-Version"] == API_VERSION


def test_the_interactive_documentation_uses_only_local_files(api: ApiClient) -> None:
    response = api.get("/api/v1/docs")
    html = response.content.decode()

    assert response.status_code == 200
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower()
    assert "<script>" not in html  # no inline script: the CSP forbids it
    assert "script-src 'self'" in response["Content-Security-Policy"]


# --- Pagination ------------------------------------------------------------------------------


def _recognitions(employer_count: int) -> None:
    for _n in range(employer_count):
        employer = OrganisationFactory.create(name="Zelfde naam", slug=uuid.uuid4().hex, employer=True)
        Recognition.objects.create(
            employer=employer, crebo="25486", start_date=datetime.date(2025, 1, 1), source=RecognitionSource.MANUAL
        )


def test_pages_follow_each_other_in_a_stable_order(world: CertificateWorld, api: ApiClient) -> None:
    _recognitions(7)  # equal employer names, crebo and start date: only the key orders them
    seen: list[int] = []
    url = "/api/v1/recognitions?limit=3&crebo=25486"
    while url:
        page = api.get(url).json()
        seen += [r["id"] for r in page["items"]]
        url = page["next"]
    again = [r["id"] for r in api.get("/api/v1/recognitions", {"limit": 100, "crebo": "25486"}).json()["items"]]

    assert len(seen) == 7 == len(set(seen))
    assert seen == again
    assert api.get("/api/v1/recognitions", {"limit": 3, "offset": 3}).json()["previous"].endswith("limit=3&offset=0")


def test_updated_since_filters(world: CertificateWorld, api: ApiClient) -> None:
    _recognitions(2)
    future = "2999-01-01T00:00:00+01:00"

    assert api.get("/api/v1/recognitions", {"updated_since": "2000-01-01T00:00:00Z"}).json()["count"] == 2
    assert api.get("/api/v1/recognitions", {"updated_since": future}).json()["count"] == 0
    assert api.get("/api/v1/organisations", {"updated_since": future}).json()["count"] == 0
    assert api.get("/api/v1/recognitions", {"updated_since": "gisteren"}).status_code == 400


def _queries(api: ApiClient, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = api.get(path, {"limit": 200})
    assert response.status_code == 200, response.content
    return len(queries)


def test_lists_cost_the_same_number_of_queries_at_two_sizes(world: CertificateWorld) -> None:
    coordinator_org = world.coordinator.memberships.get().organisation
    _token, secret = make_token(coordinator_org, world.coordinator)
    api = ApiClient(secret)
    certificate_services.issue(world.trajectory, by=world.school_staff)
    _recognitions(1)
    paths = ["/api/v1/organisations", "/api/v1/qualifications", "/api/v1/recognitions", "/api/v1/certificates"]
    api.get("/api/v1/organisations")  # records last_used_at, once a minute
    small = {path: _queries(api, path) for path in paths}

    for n in range(3):
        certificate_services.issue(another_ready_trajectory(world, f"Extra{n}"), by=world.school_staff)
        OrganisationFactory.create(region=world.work.municipality.region)
        Qualification.objects.create(file=world.trajectory.qualification.file, crebo=f"9999{n}", name="X", level=2)  # type: ignore[union-attr]
    _recognitions(3)
    large = {path: _queries(api, path) for path in paths}

    assert api.get("/api/v1/certificates").json()["count"] == 4
    assert large == small


# --- Audit -------------------------------------------------------------------------------------


def test_every_call_is_audited_with_the_tokens_name(world: CertificateWorld, api: ApiClient) -> None:
    api.get("/api/v1/organisations", {"kind": "municipality"})
    api.get("/api/v1/organisations/no-such")

    entries = list(AuditLogEntry.objects.filter(actor_label__contains="Suite Haren").order_by("id"))
    assert [(e.action, e.changes["path"], e.changes["status"]) for e in entries] == [
        (Action.VIEW, "/api/v1/organisations", 200),
        (Action.VIEW, "/api/v1/organisations/no-such", 404),
    ]
    assert entries[0].changes["query"] == "kind=municipality"
    assert entries[0].organisation_id == world.work.municipality.pk
    assert "consulent@haren.example.nl" in entries[0].actor_label


def test_reading_a_certificate_is_audited_like_the_page(world: CertificateWorld, api: ApiClient) -> None:
    certificate = certificate_services.issue(world.trajectory, by=world.school_staff)

    api.get(f"/api/v1/certificates/{certificate.number}")

    viewed = AuditLogEntry.objects.filter(
        action=Action.VIEW, content_type__model="certificate", object_id=str(certificate.pk)
    ).get()
    assert "Suite Haren" in viewed.actor_label
    assert viewed.subject_organisation_id == world.work.municipality.pk


def test_a_write_through_the_api_is_audited_with_the_token(world: CertificateWorld) -> None:
    _token, secret = make_token(world.school, world.school_staff, name="Schoolsysteem")

    response = ApiClient(secret).post("/api/v1/certificates", {"trajectory": world.trajectory.pk})

    assert response.status_code == 201, response.content
    number = response.json()["number"]
    created = AuditLogEntry.objects.filter(action=Action.CREATE, object_repr=number).get()
    assert "Schoolsysteem" in created.actor_label
    assert response.json()["status"] == "valid"


def test_an_unauthenticated_call_is_not_audited(world: CertificateWorld) -> None:
    before = AuditLogEntry.objects.count()

    ApiClient("wpk_unknown").get("/api/v1/organisations")

    assert AuditLogEntry.objects.count() == before


def test_a_coordinator_sees_the_regions_organisations(world: CertificateWorld) -> None:
    member_of(OrganisationFactory.create(name="Ver weg"), Role.CONSULTANT)
    _token, secret = make_token(world.coordinator.memberships.get().organisation, world.coordinator)

    names = {o["name"] for o in ApiClient(secret).get("/api/v1/organisations", {"region": "AM01"}).json()["items"]}

    assert {"Gemeente Haren", "ESKA", "Regio Groningen"} <= names
    assert "Ver weg" not in names


def test_a_token_over_its_rate_gets_a_429(world: CertificateWorld, api: ApiClient, settings: Any) -> None:
    settings.WERKPLAATS_API_RATE = "2/60"

    statuses = [api.get("/api/v1/organisations").status_code for _ in range(3)]
    limited = api.get("/api/v1/organisations")

    assert statuses == [200, 200, 429]
    assert limited["Content-Type"].startswith(PROBLEM)
    assert 1 <= int(limited["Retry-After"]) <= 60

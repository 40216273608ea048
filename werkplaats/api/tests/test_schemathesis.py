"""schemathesis against the live OpenAPI document: every operation (also those added later, as it
reads the document the API serves) gets generated requests with a valid read-write token, in the
positive and the negative mode. No answer may be a server error, and every answer must match the
document: its status, content type, body schema and headers.

Bounded: ``MAX_EXAMPLES`` per operation and mode, no deadline (the machine is shared). About a
minute on a 2-core machine for some thirty operations."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

import pytest
import schemathesis
from django.http import HttpResponse
from django.test import Client
from django.test.client import ClientHandler
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from werkplaats.certificates.tests.world import CertificateWorld

from .helpers import make_token

MAX_EXAMPLES = 8
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]


def _wsgi_app() -> Any:
    """The project as a WSGI application that, like the test client, keeps the test's database
    connection (and transaction) open between requests."""
    handler = ClientHandler(enforce_csrf_checks=False)

    def app(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        response = cast(HttpResponse, handler(environ))
        start_response(f"{response.status_code} {response.reason_phrase}", list(response.items()))
        return [response.content]

    return app


@pytest.fixture
def verify_unlimited(settings: Any) -> None:
    settings.WERKPLAATS_VERIFY_MIN_SECONDS = 0
    settings.WERKPLAATS_VERIFY_RATE = "100000/60"
    settings.WERKPLAATS_API_RATE = "100000/60"


@pytest.mark.usefixtures("verify_unlimited")
def test_the_api_keeps_to_its_openapi_document(world: CertificateWorld) -> None:
    _token, secret = make_token(world.school, world.school_staff, name="schemathesis")
    document = Client().get("/api/v1/openapi.json").json()
    schema = schemathesis.openapi.from_dict(document)
    schema.app = _wsgi_app()
    headers = {"Authorization": f"Bearer {secret}"}
    operations = [result.ok() for result in schema.get_all_operations()]  # type: ignore[union-attr]
    assert len(operations) >= 10

    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(
                max_examples=MAX_EXAMPLES,
                deadline=None,
                database=None,
                derandomize=True,
                suppress_health_check=list(HealthCheck),
            )
            def run(case: Any) -> None:
                case.call_and_validate(headers=headers, checks=CHECKS)

            try:
                run()
            except Unsatisfiable:
                # An operation whose every input is valid (a free-text path parameter) has no
                # negative cases to generate.
                assert mode == GenerationMode.NEGATIVE, operation.label

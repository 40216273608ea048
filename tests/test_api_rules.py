"""The generated OpenAPI document against the API Design Rules (Logius, NL API strategy) that a
program can check. Each rule is its own test and names every path that breaks it."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

import pytest
from django.test import Client

METHODS = {"get", "put", "post", "delete", "patch", "head", "options"}
KEBAB = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
PARAMETER = re.compile(r"^\{[A-Za-z_][A-Za-z0-9_]*\}$")


@pytest.fixture(scope="module")
def document(django_db_blocker: Any) -> dict[str, Any]:
    with django_db_blocker.unblock():
        response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    return dict(response.json())


def _operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (path, method, operation)
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if method in METHODS
    ]


def test_the_document_is_openapi_3(document: dict[str, Any]) -> None:
    """API-16: document the API in OpenAPI 3."""
    assert document["openapi"].startswith("3.")


def test_the_document_has_a_version_and_contact(document: dict[str, Any]) -> None:
    """API-56/57: semantic version in info.version; contact information."""
    assert re.fullmatch(r"\d+\.\d+\.\d+", document["info"]["version"])
    assert document["info"].get("contact"), "info.contact is missing"


def test_the_major_version_is_in_every_path(document: dict[str, Any]) -> None:
    """API-20: the major version in the URI."""
    major = "v" + document["info"]["version"].split(".")[0]
    wrong = [path for path in document["paths"] if not path.startswith(f"/api/{major}/")]
    assert not wrong, f"paths without /api/{major}/: {wrong}"


def test_no_path_ends_with_a_slash(document: dict[str, Any]) -> None:
    """API-48: no trailing slashes."""
    wrong = [path for path in document["paths"] if path.endswith("/")]
    assert not wrong, f"paths with a trailing slash: {wrong}"


def test_path_segments_are_kebab_case(document: dict[str, Any]) -> None:
    """API-05/API-54: resource names are nouns in kebab-case (lower case, hyphens)."""
    wrong = [
        f"{path} ({segment})"
        for path in document["paths"]
        for segment in path.strip("/").split("/")
        if not (KEBAB.match(segment) or PARAMETER.match(segment))
    ]
    assert not wrong, f"segments that are not kebab-case: {wrong}"


def test_every_operation_has_a_unique_operation_id(document: dict[str, Any]) -> None:
    ids = [operation.get("operationId") for _path, _method, operation in _operations(document)]
    missing = [
        f"{method.upper()} {path}"
        for path, method, operation in _operations(document)
        if not operation.get("operationId")
    ]
    duplicates = [operation_id for operation_id, n in Counter(ids).items() if operation_id and n > 1]
    assert not missing, f"operations without operationId: {missing}"
    assert not duplicates, f"operationIds used more than once: {duplicates}"


def test_every_operation_documents_problem_json_errors(document: dict[str, Any]) -> None:
    """API-46/API-51: errors as application/problem+json (RFC 9457), at least 400, 404 and 500."""
    wrong = []
    for path, method, operation in _operations(document):
        responses = operation.get("responses", {})
        for code in ("400", "404", "500"):
            content = responses.get(code, {}).get("content", {})
            if "application/problem+json" not in content:
                wrong.append(f"{method.upper()} {path}: {code}")
        for code, response in responses.items():
            if code.startswith(("4", "5")) and set(response.get("content", {})) != {"application/problem+json"}:
                wrong.append(f"{method.upper()} {path}: {code} is not only problem+json")
    assert not wrong, f"error responses missing or not problem+json: {wrong}"


def test_secured_operations_document_401_and_403(document: dict[str, Any]) -> None:
    wrong = [
        f"{method.upper()} {path}"
        for path, method, operation in _operations(document)
        if operation.get("security") and not {"401", "403"} <= set(operation.get("responses", {}))
    ]
    assert not wrong, f"secured operations without 401 and 403: {wrong}"


def test_every_response_documents_the_api_version_header(document: dict[str, Any]) -> None:
    """API-57: the API-Version header on every response."""
    wrong = [
        f"{method.upper()} {path}: {code}"
        for path, method, operation in _operations(document)
        for code, response in operation.get("responses", {}).items()
        if "API-Version" not in response.get("headers", {})
    ]
    assert not wrong, f"responses without the API-Version header: {wrong}"


def test_the_api_uses_bearer_tokens(document: dict[str, Any]) -> None:
    schemes = document["components"].get("securitySchemes", {})
    assert any(s.get("type") == "http" and s.get("scheme") == "bearer" for s in schemes.values())


def test_the_live_api_sends_the_version_header(db: None) -> None:
    """API-57 on the wire, also for errors."""
    client = Client()
    for path in ("/api/v1/openapi.json", "/api/v1/organisations", "/api/v1/no-such-thing"):
        response = client.get(path)
        assert response["API-Version"], path

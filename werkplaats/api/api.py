"""The REST API (``/api/v1/``): one NinjaAPI, its routers, and its OpenAPI document.

The OpenAPI document is completed here for the rules of the Dutch government's API Design
Rules: every operation documents its problem+json error responses, every response the
``API-Version`` header. See ``tests/test_api_rules.py``.
"""

from __future__ import annotations

import importlib
from http import HTTPStatus
from typing import Any

from ninja import NinjaAPI, Router
from ninja.openapi.docs import Swagger
from ninja.openapi.schema import OpenAPISchema

from . import problems
from .auth import ApiTokenAuth
from .schemas import Problem

API_VERSION = "1.0.0"
MAJOR_VERSION = "v1"

_ERROR_DESCRIPTIONS = {
    "400": "The request is not valid; `errors` says where and why.",
    "401": "No valid API token (unknown, expired or revoked).",
    "403": "The token may not do this (read-only, or its role is too low).",
    "404": "The resource does not exist, or the token's organisation may not see it.",
    "409": "The resource changed meanwhile, or the request conflicts with its state.",
    "429": "Too many requests; see Retry-After.",
    "500": "An unexpected error on the server.",
}


class WerkplaatsAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: Any = None) -> OpenAPISchema:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        _complete(schema)
        return schema


def _complete(schema: dict[str, Any]) -> None:
    components = schema.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    problem = Problem.model_json_schema(ref_template="#/components/schemas/{model}", by_alias=True)
    schemas.update(problem.pop("$defs", {}))
    schemas["Problem"] = problem
    components.setdefault("headers", {})["API-Version"] = {
        "description": "The full version of the API that answered (semantic versioning).",
        "required": True,
        "schema": {"type": "string", "example": API_VERSION},
    }
    version_header = {"API-Version": {"$ref": "#/components/headers/API-Version"}}
    problem_content = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
    for path_item in schema.get("paths", {}).values():
        for method, operation in path_item.items():
            responses = operation.setdefault("responses", {})
            codes = ["400", "404", "500"]
            if operation.get("security"):
                codes += ["401", "403", "429"]
            if method != "get" and "403" not in codes:
                codes.append("403")
            codes += operation.pop("x-extra-errors", [])
            for code in codes:
                description = _ERROR_DESCRIPTIONS.get(code) or HTTPStatus(int(code)).phrase
                responses.setdefault(code, {"description": description, "content": problem_content})
            for response in responses.values():
                response.setdefault("headers", {}).update(version_header)


api = WerkplaatsAPI(
    title="Werkplaats API",
    version=API_VERSION,
    description=(
        "The Werkplaats REST API. Authenticate with an API token of your organisation: "
        "`Authorization: Bearer <token>`. Lists are paginated with `limit` and `offset`; errors are "
        "application/problem+json (RFC 9457) in the language of `Accept-Language` (Dutch by default)."
    ),
    urls_namespace="api",
    auth=ApiTokenAuth(),
    docs=Swagger(settings={"validatorUrl": None, "persistAuthorization": False}),
    openapi_extra={
        "info": {
            "contact": {"name": "Werkplaats", "url": "https://github.com/werkplaats"},
            "license": {"name": "EUPL-1.2", "url": "https://eupl.eu/1.2/en/"},
        }
    },
)
problems.install(api)


def _register(module: str, prefix: str, tag: str) -> None:
    router: Router = importlib.import_module(module).router
    api.add_router(prefix, router, tags=[tag])


_register("werkplaats.api.routers.organisations", "/organisations", "organisations")
_register("werkplaats.api.routers.qualifications", "/qualifications", "qualifications")
_register("werkplaats.api.routers.recognitions", "/recognitions", "recognitions")
_register("werkplaats.api.routers.certificates", "/certificates", "certificates")
_register("werkplaats.api.routers.partnerships", "/partnerships", "partnerships")
# Learners, trajectories and their work (another module's own routes, each with its own prefix).
api.add_router("", importlib.import_module("werkplaats.api.routers.trajectories").router)

"""The REST API's URLs (mounted at /api/v1/): ninja's patterns, each wrapped by ``api_call``,
and a problem+json 404 for every other address under the API."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, re_path
from django.views.decorators.http import require_safe

from .api import api
from .calls import api_call, not_found

app_name = "api"

# Operations that must not run inside the request's transaction (the verification pads its
# answer time with a sleep, which may not hold a transaction open).
NON_ATOMIC = frozenset({"certificate-verify"})
# ninja's document and documentation pages answer any method; they are for reading only.
READ_ONLY_PAGES = frozenset({"openapi-json", "openapi-view"})


def _wrapped(patterns: list[URLPattern | URLResolver]) -> list[URLPattern | URLResolver]:
    result: list[URLPattern | URLResolver] = []
    for pattern in patterns:
        if isinstance(pattern, URLPattern):
            callback = require_safe(pattern.callback) if pattern.name in READ_ONLY_PAGES else pattern.callback
            view = api_call(callback, atomic=pattern.name not in NON_ATOMIC)
            result.append(URLPattern(pattern.pattern, view, pattern.default_args, pattern.name))
        else:
            result.append(pattern)
    return result


_patterns, _app_name, _namespace = api.urls

urlpatterns: list[URLPattern | URLResolver] = [
    *_wrapped(_patterns),
    re_path(r"^.*$", api_call(not_found), name="not-found"),
]

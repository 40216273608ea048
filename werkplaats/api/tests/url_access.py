"""This app's part of the URL-walking access test (tests/test_url_access.py).

The token pages are for the organisation's administrators. The REST API under /api/v1/ does not
use the session login that test walks with: it wants a token, so every session user (anonymous
or an outsider alike) gets a 401 there. Its object URLs are therefore left out of the session
walk and walked with tokens instead, operation by operation from the live OpenAPI document, in
part (d) of tests/test_url_access.py; its public parts are listed here.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from werkplaats.api.models import ApiToken
from werkplaats.api.services import create_token


def token(w: Any) -> ApiToken:
    found = ApiToken.objects.filter(organisation=w.organisation, name="URL-walk").first()
    if found is None:
        found, _secret = create_token(
            w.organisation,
            by=w.admin,
            name="URL-walk",
            read_only=True,
            expires_at=timezone.now() + datetime.timedelta(days=30),
        )
    return found


def _api_routes_with_parameters() -> list[str]:
    """Keys ("api:<name>") of the API's URL patterns that take parameters."""
    keys: list[str] = []
    for top in get_resolver().url_patterns:
        if isinstance(top, URLResolver) and top.namespace == "api":
            for pattern in top.url_patterns:
                if isinstance(pattern, URLPattern) and pattern.pattern.converters and pattern.name:
                    keys.append(f"api:{pattern.name}")
    return keys


KWARGS: dict[str, Callable[[Any], dict[str, Any]]] = {
    "api-tokens:list": lambda w: {"slug": w.organisation.slug},
    "api-tokens:create": lambda w: {"slug": w.organisation.slug},
    "api-tokens:revoke": lambda w: {"slug": w.organisation.slug, "pk": token(w).pk},
    "api:certificate-verify": lambda w: {"code": "NOSU-CHCO-DE00-0000"},
}
# Pages for an organisation's administrators (RESTRICTED to tests/test_url_access.py's ``_admin``).
FOR_ADMINS = ("api-tokens:list", "api-tokens:create", "api-tokens:revoke")
RESTRICTED: dict[str, Callable[[Any], Any]] = {}
PUBLIC: dict[str, str] = {
    "api:certificate-verify": "anyone holding a praktijkverklaring checks it; the API answers as the public page does",
    "api:openapi-json": "the API's OpenAPI document is published openly, as the API Design Rules ask",
    "api:openapi-view": "the API's interactive documentation; calls made from it still need a token",
}
_TOKENS = (
    "the REST API authenticates with API tokens, not the session; every operation is walked with "
    "tokens in part (d) of tests/test_url_access.py"
)
EXCLUDED: dict[str, str] = {key: _TOKENS for key in _api_routes_with_parameters() if key not in PUBLIC}

"""What happens around every API call, whatever operation it reaches.

``api_call`` wraps each of the API's URL patterns (see ``urls``):

- a token over its rate (``WERKPLAATS_API_RATE``, default 1200 calls a minute) gets a 429;
- input no database accepts (NUL characters) is a 400 before anything runs;
- the token is looked up, a read-only token is refused any unsafe method (403), and the call
  runs with the token as the actor of audit entries;
- the operation runs in a savepoint that is rolled back when the answer is an error, so that an
  error never leaves half a change behind;
- every error leaves as problem+json (also the 405 and 404 that ninja and Django make
  themselves), every answer carries ``API-Version``, and a JSON answer to GET an ``ETag``
  (``If-None-Match`` gives a 304);
- every call with a valid token is recorded in the audit log, with the token's name.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from contextlib import nullcontext
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotModified
from django.http.response import HttpResponseBase
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from werkplaats.audit.context import acting_as
from werkplaats.audit.models import Action
from werkplaats.audit.recorder import record
from werkplaats.core import ratelimit

from .api import API_VERSION
from .auth import audit_actor, token_for_request
from .models import ApiToken
from .problems import is_problem, problem_response

logger = logging.getLogger(__name__)

# Calls per token (and client address) per window in seconds; the setting WERKPLAATS_API_RATE overrides it.
DEFAULT_RATE = "1200/60"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_ACTIONS = {"POST": Action.CREATE, "PUT": Action.UPDATE, "PATCH": Action.UPDATE, "DELETE": Action.DELETE}

View = Callable[..., HttpResponseBase]


def _refusal(request: HttpRequest) -> HttpResponseBase | None:
    """A problem response for input that must not reach an operation, else None."""
    has_nul = "\x00" in request.path or any(
        "\x00" in key or any("\x00" in value for value in values) for key, values in request.GET.lists()
    )
    if request.method not in SAFE_METHODS:
        try:
            body = request.body
        except RequestDataTooBig:
            return problem_response(request, 413, _("The request body is too large."))
        has_nul = has_nul or b"\x00" in body or b"\\u0000" in body
    if has_nul:
        return problem_response(request, 400, _("The request contains a NUL character, which no field accepts."))
    return None


def _over_rate(request: HttpRequest, token: ApiToken) -> HttpResponseBase | None:
    """A 429 when the token made more calls than WERKPLAATS_API_RATE allows (per token and address)."""
    rate = getattr(settings, "WERKPLAATS_API_RATE", DEFAULT_RATE)
    verdict = ratelimit.hit(f"api-token:{token.pk}", request, rate)
    if verdict.allowed:
        return None
    return problem_response(
        request,
        429,
        _("Too many requests with this token; try again in %(seconds)s seconds.") % {"seconds": verdict.retry_after},
        headers={"Retry-After": str(verdict.retry_after)},
    )


def _run(view: View, request: HttpRequest, args: Any, kwargs: Any, *, atomic: bool) -> HttpResponseBase:
    try:
        if not atomic:
            return view(request, *args, **kwargs)
        with transaction.atomic():
            response = view(request, *args, **kwargs)
            if response.status_code >= 400:
                transaction.set_rollback(True)
            return response
    except Http404:
        return problem_response(request, 404)
    except Exception:  # outside an operation (ninja's own pages): still a problem, never a bare 500
        logger.exception("API error on %s %s", request.method, request.path)
        return problem_response(request, 500)


def _as_problem(request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
    if response.status_code < 400 or (isinstance(response, HttpResponse) and is_problem(response)):
        return response
    allow = response.get("Allow")
    return problem_response(request, response.status_code, headers={"Allow": allow} if allow else None)


def _finish(request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
    if (
        request.method == "GET"
        and response.status_code == 200
        and isinstance(response, HttpResponse)
        and response.get("Content-Type", "").startswith("application/json")
    ):
        etag = '"' + hashlib.sha256(response.content).hexdigest()[:32] + '"'
        if etag in [tag.strip() for tag in request.headers.get("If-None-Match", "").split(",")]:
            response = HttpResponseNotModified()
        response["ETag"] = etag
    response["API-Version"] = API_VERSION
    if not response.has_header("Content-Language"):
        response["Content-Language"] = get_language() or "nl"
    patch_vary_headers(response, ["Accept-Language", "Authorization"])
    return response


def _audit(request: HttpRequest, token: ApiToken, response: HttpResponseBase) -> None:
    path = request.path
    record(
        _ACTIONS.get(request.method or "", Action.VIEW),
        token,
        changes={
            "method": request.method,
            "path": path,
            "query": request.META.get("QUERY_STRING", "")[:500],
            "status": response.status_code,
        },
        subject_organisation_id=token.organisation_id,
        object_repr=f"{request.method} {path} → {response.status_code}",
    )


def api_call(view: View, *, atomic: bool = True) -> View:
    @wraps(view)
    def call(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        response = _refusal(request)
        if response is not None:
            return _finish(request, response)
        token = token_for_request(request)
        with acting_as(audit_actor(token, request)) if token is not None else nullcontext():
            if token is not None and (limited := _over_rate(request, token)) is not None:
                response = limited
            elif token is not None and token.read_only and request.method not in SAFE_METHODS:
                response = problem_response(request, 403, _("This token is read-only; it cannot change anything."))
            else:
                response = _as_problem(request, _run(view, request, args, kwargs, atomic=atomic))
            if token is not None:
                _audit(request, token, response)
        return _finish(request, response)

    call.csrf_exempt = True  # type: ignore[attr-defined]  # tokens, not cookies: no CSRF
    if not atomic:
        return transaction.non_atomic_requests(call)
    return call


def not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
    """Any other address under /api/v1/: a problem, not the site's HTML 404 page."""
    return problem_response(request, 404)

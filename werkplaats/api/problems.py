"""Errors as ``application/problem+json`` (RFC 9457), in the request's language.

Every error of the API, whoever raises it, leaves through ``problem_response``: ninja's
validation errors and Django's ``ValidationError`` become a 400 with an ``errors`` list (where
the problem is and what is wrong), ``Http404``/``DoesNotExist`` a 404, ``PermissionDenied`` a 403,
a missing or unusable token a 401, and anything unexpected a 500 that says nothing about the
cause (the cause goes to the log).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Mapping
from http import HTTPStatus
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ObjectDoesNotExist, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError

logger = logging.getLogger(__name__)

PROBLEM_CONTENT_TYPE = "application/problem+json"


class ReadOnlyToken(PermissionDenied):
    """A read-only token tried to change something."""


class ApiProblem(Exception):
    """Raise from an operation for an error with its own status and detail, e.g.
    ``raise ApiProblem(409, _("The trajectory was changed by someone else."))``."""

    def __init__(
        self,
        status: int,
        detail: str,
        *,
        errors: list[dict[str, Any]] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        self.status = status
        self.detail = detail
        self.errors = errors
        self.headers = headers
        super().__init__(status, detail)


def title_for(status: int) -> str:
    titles = {
        400: _("Invalid request"),
        401: _("Not authenticated"),
        403: _("Not allowed"),
        404: _("Not found"),
        405: _("Method not allowed"),
        406: _("Not acceptable"),
        409: _("Conflict"),
        413: _("Request too large"),
        415: _("Unsupported media type"),
        429: _("Too many requests"),
        500: _("Internal server error"),
    }
    if status in titles:
        return titles[status]
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return _("Error")


def default_detail(status: int) -> str:
    details = {
        400: _("The request contains errors; see the list of errors."),
        401: _("Send a valid API token: Authorization: Bearer <token>. It may be unknown, expired or revoked."),
        403: _("Your token may not do this."),
        404: _("This resource does not exist, or your token may not see it."),
        405: _("This resource does not support this method."),
        429: _("Too many requests; wait before trying again."),
        500: _("Something went wrong on our side. The error has been logged."),
    }
    return details.get(status, title_for(status))


def problem_response(
    request: HttpRequest,
    status: int,
    detail: str | None = None,
    *,
    errors: list[dict[str, Any]] | None = None,
    headers: Mapping[str, str] | None = None,
) -> HttpResponse:
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": title_for(status),
        "status": status,
        "detail": detail if detail is not None else default_detail(status),
        "instance": request.get_full_path()[:2000],
    }
    if errors is not None:
        body["errors"] = errors
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False), status=status, content_type=f"{PROBLEM_CONTENT_TYPE}; charset=utf-8"
    )
    response["Content-Language"] = get_language() or "nl"
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="werkplaats"'
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def is_problem(response: HttpResponse) -> bool:
    return response.get("Content-Type", "").startswith(PROBLEM_CONTENT_TYPE)


# --- Validation errors ------------------------------------------------------------------------


def _message(error: Mapping[str, Any]) -> str:
    """A translated message for one pydantic error (pydantic's own messages are English only)."""
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return _("This field is required.")
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return _("Enter a whole number.")
    if kind in ("float_parsing", "float_type", "decimal_parsing", "decimal_type"):
        return _("Enter a number.")
    if kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        bound = ctx.get("ge", ctx.get("gt", ctx.get("le", ctx.get("lt"))))
        if kind == "greater_than_equal":
            return _("Enter a value of at least %(bound)s.") % {"bound": bound}
        if kind == "greater_than":
            return _("Enter a value greater than %(bound)s.") % {"bound": bound}
        if kind == "less_than_equal":
            return _("Enter a value of at most %(bound)s.") % {"bound": bound}
        return _("Enter a value less than %(bound)s.") % {"bound": bound}
    if kind == "string_too_long":
        return _("Enter at most %(count)s characters.") % {"count": ctx.get("max_length")}
    if kind == "string_too_short":
        return _("Enter at least %(count)s characters.") % {"count": ctx.get("min_length")}
    if kind in ("string_type", "string_unicode"):
        return _("Enter text.")
    if kind.startswith("date") and "datetime" not in kind:
        return _("Enter a date as YYYY-MM-DD.")
    if kind.startswith("datetime") or kind.startswith("timezone"):
        return _("Enter a date and time as YYYY-MM-DDThh:mm:ss, with a time zone such as +01:00 or Z.")
    if kind in ("bool_parsing", "bool_type"):
        return _("Enter true or false.")
    if kind in ("enum", "literal_error"):
        # pydantic lists the choices as "'a', 'b' or 'c'", in English.
        choices = str(ctx.get("expected", "")).replace(" or ", ", ")
        return _("Choose one of: %(choices)s.") % {"choices": choices}
    if kind == "json_invalid":
        return _("The body is not valid JSON.")
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return _("Send a JSON object.")
    if kind in ("list_type", "too_long", "too_short"):
        return _("Send a list of the right length.")
    if kind == "value_error":
        # Our own validators raise ValueError with a message that is already translated.
        return str(error.get("msg", "")).removeprefix("Value error, ") or _("This value is not valid.")
    return _("This value is not valid.")


def _location(loc: Iterable[Any]) -> tuple[str, str]:
    parts = [str(p) for p in loc]
    where = parts[0] if parts else "body"
    return where, ".".join(parts[1:])


def ninja_errors(exc: NinjaValidationError) -> list[dict[str, Any]]:
    errors = []
    for error in exc.errors:
        where, field = _location(error.get("loc", ()))
        if where == "body" and field.startswith("payload."):
            field = field.removeprefix("payload.")
        errors.append(
            {
                "in": where,
                "field": field,
                "pointer": "/" + field.replace(".", "/") if field else "",
                "code": str(error.get("type", "invalid")),
                "message": _message(error),
            }
        )
    return errors


def django_errors(exc: DjangoValidationError) -> list[dict[str, Any]]:
    if hasattr(exc, "error_dict"):
        return [
            {
                "in": "body",
                "field": "" if field == NON_FIELD_ERRORS else field,
                "pointer": "" if field == NON_FIELD_ERRORS else f"/{field}",
                "code": "invalid",
                "message": message,
            }
            for field, messages in exc.message_dict.items()
            for message in messages
        ]
    return [{"in": "body", "field": "", "pointer": "", "code": "invalid", "message": m} for m in exc.messages]


# --- Exception handlers -----------------------------------------------------------------------


def install(api: NinjaAPI) -> None:
    """Route every exception of ``api``'s operations to a problem response."""

    def validation(request: HttpRequest, exc: Any) -> HttpResponse:
        return problem_response(request, 400, errors=ninja_errors(exc))

    def django_validation(request: HttpRequest, exc: Any) -> HttpResponse:
        return problem_response(request, 400, errors=django_errors(exc))

    def not_found(request: HttpRequest, exc: Any) -> HttpResponse:
        return problem_response(request, 404)

    def read_only(request: HttpRequest, exc: Any) -> HttpResponse:
        return problem_response(request, 403, _("This token is read-only; it cannot change anything."))

    def denied(request: HttpRequest, exc: Any) -> HttpResponse:
        return problem_response(request, 403)

    def unauthenticated(request: HttpRequest, exc: Any) -> HttpResponse:
        return problem_response(request, 401)

    def throttled(request: HttpRequest, exc: Any) -> HttpResponse:
        headers = {"Retry-After": str(int(exc.wait))} if exc.wait else None
        return problem_response(request, 429, headers=headers)

    def http_error(request: HttpRequest, exc: Any) -> HttpResponse:
        if exc.status_code == 400:
            # ninja's only 400 of its own: a body its parser cannot read.
            message = _("The body is not valid JSON.")
            error = {"in": "body", "field": "", "pointer": "", "code": "json_invalid", "message": message}
            return problem_response(request, 400, errors=[error])
        return problem_response(request, exc.status_code, default_detail(exc.status_code))

    def api_problem(request: HttpRequest, exc: Any) -> HttpResponse:
        return problem_response(request, exc.status, exc.detail, errors=exc.errors, headers=exc.headers)

    def unexpected(request: HttpRequest, exc: Any) -> HttpResponse:
        logger.exception("API error on %s %s", request.method, request.path, exc_info=exc)
        return problem_response(request, 500)

    api.add_exception_handler(NinjaValidationError, validation)
    api.add_exception_handler(DjangoValidationError, django_validation)
    api.add_exception_handler(Http404, not_found)
    api.add_exception_handler(ObjectDoesNotExist, not_found)
    api.add_exception_handler(ReadOnlyToken, read_only)
    api.add_exception_handler(PermissionDenied, denied)
    api.add_exception_handler(AuthenticationError, unauthenticated)
    api.add_exception_handler(Throttled, throttled)
    api.add_exception_handler(HttpError, http_error)
    api.add_exception_handler(ApiProblem, api_problem)
    api.add_exception_handler(Exception, unexpected)

"""Who is calling the API, and what they may see and do.

A token acts as the person who created it, restricted to their membership in the token's
organisation: ``get_access`` of the acting user is replaced, for this request, by an ``Access``
holding that one membership with its roles (and no platform-administrator rights). Every
``visible_to(user)`` and role check therefore answers for the token's organisation exactly as the
interface answers for that person working for that organisation. A token stops working when it
is revoked or expired, when its creator's account is deactivated, and when the creator's
membership of the organisation ends or the organisation is deactivated.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer

from werkplaats.accounts.models import User
from werkplaats.audit.context import Actor
from werkplaats.core.net import client_address
from werkplaats.organisations import access as access_module
from werkplaats.organisations.access import Access
from werkplaats.organisations.models import Membership, Organisation

from .models import ApiToken, hash_secret
from .problems import ReadOnlyToken

_REQUEST_ATTR = "_werkplaats_api_token"
_MAX_SECRET_LENGTH = 200
# last_used_at is written at most once per interval, so that a busy client does not turn every
# read into a write.
LAST_USED_INTERVAL = datetime.timedelta(minutes=1)


def _bearer_secret(request: HttpRequest) -> str | None:
    value = request.headers.get("Authorization", "")
    scheme, _space, secret = value.partition(" ")
    secret = secret.strip()
    if scheme.lower() != "bearer" or not secret or len(secret) > _MAX_SECRET_LENGTH:
        return None
    return secret


def _scope_to_membership(user: User, membership: Membership) -> None:
    """Make every access check for ``user`` (this object, this request) see one membership."""
    access = Access(user_id=user.pk, is_authenticated=True, is_platform_admin=False, memberships=(membership,))
    setattr(user, access_module._CACHE_ATTR, access)


def _load(secret: str) -> ApiToken | None:
    token = (
        ApiToken.objects.select_related("organisation", "created_by")
        .filter(key_hash=hash_secret(secret), revoked_at__isnull=True, expires_at__gt=timezone.now())
        .first()
    )
    if token is None or not token.created_by.is_active or not token.organisation.is_active:
        return None
    membership = (
        Membership.objects.active()
        .filter(user_id=token.created_by_id, organisation_id=token.organisation_id)
        .select_related("organisation", "organisation__region")
        .prefetch_related("role_set")
        .first()
    )
    if membership is None:
        return None
    _scope_to_membership(token.created_by, membership)
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_INTERVAL:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


def token_for_request(request: HttpRequest) -> ApiToken | None:
    """The usable token of the request's ``Authorization: Bearer`` header, or None. Looked up once
    per request; on success the token's creator (``acting_user``) is scoped as described above."""
    if hasattr(request, _REQUEST_ATTR):
        cached: ApiToken | None = getattr(request, _REQUEST_ATTR)
        return cached
    secret = _bearer_secret(request)
    token = _load(secret) if secret else None
    setattr(request, _REQUEST_ATTR, token)
    if token is not None:
        # request.user stays the session's (anonymous): setting it would make the session
        # middleware treat the call as a login. Use ``acting_user(request)``.
        request.organisation = token.organisation  # type: ignore[attr-defined]
    return token


class ApiTokenAuth(HttpBearer):
    """``Authorization: Bearer <token>``; anything else is a 401."""

    def __call__(self, request: HttpRequest) -> ApiToken | None:
        return token_for_request(request)

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        return token_for_request(request)


def api_token(request: HttpRequest) -> ApiToken:
    """The token of an authenticated operation (``request.auth``)."""
    token = getattr(request, "auth", None)
    if not isinstance(token, ApiToken):
        raise PermissionDenied
    return token


def acting_user(request: HttpRequest) -> User:
    """The person the token acts as, with access scoped to the token's organisation: pass this
    to ``visible_to``, ``require_role`` and services (``by=``)."""
    return api_token(request).created_by


def acting_organisation(request: HttpRequest) -> Organisation:
    return api_token(request).organisation


def require_write(request: HttpRequest) -> None:
    """403 for a read-only token. The API's URL wrapper already refuses every unsafe method of a
    read-only token; write operations call this too, so the rule is visible where it applies."""
    if api_token(request).read_only:
        raise ReadOnlyToken


def require_role(request: HttpRequest, organisation: Organisation, *roles: str) -> None:
    """The interface's ``require_role`` for the acting user (403 without one of ``roles``)."""
    access_module.require_role(acting_user(request), organisation, *roles)


def audit_actor(token: ApiToken, request: HttpRequest) -> Actor:
    """The actor of audit entries made during a call: the token, by name, for its organisation."""
    return Actor(
        user=None, organisation_id=token.organisation_id, label=token.audit_label, ip_address=client_address(request)
    )

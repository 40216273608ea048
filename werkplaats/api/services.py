"""Making and revoking API tokens."""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from werkplaats.organisations.access import get_access
from werkplaats.organisations.models import Membership, Organisation, Role

from .models import DISPLAY_PREFIX_LENGTH, SECRET_PREFIX, ApiToken, hash_secret

MAX_LIFETIME = datetime.timedelta(days=366)


def new_secret() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def can_manage_tokens(user: Any, organisation: Organisation) -> bool:
    """An organisation's administrators manage its tokens; so do platform administrators."""
    access = get_access(user)
    return access.is_platform_admin or access.has_role(organisation, Role.ADMIN)


@transaction.atomic
def create_token(
    organisation: Organisation,
    *,
    by: Any,
    name: str,
    read_only: bool,
    expires_at: datetime.datetime,
    check_permission: bool = True,
) -> tuple[ApiToken, str]:
    """Make a token for ``organisation`` acting as ``by``; return it with its secret, which is
    not stored and cannot be shown again. ``check_permission=False`` is for operators on the
    command line; ``by`` must still be an active member of the organisation, because the token
    acts with their roles there."""
    if check_permission and not can_manage_tokens(by, organisation):
        raise PermissionDenied
    errors: dict[str, str] = {}
    name = name.strip()
    if not name:
        errors["name"] = _("Give the token a name.")
    now = timezone.now()
    if expires_at <= now:
        errors["expires_at"] = _("The expiry date must be in the future.")
    elif expires_at > now + MAX_LIFETIME:
        errors["expires_at"] = _("A token is valid for at most a year.")
    if not Membership.objects.active().filter(user=by, organisation=organisation).exists():
        errors["organisation"] = _("The token acts as its creator, who must be a member of the organisation.")
    if errors:
        raise ValidationError(errors)
    secret = new_secret()
    token = ApiToken.objects.create(
        organisation=organisation,
        name=name[:100],
        prefix=secret[:DISPLAY_PREFIX_LENGTH],
        key_hash=hash_secret(secret),
        read_only=read_only,
        created_by=by,
        created_at=now,
        expires_at=expires_at,
    )
    return token, secret


@transaction.atomic
def revoke_token(token: ApiToken, *, by: Any) -> ApiToken:
    """Stop ``token`` at once. Revoking a revoked token changes nothing."""
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if not can_manage_tokens(by, token.organisation):
        raise PermissionDenied
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.revoked_by = by
        token.save(update_fields=["revoked_at", "revoked_by"])
    return token


def sees_no_records(roles: Iterable[str]) -> bool:
    """A token acts with its maker's roles; an organisation's administrator manages people and
    tokens and a partnership member works in partnerships, so with only those roles the token
    opens no learner, trajectory or certificate."""
    return not set(roles) - {Role.ADMIN, Role.MEMBER}

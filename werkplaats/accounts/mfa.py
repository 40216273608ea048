"""Two-factor authentication (TOTP) that some people must use.

Administrators and coordinators (the roles in ``WERKPLAATS_MFA_REQUIRED_ROLES``) see the data of
many people, and platform staff manage the whole platform; a stolen password alone must not open
those accounts. For everyone else an authenticator app stays optional.
"""

from __future__ import annotations

from typing import Any

from allauth.mfa.models import Authenticator
from django.conf import settings

from werkplaats.organisations.access import get_access


def must_use_totp(user: Any) -> bool:
    """Whether the user's roles call for an authenticator app, enforced or not."""
    if user is None or not user.is_authenticated:
        return False
    if user.is_superuser or user.is_staff:
        return True
    return get_access(user).has_any_role(*settings.WERKPLAATS_MFA_REQUIRED_ROLES)


def has_totp(user: Any) -> bool:
    return Authenticator.objects.filter(user_id=user.pk, type=Authenticator.Type.TOTP).exists()


def lacks_required_totp(user: Any) -> bool:
    """Whether the user must set up an authenticator app before doing anything else."""
    return settings.WERKPLAATS_MFA_ENFORCED and must_use_totp(user) and not has_totp(user)

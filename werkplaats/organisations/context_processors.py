from typing import Any

from django.http import HttpRequest

from .access import can_read_audit_log, get_access


def organisations(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    access = get_access(user)
    return {
        "my_memberships": access.memberships,
        "active_organisation": getattr(request, "organisation", None),
        "active_membership": getattr(request, "membership", None),
        "is_platform_admin": access.is_platform_admin,
        "can_read_audit_log": can_read_audit_log(user),
    }

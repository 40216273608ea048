from typing import Any

from django.http import HttpRequest

from werkplaats.core.context_processors import menu_url
from werkplaats.organisations.access import get_access
from werkplaats.organisations.models import Role

from .services import can_see_counts


def certificates(request: HttpRequest) -> dict[str, Any]:
    """Where the main menu's "Praktijkverklaringen" leads: the counts for coordinators, the batch
    issue for school staff; nowhere (no menu item) for others."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    if can_see_counts(user):
        return {"certificates_url": menu_url("certificates:counts")}
    if get_access(user).organisation_ids(Role.SCHOOL_STAFF):
        return {"certificates_url": menu_url("certificates:batch-start")}
    return {}

from typing import Any

from django.http import HttpRequest

from werkplaats.core.context_processors import menu_url

from .dashboard import can_see_dashboard


def insights(request: HttpRequest) -> dict[str, Any]:
    """The main menu's "Dashboard" item, for whoever has a region or organisation of their own."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not can_see_dashboard(user):
        return {}
    return {"insights_url": menu_url("insights:dashboard")}

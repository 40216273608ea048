from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from werkplaats.core import header
from werkplaats.core.context_processors import menu_url

from .services import can_found_partnership


def partnerships(request: HttpRequest) -> dict[str, Any]:
    """The main menu's "Partnerships" item: for members of a partnership and for coordinators,
    who can found one."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def url() -> str:
        if can_found_partnership(user) or header.facts(request).in_a_partnership:
            return menu_url("partnerships:list")
        return ""

    # Asked when a template shows the menu, not for every template rendered.
    return {"partnerships_url": SimpleLazyObject(url)}
